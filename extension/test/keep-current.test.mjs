// Keep current (background/keep-current.js) in two synced browser
// profiles: a Bluesky and a Mastodon thread saved at 3 posts; the sources
// (Bluesky's AppView and a Mastodon server, answered locally under their
// own names) later answer 5. The alarm's work, fired on demand ("Check
// now", the keep:run message), adds the 2 new posts of each, and the other
// profile gets them by sync: its library rows say "2 new". Opening the
// thread marks them new in the reader, and reading clears the count. A post
// then deleted at the source stays, marked; posts edited at the source
// (Mastodon's edited_at) keep their latest text with the server's edit
// time, and the reader notes it; the first post gone (404) is kept, marked.
// Each run asks each thread's source once: the Mastodon server's answers
// are counted per thread per run. A thread's own switch, turned off on one
// profile, is off on the other after sync and stops its readings there,
// and one an earlier version kept on one device alone is written into its
// thread. A Misskey thread saved the way an earlier version did (platform
// "mastodon") moves to its misskey: key on both profiles and is read again
// through Misskey's API. A 429 puts the thread off.
// Browsers: chromium, firefox
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer as startPages } from './server.mjs';
import { openProfile, startServer, until } from './library-helpers.mjs';
import { browserName } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------ Mastodon
const INSTANCE = 'social.example';
const account = { id: '7', username: 'baker', acct: 'baker', display_name: 'Baker', url: `https://${INSTANCE}/@baker`, avatar: '', note: '' };
const mid = (i) => `11400000000000000${i}`;
// Edits made at the source: {[i]: {at, content}}.
const edits = {};
const status = (i) => ({
  id: mid(i), created_at: `2026-02-0${i}T10:00:00.000Z`, edited_at: edits[i]?.at ?? null, in_reply_to_id: i > 1 ? mid(i - 1) : null, in_reply_to_account_id: i > 1 ? '7' : null,
  sensitive: false, spoiler_text: '', visibility: 'public', language: 'en',
  uri: `https://${INSTANCE}/users/baker/statuses/${mid(i)}`, url: `https://${INSTANCE}/@baker/${mid(i)}`,
  content: edits[i]?.content ?? `<p>Sourdough, part ${i}.</p>`, reblog: null, account, media_attachments: [], mentions: [], tags: [], emojis: [], card: null, poll: null,
});
const MASTO_URL = `https://${INSTANCE}/@baker/${mid(1)}`;

