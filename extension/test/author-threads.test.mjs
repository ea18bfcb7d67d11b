// "Threads by @author" through the real toolbar button, on profile pages
// served under their real names with their timeline data answered locally:
//   X         https://x.com/XDevelopers, whose script fetches two real UserTweets
//             pages (twscrape's captures) the way X's client does: the MAIN-world
//             capture keeps them
//   Bluesky   https://bsky.app/profile/…, the AppView's getAuthorFeed (made)
//   Mastodon  https://mastodon.social/@halcy, its lookup and account statuses (made
//             around real statuses)
//   X, cells  https://x.com/threadwright, a profile whose timeline responses were
//             not captured (as when the extension came after the page): only its
//             rendered cells (made from real ones) are there to read
// Each profile holds 3 self-threads among reposts, single posts and replies
// to others: the list shows exactly those 3, in the profile's order, with
// their first line and length (shared/extract/testdata/author, read by Go).
// "Unroll" opens the reader on one (X: on its own page, opened in the tab);
// "Save all" saves each, collected whole (X: on its own page, in a tab the
// background opens beside the profile and closes); the library's author view
// shows the saved and the not-yet-saved side by side. Without access to
// x.com (withdrawn; Firefox), X's Save all stops at once and says why.
// Browsers: chromium, firefox
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inShadow, onlyIn, openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';
import { NO_AWAY_TAB } from '../shared/author-away.js';
import { libraryState, until } from './library-helpers.mjs';
import { gapCell, madeCell, xAppPage } from './pages.mjs';

const testdata = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/extract/testdata/author');

function profileCase(dir) {
  const at = (f) => path.join(testdata, dir, f);
  const bodies = fs.readdirSync(path.join(testdata, dir)).filter((f) => /^body-\d+\.json$/.test(f)).sort().map((f) => fs.readFileSync(at(f), 'utf8'));
  return { url: new URL(fs.readFileSync(at('url.txt'), 'utf8').trim()), bodies, expected: JSON.parse(fs.readFileSync(at('expected-listing.json'), 'utf8')) };
}

const x = profileCase('x-twscrape-xdevelopers-two-pages');
// The second listed X thread is twscrape's real TweetDetail capture of it
// (an X golden): its status page loads it as X's client does, and an
// unroll from the list reads it there.
const xThreadDir = path.resolve(testdata, '../x-graphql/twscrape-raw_tweet_details');
const xThread = {
  url: fs.readFileSync(path.join(xThreadDir, 'url.txt'), 'utf8').trim(),
  detail: fs.readFileSync(path.join(xThreadDir, 'source.json'), 'utf8'),
  thread: JSON.parse(fs.readFileSync(path.join(xThreadDir, 'expected.json'), 'utf8')),
};
xThread.ids = xThread.thread.posts.map((p) => p.id);
// X's page draws the opened post as a cell (the X collector starts on a
// page that shows one); the thread itself is read from the TweetDetail.
const xFocalCell = madeCell({ ...xThread.thread.posts[0], handle: 'XDevelopers', name: xThread.thread.author.name, media: [], focal: true });
const bsky = profileCase('made-bluesky-profile-3-threads');
const masto = profileCase('made-mastodon-profile-3-threads');