// ------------------------------------------------------------- Misskey
// A Misskey server without a Mastodon API (made, in the shape of Misskey
// 13's packed notes, as the made golden
// shared/extract/testdata/misskey/made-v13-selfthread-3-quote-video-mfm):
// a self-thread of 2, later 3.
const MK = 'misskey.example';
const mkUser = { id: '9u0000000a', name: 'Ada', username: 'ada', host: null, avatarUrl: null, emojis: {} };
const nid = (i) => `9r0000000${i}`;
const note = (i) => ({
  id: nid(i), createdAt: `2026-02-0${i}T11:00:00.000Z`, userId: mkUser.id, user: mkUser, text: `Knitting, row ${i}.`, cw: null,
  visibility: 'public', replyId: i > 1 ? nid(i - 1) : null, renoteId: null, files: [], fileIds: [], poll: null, emojis: {},
  repliesCount: i < now.miss ? 1 : 0, uri: null, url: null,
});
// Misskey's API takes JSON POSTs and answers CORS (preflight included).
const mkAPI = (path, answer) => [`${MK} ${path}`, { respond: async (url, req) => {
  const headers = { ...cors, 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' };
  if (req.method === 'OPTIONS') return { status: 204, body: '', headers };
  let body = '';
  for await (const chunk of req) body += chunk;
  const params = JSON.parse(body || '{}');
  requests.push({ host: 'misskey', url: `${url.pathname} ${params.noteId}`, cookie: req.headers.cookie ?? '', referer: req.headers.referer ?? '' });
  return { body: JSON.stringify(answer(params)), headers };
} }];

// ------------------------------------------------------------- Bluesky
// A real-shaped AppView answer (the made golden's), focal on post 3 of 6;
// its self-replies are cut to give the thread 3 or 5 posts.
const bskyCase = path.resolve(here, '../../shared/extract/testdata/bluesky/made-selfthread-6-midthread');
const BSKY_URL = fs.readFileSync(path.join(bskyCase, 'url.txt'), 'utf8').trim();
const bskySource = JSON.parse(fs.readFileSync(path.join(bskyCase, 'source.json'), 'utf8'));
function bskyAnswer(posts) {
  const t = structuredClone(bskySource);
  const did = t.thread.post.author.did;
  let node = t.thread;
  for (let n = 3; node; n++) {
    // The chain's next post (the author also has a reply that is not it).
    const self = (node.replies ?? []).find((r) => r.post?.uri?.endsWith(`/3madeaaaa000${n + 1}`));
    if (n >= posts) node.replies = (node.replies ?? []).filter((r) => r.post?.author?.did !== did);
    node = n >= posts ? null : self;
  }
  return JSON.stringify(t);
}

// What the sources answer now.
const now = { masto: 3, bsky: 3, mastoGone: 0, rootGone: false, limited: false, miss: 2 };
const requests = [];
const cors = { 'access-control-allow-origin': '*' };
// Mastodon's rate-limit answer: the reset time in X-RateLimit-Reset, which
// its CORS answers expose (Retry-After they do not), three hours away.
const limited = () => ({
  status: 429, body: '{"error":"Too many requests"}',
  headers: { ...cors, 'access-control-expose-headers': 'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id', 'x-ratelimit-reset': new Date(Date.now() + 3 * 3_600_000).toISOString() },
});
// What Mastodon answers for a deleted status.
const gone = () => ({ status: 404, body: '{"error":"Record not found"}', headers: cors });
// How many requests each thread's source got since the last call (every
// route above answers for one thread).
const perThread = () => {
  const n = {};
  for (const q of requests.splice(0)) n[q.host] = (n[q.host] ?? 0) + 1;
  return n;
};
const routes = new Map([
  ['public.api.bsky.app /xrpc/app.bsky.feed.getPostThread', { respond: (url, req) => {
    requests.push({ host: 'bsky', url: url.href, cookie: req.headers.cookie ?? '', referer: req.headers.referer ?? '' });
    return { body: bskyAnswer(now.bsky), headers: cors };
  } }],
  [`${INSTANCE} /api/v1/statuses/${mid(1)}`, { respond: (url, req) => {
    requests.push({ host: 'masto', url: url.href, cookie: req.headers.cookie ?? '', referer: req.headers.referer ?? '' });
    if (now.limited) return limited();
    if (now.rootGone) return gone();
    return { body: JSON.stringify(status(1)), headers: cors };
  } }],
  [`${INSTANCE} /api/v1/statuses/${mid(1)}/context`, { respond: (url, req) => {
    requests.push({ host: 'masto', url: url.href, cookie: req.headers.cookie ?? '', referer: req.headers.referer ?? '' });
    if (now.limited) return limited();
    if (now.rootGone) return gone();
    const descendants = [2, 3, 4, 5].slice(0, now.masto - 1).filter((i) => i !== now.mastoGone).map(status);
    return { body: JSON.stringify({ ancestors: [], descendants }), headers: cors };
  } }],
  mkAPI('/api/notes/show', (p) => note(Number(p.noteId.slice(-1)))),
  mkAPI('/api/notes/conversation', () => []),
  mkAPI('/api/notes/children', (p) => [note(Number(p.noteId.slice(-1)) + 1)].filter((n) => Number(n.id.slice(-1)) <= now.miss)),
]);

let pages, srv, A, B;
before(async () => {
  const serverOptions = { hosts: ['public.api.bsky.app', INSTANCE, MK], ports: [18600, 18699] };
  // Chromium is pointed at one page server by flags; each Firefox profile
  // starts its own on the same routes.
  pages = browserName === 'chromium' ? await startPages(routes, serverOptions) : null;
  srv = await startServer();
  const how = { args: pages?.args ?? [], routes: [...routes], serverOptions };
  A = await openProfile(undefined, how);
  B = await openProfile(undefined, how);
});
after(async () => {
  await A?.close();
  await B?.close();
  await srv?.stop();
  await pages?.close();
});

// extractIn reads a source's answer with the extension's own extractor.
const extractIn = (p, url, content) => p.page.evaluate(async ([u, c]) => JSON.parse(await (await import('/shared/wasm-host.js')).call('extract', u, c)), [url, content]);
const record = (p, key) => p.page.evaluate(async (k) => (await import('/shared/library-store.js')).get(k), key);
const rows = (p) => p.page.evaluate(async () => (await import('/shared/library-store.js')).rows());
const syncBoth = async () => {
  for (let i = 0; i < 2; i++) {
    await A.send('sync:now');
    await B.send('sync:now');
  }
};

test('new posts of a Bluesky and a Mastodon thread arrive on both profiles, marked; a deleted post stays', async () => {
  // Sync on, both profiles in one library.
  await A.send('sync:enable', { server: srv.origin });
  const code = await A.send('sync:code');
  await B.send('sync:join', { server: srv.origin, code: typeof code === 'string' ? code : code.code });

  // Saved at 3 posts each, on A.
  const masto3 = await extractIn(A, MASTO_URL, JSON.stringify({ status: status(1), context: { ancestors: [], descendants: [status(2), status(3)] } }));
  const bsky3 = await extractIn(A, BSKY_URL, bskyAnswer(3));
  assert.equal(masto3.posts.length, 3);
  assert.equal(bsky3.posts.length, 3);
  const mKey = (await A.send('library:save', { thread: masto3 })).key;
  const bKey = (await A.send('library:save', { thread: bsky3 })).key;
  await syncBoth();

  // Nothing new at the source: the alarm's work changes nothing. Each
  // thread's source is asked once: Mastodon for the first post's context.
  requests.length = 0;
  let r = await A.send('keep:run');
  assert.equal(r.checked, 2, JSON.stringify(r));
  assert.equal(r.added, 0);
  assert.deepEqual(requests.map((q) => q.url).filter((u) => u.includes(INSTANCE)), [`https://${INSTANCE}/api/v1/statuses/${mid(1)}/context`]);
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });

  // The sources now answer 5 posts. This run reads the Mastodon thread's
  // first post itself (every other run does), so only Bluesky's new
  // posts arrive; the next run's context brings Mastodon's.
  Object.assign(now, { masto: 5, bsky: 5 });
  r = await A.send('keep:run');
  assert.deepEqual({ checked: r.checked, updated: r.updated, added: r.added, failed: r.failed }, { checked: 2, updated: 1, added: 2, failed: [] });
  assert.deepEqual(requests.map((q) => q.url).filter((u) => u.includes(INSTANCE)), [`https://${INSTANCE}/api/v1/statuses/${mid(1)}`]);
  // Only the posts' own addresses, no cookies, no referrer.
  for (const q of requests) assert.deepEqual([q.cookie, q.referer], ['', ''], q.url);
  assert.match(requests.find((q) => q.host === 'bsky').url, /uri=at%3A%2F%2Fsoubhikbarari\.bsky\.social%2Fapp\.bsky\.feed\.post%2F3madeaaaa0003/);
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });
  r = await A.send('keep:run');
  assert.deepEqual({ updated: r.updated, added: r.added, failed: r.failed }, { updated: 1, added: 2, failed: [] });
  for (const q of requests) assert.deepEqual([q.cookie, q.referer], ['', ''], q.url);
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });

  await syncBoth();
  for (const p of [A, B]) {
    for (const key of [mKey, bKey]) assert.equal((await record(p, key)).thread.posts.length, 5, `${p === A ? 'A' : 'B'} ${key}`);
    const byKey = Object.fromEntries((await rows(p)).map((x) => [x.key, x.fresh]));
    assert.deepEqual(byKey, { [mKey]: 2, [bKey]: 2 }, `${p === A ? 'A' : 'B'}: 2 new posts on each row`);
  }
  // B's library page shows it on the rows; its toolbar badge counts 4.
  await B.page.goto(B.url('pages/library/library.html'));
  await B.page.waitForSelector('.row .fresh:not([hidden])');
  assert.deepEqual(await B.page.$$eval('.row .fresh:not([hidden])', (els) => els.map((e) => e.textContent)), ['2 new', '2 new']);
  await until(async () => (await B.page.evaluate(() => chrome.action.getBadgeText({}))) === '4', { what: 'the badge says 4' });

  // Opening the Mastodon thread on B marks the two new posts, and reading
  // it clears its count (on A too, after sync).
  await B.page.goto(B.url(`pages/library/read.html?key=${encodeURIComponent(mKey)}`));
  await B.page.waitForSelector('html[data-ready="1"]');
  const marked = await B.page.evaluate(() => [...document.getElementById('reader').shadowRoot.querySelectorAll('section.u-new')].map((s) => s.id));
  assert.deepEqual(marked, [`u-${mid(4)}`, `u-${mid(5)}`]);
  assert.equal(await B.page.evaluate(() => document.getElementById('keep').checked), true, 'kept current: saved today');
  await until(async () => (await rows(B)).find((x) => x.key === mKey).fresh === 0, { what: 'read on B' });
  await syncBoth();
  assert.equal((await rows(A)).find((x) => x.key === mKey).fresh, 0, 'read on B counts on A');

  // At the source, since the save: the first post and post 2 edited
  // (Mastodon's edited_at, a few minutes ago), post 5 deleted. This run
  // reads the first post itself: its edit arrives, with the server's time;
  // the next run's context brings post 2's edit and post 5's removal.
  // Still one request a run each.
  const ago = (min) => new Date(Math.floor(Date.now() / 1000 - min * 60) * 1000).toISOString();
  const [at1, at2] = [ago(2), ago(3)];
  Object.assign(edits, {
    1: { at: at1, content: '<p>Sourdough, part 1, with the right flour.</p>' },
    2: { at: at2, content: '<p>Sourdough, part 2, corrected.</p>' },
  });
  const noMS = (iso) => iso.replace('.000Z', 'Z');
  now.mastoGone = 5;
  r = await A.send('keep:run');
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });
  assert.equal(r.updated, 1, JSON.stringify(r));
  let t = (await record(A, mKey)).thread;
  assert.deepEqual([t.posts[0].text, t.posts[0].editedAt], ['Sourdough, part 1, with the right flour.', noMS(at1)]);
  assert.deepEqual([t.posts[1].text, t.posts[1].editedAt, t.posts[4].removedAt], ['Sourdough, part 2.', undefined, undefined]);
  r = await A.send('keep:run');
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });
  assert.equal(r.updated, 1, JSON.stringify(r));
  await syncBoth();
  for (const p of [A, B]) {
    t = (await record(p, mKey)).thread;
    assert.equal(t.posts.length, 5, 'nothing lost');
    assert.deepEqual([t.posts[1].text, t.posts[1].editedAt], ['Sourdough, part 2, corrected.', noMS(at2)]);
    assert.equal(t.posts[0].editedAt, noMS(at1), 'the first post keeps its edit');
    assert.ok(t.posts.find((x) => x.id === mid(5)).removedAt, 'post 5 marked removed at the source');
  }
  await B.page.goto(B.url(`pages/library/read.html?key=${encodeURIComponent(mKey)}`));
  await B.page.waitForSelector('html[data-ready="1"]');
  const marks = Object.fromEntries(await B.page.evaluate(() => [...document.getElementById('reader').shadowRoot.querySelectorAll('section.u-post')]
    .map((sec) => [sec.id, [...sec.querySelectorAll('.u-mark')].map((m) => m.textContent)])));
  const d = new Date(at2);
  const day = `${d.getUTCDate()} ${'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  const edited = `Edited at the source on ${day}; this is its latest text.`;
  for (const i of [1, 2]) assert.ok(marks[`u-${mid(i)}`].includes(edited), `post ${i}: ${marks[`u-${mid(i)}`].join(' | ')}`);
  for (const i of [3, 4]) assert.ok(!marks[`u-${mid(i)}`].some((m) => /^Edited/.test(m)), `post ${i} is not edited`);
  assert.ok(marks[`u-${mid(5)}`].some((m) => /^Removed at the source/.test(m)), marks[`u-${mid(5)}`].join(' | '));

  // The first post deleted: both requests answer 404. It is kept, marked
  // removed; reading again changes nothing.
  now.rootGone = true;
  r = await A.send('keep:run');
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });
  assert.equal(r.updated, 1, JSON.stringify(r));
  t = (await record(A, mKey)).thread;
  assert.ok(t.posts[0].removedAt, 'the first post marked removed');
  assert.equal(t.posts.length, 5);
  r = await A.send('keep:run');
  assert.deepEqual(perThread(), { bsky: 1, masto: 1 });
  assert.deepEqual({ updated: r.updated, failed: r.failed }, { updated: 0, failed: [] });
  now.rootGone = false;
});

test('a thread\'s own switch crosses devices: off on B stops A reading it, on again on A reaches B', async () => {
  const mKey = (await rows(A)).find((x) => x.platform === 'mastodon').key;
  const bKey = (await rows(A)).find((x) => x.platform === 'bluesky').key;
  const keepBox = async (p, key) => {
    await p.page.goto(p.url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
    await p.page.waitForSelector('html[data-ready="1"]');
    return p.page.evaluate(() => document.getElementById('keep').checked);
  };
  // Never switched: both follow the default (saved today: on), and the
  // records carry no switch.
  assert.equal((await record(A, mKey)).keepCurrent, undefined);
  assert.equal(await keepBox(A, mKey), true);

  // Off on B, by the switch on the thread's page.
  assert.equal(await keepBox(B, mKey), true);
  await B.page.click('#keep');
  await until(async () => (await record(B, mKey)).keepCurrent === false, { what: 'the switch is off in B\'s record' });
  await syncBoth();
  assert.equal((await record(A, mKey)).keepCurrent, false, 'the switch synced to A');
  assert.equal((await rows(A)).find((x) => x.key === mKey).keepCurrent, false, 'A\'s list row has it');
  assert.equal(await keepBox(A, mKey), false, 'A\'s thread page shows it off');
  assert.equal(await keepBox(A, bKey), true, 'the other thread keeps the default');
  requests.length = 0;
  const r = await A.send('keep:run');
  assert.equal(r.checked, 1, JSON.stringify(r));
  assert.deepEqual(requests.map((q) => q.host), ['bsky'], 'A no longer reads the thread switched off on B');

  // On again, on A this time: the later switch wins on B.
  await keepBox(A, mKey);
  await A.page.click('#keep');
  await until(async () => (await record(A, mKey)).keepCurrent === true, { what: 'the switch is on in A\'s record' });
  await syncBoth();
  assert.equal((await record(B, mKey)).keepCurrent, true, 'B has the later switch');
  assert.equal(await keepBox(B, mKey), true);

  // A switch an earlier version kept on A alone goes into its thread on
  // update, and so reaches B; the storage it lived in is emptied.
  await A.page.evaluate((k) => chrome.storage.local.set({ keepCurrentThreads: { [k]: false } }), bKey);
  assert.equal(await A.page.evaluate(async () => (await import('/shared/keep-settings.js')).adoptDeviceSwitches(await import('/shared/library-store.js'))), 1);
  assert.deepEqual(await A.page.evaluate(() => chrome.storage.local.get('keepCurrentThreads')), {});
  await syncBoth();
  assert.equal((await record(B, bKey)).keepCurrent, false, 'the adopted switch synced to B');
  // Back to the default (saved today: on) for the tests below.
  await A.page.evaluate(async (k) => (await import('/shared/library-store.js')).setKeepCurrent(k, null), bKey);
  await syncBoth();
  for (const p of [A, B]) assert.equal((await record(p, bKey)).keepCurrent, undefined, p === A ? 'A' : 'B');
  assert.equal(await keepBox(B, bKey), true);
});

test('a Misskey thread saved as an earlier version did moves to misskey: on both devices and is read again through Misskey\'s API', async () => {
  const pageURL = `https://${MK}/notes/${nid(1)}`;
  const read2 = await extractIn(B, pageURL, JSON.stringify({ note: note(1), conversation: [], children: [note(2)] }));
  assert.equal(read2.platform, 'misskey');
  assert.equal(read2.posts.length, 2);
  // As an earlier version saved it: platform "mastodon", source misskey-api.
  const oldKey = (await B.send('library:save', { thread: { ...read2, platform: 'mastodon' } })).key;
  const newKey = await B.page.evaluate(async (t) => (await import('/shared/library-store.js')).threadKey(t), read2);
  assert.deepEqual([oldKey, newKey], [`mastodon:${nid(1)}`, `misskey:${nid(1)}`]);
  await B.page.evaluate(async (k) => (await import('/shared/library-store.js')).setTags(k, ['yarn']), oldKey);
  // A pulls the old record and moves it; B gets the move back.
  await syncBoth();
  await syncBoth();
  for (const p of [A, B]) {
    const [old, moved] = [await record(p, oldKey), await record(p, newKey)];
    assert.equal(old.deleted, true, `${p === A ? 'A' : 'B'}: the old record is deleted`);
    assert.equal(moved?.deleted, false, `${p === A ? 'A' : 'B'}: the thread is under its new key`);
    assert.deepEqual([moved.thread.platform, moved.tags], ['misskey', ['yarn']]);
    assert.deepEqual((await rows(p)).filter((x) => x.key.endsWith(nid(1))).map((x) => x.key), [newKey], 'one row');
  }

  // The server now has a third note: keep current asks Misskey's API.
  now.miss = 3;
  requests.length = 0;
  const r = await A.send('keep:run');
  assert.equal(r.failed.length, 0, JSON.stringify(r));
  assert.equal(r.added, 1, JSON.stringify(r));
  const mine = requests.filter((q) => q.host === 'misskey');
  assert.deepEqual(mine.map((q) => q.url), [
    `/api/notes/show ${nid(1)}`,
    `/api/notes/children ${nid(1)}`, `/api/notes/children ${nid(2)}`, `/api/notes/children ${nid(3)}`,
  ]);
  for (const q of mine) assert.deepEqual([q.cookie, q.referer], ['', ''], q.url);
  await syncBoth();
  assert.deepEqual((await record(B, newKey)).thread.posts.map((x) => x.id), [nid(1), nid(2), nid(3)]);
});

test('a 429 puts the thread off as long as the server asks, and the switch off stops all requests', async () => {
  now.limited = true;
  let r = await A.send('keep:run');
  assert.equal(r.failed.length, 1, JSON.stringify(r));
  assert.match(r.failed[0].key, /^mastodon:/);
  // The next alarm (not forced) leaves the limited thread alone.
  const before = requests.length;
  await A.page.evaluate(() => chrome.storage.local.get('keepCurrentState')).then((s) => {
    const st = Object.values(s.keepCurrentState).find((x) => x.fails > 0);
    assert.ok(st.next - Date.now() > 170 * 60_000, 'put off for the three hours the server asks, not the one-hour interval');
  });
  now.limited = false;
  await A.page.evaluate(() => chrome.storage.local.set({ keepCurrent: { on: false, days: 14 } }));
  r = await A.send('keep:run');
  assert.equal(r.off, true);
  assert.equal(requests.length, before, 'nothing asked when off');
});