const READY = "document.documentElement.dataset.ready = 'true';";
const shell = (title, script, main = `<h1>${title}</h1>`) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main>${main}</main><script src="${script}"></script></body></html>`;
const js = (body) => ({ body, type: 'text/javascript' });
const json = (body) => ({ body, type: 'application/json' });

// X's client loads the profile's posts page by page, each a GET of the
// UserTweets GraphQL operation; the MAIN-world capture keeps the answers.
const X_QUERY = '/i/api/graphql/madeQueryId/UserTweets';
const xClient = `(async () => {
  for (let page = 1; page <= ${x.bodies.length}; page++) {
    const variables = JSON.stringify({ userId: '2244994945', count: 20, page });
    await (await fetch('${X_QUERY}?variables=' + encodeURIComponent(variables), { headers: { 'x-csrf-token': 'made' } })).text();
  }
  ${READY}
})();`;

// The AppView answers one request with both pages' items (limit=100).
const feed = JSON.stringify({ feed: bsky.bodies.flatMap((b) => JSON.parse(b).feed) });
const feedRequests = [];
const mastoRequests = [];

// The status API the Mastodon collector asks for each listed thread: the
// status and its context (the author's replies under it), from the same
// statuses. The last thread's context fails: Save all names it and goes on.
const statuses = JSON.parse(masto.bodies[0]);
const below = (id) => statuses.filter((s) => s.in_reply_to_id === id).flatMap((s) => [s, ...below(s.id)]);
const failing = masto.expected.threads[2].id;
const statusRoutes = masto.expected.threads.flatMap((t) => [
  [`mastodon.social /api/v1/statuses/${t.id}`, json(JSON.stringify(statuses.find((s) => s.id === t.id)))],
  [`mastodon.social /api/v1/statuses/${t.id}/context`, t.id === failing ? { status: 500, body: '{"error":"made failure"}', type: 'application/json' } : json(JSON.stringify({ ancestors: [], descendants: below(t.id) }))],
  [`mastodon.social ${new URL(t.url).pathname}`, { body: shell(`status ${t.id} (made)`, '/made/ready.js') }],
]);

const X_DETAIL = '/i/api/graphql/madeQueryId/TweetDetail';
const xThreadClient = `(async () => {
  const variables = JSON.stringify({ focalTweetId: '${xThread.ids[0]}', with_rux_injections: false });
  await (await fetch('${X_DETAIL}?variables=' + encodeURIComponent(variables), { headers: { 'x-csrf-token': 'made' } })).text();
  ${READY}
})();`;

// The cells-only X profile of @threadwright (the made X app's author): three
// of its threads, each served on its own page as X's client loads it (the
// first held back behind two cursors), drawn on the profile as X draws them —
// the thread line between the posts it shows, a hidden post ("Show more
// replies"), a first post alone with "Show this thread" — among single posts
// and the author's answer to someone else.
const cellsA = xAppPage({ name: 'profile-a', n: 12, firstPart: 5, partSize: 4, base: 1910000000000000000n });
const cellsB = xAppPage({ name: 'profile-b', n: 4, base: 1920000000000000000n });
const cellsC = xAppPage({ name: 'profile-c', n: 3, base: 1930000000000000000n });
const single = (k) => ({ ...cellsA.posts[0], id: String(1940000000000000000n + BigInt(k)), text: `A single post (${k}), not a thread`, media: [] });
const asker = { ...single(5), handle: 'replier1', name: 'Replier 1', text: 'Someone else asks a question' };
// On a profile no post is the opened one: each time links to its post.
const profileCell = (p, options) => madeCell({ ...p, focal: false }, options);
const cellsProfile = [
  profileCell(single(1), { lines: 'none' }),
  profileCell(cellsA.posts[0], { lines: 'below' }),
  profileCell(cellsA.posts[1], { lines: 'both' }),
  profileCell(cellsA.posts[2], { lines: 'above' }),
  profileCell(single(2), { lines: 'none' }),
  profileCell(cellsB.posts[0], { lines: 'below' }),
  gapCell(cellsB.posts[1].id),
  profileCell(cellsB.posts[3], { lines: 'above' }),
  profileCell(asker, { lines: 'below' }),
  profileCell({ ...single(6), text: 'The author answers someone else' }, { lines: 'above' }),
  profileCell(cellsC.posts[0], { lines: 'none', showThread: true }),
  profileCell(single(3), { lines: 'none' }),
].join('');
const cellsThreads = [cellsA, cellsB, cellsC];
const cellsURL = 'https://x.com/threadwright';

const routes = [
  ...cellsThreads.flatMap((c) => c.routes),
  ['x.com /threadwright', { body: shell('Thread Wright (made profile page, real cells, nothing captured)', '/made/ready.js', `<div data-testid="primaryColumn"><section role="region">${cellsProfile}</section></div>`) }],
  ['x.com /made/ready.js', js(READY)],
  ...statusRoutes,
  [`x.com ${new URL(xThread.url).pathname}`, { body: shell('XDevelopers thread (made page, real data)', '/made/x-thread.js', `<div aria-label="Timeline: Conversation">${xFocalCell}</div>`) }],
  ['x.com /made/x-thread.js', js(xThreadClient)],
  [`x.com ${X_DETAIL}`, json(xThread.detail)],
  [`x.com ${x.url.pathname}`, { body: shell('XDevelopers (made profile page)', '/made/x-profile.js') }],
  ['x.com /made/x-profile.js', js(xClient)],
  [`x.com ${X_QUERY}`, { respond: (url) => ({ body: x.bodies[JSON.parse(url.searchParams.get('variables')).page - 1] }) }],
  [`bsky.app ${bsky.url.pathname}`, { body: shell('Soubhik Barari on Bluesky (made)', '/made/ready.js') }],
  ['bsky.app /made/ready.js', js(READY)],
  ['public.api.bsky.app /xrpc/app.bsky.feed.getAuthorFeed', { respond: (url, req) => {
    feedRequests.push({ search: Object.fromEntries(url.searchParams), cookie: req.headers.cookie ?? null });
    return { body: feed };
  } }],
  [`mastodon.social ${masto.url.pathname}`, { body: shell('halcy on mastodon.social (made)', '/made/ready.js') }],
  ['mastodon.social /made/ready.js', js(READY)],
  ['mastodon.social /api/v1/accounts/lookup', { respond: (url) => {
    mastoRequests.push(url.pathname + url.search);
    return url.searchParams.get('acct') === 'halcy' ? { body: JSON.stringify(JSON.parse(masto.bodies[0]).at(-1).account) } : { status: 404, body: '{"error":"Record not found"}' };
  } }],
  ['mastodon.social /api/v1/accounts/43/statuses', { respond: (url) => {
    mastoRequests.push(url.pathname + url.search);
    return { body: masto.bodies[0] };
  } }],
];

let b;
before(async () => {
  b = await openBrowser(routes, { hosts: ['bsky.app', 'public.api.bsky.app', 'mastodon.social'], ports: [18750, 18799] });
});
after(async () => {
  await b?.close();
});

// readList: the list the toolbar opened ({title, rows: [{id, line, meta}]}), or null.
function readList() {
  const panel = this.querySelector('.panel[role="dialog"]');
  if (!panel) return null;
  return {
    title: panel.querySelector('h2 span')?.textContent,
    rows: [...panel.querySelectorAll('li')].map((li) => ({ id: li.dataset.threadId, line: li.querySelector('.line').textContent, meta: li.querySelector('.meta').textContent, button: li.querySelector('button')?.textContent })),
  };
}

async function listOf(page) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = await inShadow(page, ['unspool-ui'], readList);
    if (got?.value ?? got) return got.value ?? got;
    if (Date.now() > deadline) throw new Error('no list of threads appeared');
    await new Promise((r) => setTimeout(r, 150));
  }
}

function assertListed(list, c, handle) {
  assert.equal(list.title, `Threads by @${handle}`);
  assert.deepEqual(list.rows.map((r) => r.id), c.expected.threads.map((t) => t.id), 'exactly the 3 self-threads, in order');
  assert.equal(list.rows.length, 3);
  list.rows.forEach((r, i) => {
    const t = c.expected.threads[i];
    assert.equal(r.line, t.firstLine);
    assert.match(r.meta, new RegExp(`^${t.posts}${t.more ? '\\+' : ''} posts`));
    assert.equal(r.button, 'Unroll');
  });
}

// clickIn presses the button labelled `label` in the list (row: a thread id).
function clickIn({ label, row }) {
  const scope = row ? this.querySelector(`li[data-thread-id="${row}"]`) : this.querySelector('.panel');
  const btn = [...scope.querySelectorAll('button')].find((x) => x.textContent === label);
  btn.click();
  return true;
}
const statusOf = async (page) => (await inShadow(page, ['unspool-ui'], function () {
  return this.querySelector('.status')?.textContent ?? '';
}))?.value ?? '';

test('X profile: the captured UserTweets pages list exactly its 3 threads, in order', async () => {
  const page = await openPage(b, x.url.href);
  await pressAction(b, page);
  const list = await listOf(page);
  assertListed(list, x, 'XDevelopers');
  assert.deepEqual(list.rows.map((r) => r.meta.split(' ·')[0]), ['2 posts', '3+ posts', '8 posts']);
  // The toolbar again closes the list, and again opens it.
  await pressAction(b, page);
  await page.waitForFunction(() => !document.querySelector('unspool-ui'));
  await pressAction(b, page);
  assertListed(await listOf(page), x, 'XDevelopers');
  // Unroll: X's thread is read on its own page, opened in this tab; the
  // reader shows the whole thread (4 posts), not the 3 the profile showed.
  await inShadow(page, ['unspool-ui'], clickIn, { label: 'Unroll', row: xThread.ids[0] });
  await page.waitForFunction((u) => location.href === u && document.documentElement.dataset.ready === 'true', xThread.url);
  const reader = await waitForReader(page);
  assert.deepEqual(reader.posts.map((p) => p.id), xThread.ids);
  await page.close();
});

test('X profile with rendered cells and no captured UserTweets: exactly its 3 threads, in order; Save all saves each whole from its own page', async () => {
  const page = await openPage(b, cellsURL);
  const tabsBefore = b.context.pages?.().length;
  await pressAction(b, page);
  const list = await listOf(page);
  assert.equal(list.title, 'Threads by @threadwright');
  assert.deepEqual(list.rows.map((r) => r.id), cellsThreads.map((c) => c.posts[0].id), 'exactly the 3 self-threads, in order');
  assert.deepEqual(list.rows.map((r) => r.line), cellsThreads.map((c) => c.posts[0].text));
  assert.deepEqual(list.rows.map((r) => r.meta.split(' ·')[0]), ['3 posts', '2+ posts', '1+ posts']);

  await inShadow(page, ['unspool-ui'], clickIn, { label: 'Save all' });
  await until(async () => /^Saved /.test(await statusOf(page)), { ms: 150_000, what: 'Save all to finish' });
  assert.equal(await statusOf(page), 'Saved 3 of 3 threads.');
  const lib = await b.context.newPage();
  await lib.goto(b.extensionURL('pages/library/library.html'));
  const saved = (await libraryState({ page: lib })).filter((r) => r.key.startsWith('x:19'));
  // Each complete: every post of the thread, the first one's held back
  // behind X's cursors, where the profile showed 3, 2 and 1 of them.
  assert.deepEqual(saved.map((r) => r.key).sort(), cellsThreads.map((c) => `x:${c.posts[0].id}`).sort());
  for (const c of cellsThreads) assert.deepEqual(saved.find((r) => r.key === `x:${c.posts[0].id}`).posts, c.expected.ids);
  assert.ok(cellsA.requests.some((r) => r.cursor), "the first thread's cursors were followed with its page's own request");
  await lib.close();
  // The tabs opened for the threads are closed.
  if (tabsBefore !== undefined) await until(async () => b.context.pages().length === tabsBefore, { ms: 10_000, what: 'the threads\' tabs to close' });
  await page.close();
});

test('Bluesky profile: getAuthorFeed from the AppView lists exactly its 3 threads, without cookies', async () => {
  const page = await openPage(b, bsky.url.href);
  await pressAction(b, page);
  assertListed(await listOf(page), bsky, 'soubhikbarari.bsky.social');
  assert.equal(feedRequests.length, 1);
  assert.deepEqual(feedRequests[0], { search: { actor: 'soubhikbarari.bsky.social', filter: 'posts_and_author_threads', limit: '100' }, cookie: null });
  await page.close();
});

test('Mastodon profile: the account\'s statuses list exactly its 3 threads; Save all saves each whole; the library\'s author view shows saved and not-yet-saved side by side; Unroll opens one', async () => {
  const page = await openPage(b, masto.url.href);
  await pressAction(b, page);
  assertListed(await listOf(page), masto, 'halcy@mastodon.social');
  assert.deepEqual(mastoRequests, ['/api/v1/accounts/lookup?acct=halcy', '/api/v1/accounts/43/statuses?exclude_replies=true&limit=40']);

  await inShadow(page, ['unspool-ui'], clickIn, { label: 'Save all' });
  await until(async () => /^Saved /.test(await statusOf(page)), { ms: 30_000, what: 'Save all to finish' });
  const said = await statusOf(page);
  assert.match(said, /^Saved 2 of 3 threads\. Not saved: first status: .*500/);

  const lib = await b.context.newPage();
  await lib.goto(b.extensionURL('pages/library/library.html'));
  const ext = { page: lib };
  const saved = (await libraryState(ext)).filter((r) => r.key.startsWith('mastodon:'));
  const [a, bb] = masto.expected.threads;
  assert.deepEqual(saved.map((r) => r.key).sort(), [`mastodon:${a.id}`, `mastodon:${bb.id}`].sort());
  // Each saved whole: the thread as its status API gives it, not as the
  // profile showed it.
  assert.deepEqual(saved.find((r) => r.key === `mastodon:${a.id}`).posts, [a.id, ...below(a.id).map((s) => s.id)]);
  assert.equal(saved.find((r) => r.key === `mastodon:${bb.id}`).posts.length, 2);

  await lib.goto(b.extensionURL('pages/library/library.html?handle=halcy%40mastodon.social'));
  await lib.waitForFunction(() => !document.getElementById('author-columns').hidden && document.querySelectorAll('#author-unsaved li').length > 0);
  const columns = await lib.evaluate(() => ({
    saved: document.querySelector('#author-saved h3').textContent,
    unsaved: [...document.querySelectorAll('#author-unsaved li a')].map((x) => [x.textContent, x.getAttribute('href')]),
  }));
  assert.equal(columns.saved, 'Saved (2)');
  assert.deepEqual(columns.unsaved, [[masto.expected.threads[2].firstLine, masto.expected.threads[2].url]]);
  await lib.close();

  // Unroll: the reader opens here on the thread, collected as on its page.
  await inShadow(page, ['unspool-ui'], clickIn, { label: 'Unroll', row: a.id });
  const reader = await waitForReader(page);
  assert.equal(await page.evaluate(() => location.href), masto.url.href, 'the profile stays');
  assert.deepEqual(reader.posts.map((p) => p.id), [a.id, ...below(a.id).map((s) => s.id)]);
  await page.close();
});

// Last in this file: a withdrawn host permission cannot be given back
// without the user's gesture.
test('X profile without access to x.com: Save all says once why it cannot open the threads, opens no tab and saves nothing', onlyIn('firefox', 'Chromium lets no script withdraw a required host permission (its user can, in the site access settings)'), async () => {
  const page = await openPage(b, cellsURL);
  await pressAction(b, page);
  assert.equal((await listOf(page)).rows.length, 3);
  const lib = await b.context.newPage();
  await lib.goto(b.extensionURL('pages/library/library.html'));
  const savedBefore = (await libraryState({ page: lib })).length;
  assert.equal(await b.sw.evaluate(() => chrome.permissions.remove({ origins: ['https://x.com/*'] })), true);
  const tabsBefore = b.context.pages?.().length;

  await inShadow(page, ['unspool-ui'], clickIn, { label: 'Save all' });
  await until(async () => (await statusOf(page)).startsWith(NO_AWAY_TAB), { ms: 30_000, what: 'Save all to say why it stopped' });
  assert.match(await statusOf(page), /may not read x\.com in a tab it opens/);
  if (tabsBefore !== undefined) assert.equal(b.context.pages().length, tabsBefore, 'no tab opened');
  await lib.reload();
  assert.equal((await libraryState({ page: lib })).length, savedBefore, 'nothing saved');
  assert.equal(await inShadow(page, ['unspool-ui'], function () {
    return [...this.querySelectorAll('button')].find((x) => x.textContent === 'Save all').disabled;
  }).then((r) => r?.value ?? r), false, 'Save all can be pressed again');
  await lib.close();
  await page.close();
});
