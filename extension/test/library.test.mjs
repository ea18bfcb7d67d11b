// The library in one real browser profile (Chromium or Firefox): save
// through the reader's message, re-save merges, search as you type finds a
// word of the 40th post, author view, delete with undo, offline reading,
// export/import into a fresh profile (through the page's file chooser), the
// Markdown zip (a real download), the schema upgrade, and screenshots
// (library-<scheme>.png in Chromium, library-<scheme>-firefox.png in Firefox).
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserName } from './harness.mjs';
import { openProfile, libraryState, until } from './library-helpers.mjs';
import { Generator } from './library-data.mjs';

// Screenshots go to $UNSPOOL_SHOTS (default: a temp folder, printed); the
// ones in docs/ were made with UNSPOOL_SHOTS=docs.
const shots = process.env.UNSPOOL_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-library-shots-'));

const gen = new Generator(40);
const long = gen.thread({ posts: 45 });
const others = Array.from({ length: 8 }, () => gen.thread());
// The same author as `long` on two more threads, for the author view.
for (const t of others.slice(0, 2)) t.author = { ...long.author };

// A word that occurs in the 40th post and in no other post of any thread.
function wordOnlyIn40th() {
  const words = (t) => new Set(t.toLowerCase().match(/\p{L}+/gu));
  const target = words(long.posts[39].text);
  for (const t of [long, ...others]) {
    t.posts.forEach((p, i) => {
      if (t === long && i === 39) return;
      for (const w of words(p.text)) target.delete(w);
    });
  }
  const w = [...target].sort((a, b) => b.length - a.length)[0];
  assert.ok(w, 'the generated 40th post has a word of its own');
  return w;
}

let A;
before(async () => { A = await openProfile(); });
after(async () => { await A?.close(); });

test('save from the reader message, re-save merges and says so', async () => {
  // First capture: the thread without its last 5 posts.
  const partial = { ...long, posts: long.posts.slice(0, 40), complete: false, gaps: ['the end was not reached'] };
  const first = await A.send('library:save', { thread: JSON.stringify(partial) });
  assert.equal(first.status, 'added');
  assert.equal(first.posts, 40);

  const again = await A.send('library:save', { thread: JSON.stringify(partial) });
  assert.equal(again.status, 'unchanged');
  assert.match(again.message, /nothing new/);

  const full = await A.send('library:save', { thread: JSON.stringify(long), tags: ['essays'] });
  assert.equal(full.status, 'updated');
  assert.equal(full.added, 5);
  assert.match(full.message, /added 5 new posts/);

  for (const t of others) await A.send('library:save', { thread: t });
  const state = await libraryState(A);
  assert.equal(state.length, 1 + others.length);
  const saved = state.find((s) => s.key === `x:${long.id}`);
  assert.deepEqual(saved.posts, long.posts.map((p) => p.id), 'every post once, in order');
  assert.deepEqual(saved.tags, ['essays']);
  assert.deepEqual((await A.send('library:status', { thread: long })).saved, true);
});

test('the library page lists, searches a word of the 40th post, and filters by author', async () => {
  const { page, url } = A;
  await page.goto(url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  assert.equal(await page.locator('#list .row').count(), 1 + others.length);
  assert.match(await page.textContent('#count'), new RegExp(`${1 + others.length} saved threads`));

  const word = wordOnlyIn40th();
  // Typed as a person would, a key at a time: results follow each key.
  await page.locator('#q').pressSequentially(word.slice(0, -1), { delay: 20 });
  await page.locator('#q').press(word.at(-1));
  await page.waitForFunction(() => document.querySelectorAll('#list .row').length === 1);
  assert.equal(await page.getAttribute('#list .row', 'data-key'), `x:${long.id}`);

  // Prefixes match too; a word in no thread matches nothing.
  await page.fill('#q', 'zzqqxxnotaword');
  await page.waitForSelector('#no-results:not([hidden])');
  await page.fill('#q', '');

  // Author view: every thread by the long thread's author, and only those.
  await page.locator(`.row[data-key="x:${long.id}"] .author`).click();
  await page.waitForSelector('#author-view:not([hidden])');
  assert.match(await page.textContent('#author-title'), new RegExp(`@${long.author.handle}`));
  const keys = await page.$$eval('#list .row', (rows) => rows.map((r) => r.dataset.key).sort());
  assert.deepEqual(keys, [long, ...others.slice(0, 2)].map((t) => `x:${t.id}`).sort());
  await page.click('#author-back');
  await page.waitForFunction((n) => document.querySelectorAll('#list .row').length === n, 1 + others.length);
  // The author field, typed: the same three.
  await page.fill('#f-author', `@${long.author.handle}`);
  await page.waitForFunction(() => document.querySelectorAll('#list .row').length === 3);
  await page.fill('#f-author', '');
  await page.waitForFunction((n) => document.querySelectorAll('#list .row').length === n, 1 + others.length);
});

test('a saved thread opens offline, rendered from the stored thread', async () => {
  const { page, url, context } = A;
  await context.setOffline(true);
  try {
    await page.goto(url(`pages/library/read.html?key=${encodeURIComponent(`x:${long.id}`)}`));
    await page.waitForSelector('html[data-ready]', { timeout: 15_000 });
    // The reader is in a shadow root; its text holds the 45th post.
    const text = await page.evaluate(() => document.getElementById('reader').shadowRoot.textContent);
    assert.ok(text.includes(long.posts[44].text.split(' (')[0]), 'the last post is shown');
    assert.ok(text.includes(long.posts[0].text.split(' (')[0]), 'the first post is shown');
    // The tab's title is Go's title of the thread at the list's length (one
    // title rule, shared/render Title), not a clip of the post's text.
    const goTitle = await page.evaluate(async (t) => {
      const [{ api }, { listTitle }] = await Promise.all([import('/shared/record-ops.js'), import('/shared/search.js')]);
      return listTitle(await api(), t);
    }, long);
    assert.ok(goTitle.length > 60 || goTitle !== long.posts[0].text.slice(0, 60), 'the thread tells the two rules apart');
    assert.equal(await page.title(), `${long.author.name || '@' + long.author.handle} — ${goTitle}`);
  } finally {
    await context.setOffline(false);
  }
});

test('the saved-thread page renders with settings an older version stored, keeping those still allowed', async () => {
  const { page, url } = A;
  await page.goto(url(`pages/library/read.html?key=${encodeURIComponent(`x:${long.id}`)}`));
  await page.waitForSelector('html[data-ready]');
  await page.evaluate(() => chrome.storage.local.set({ readerSettings: { theme: 'neon', fontSize: 'large', spacing: 'loose' } }));
  try {
    await page.reload();
    await page.waitForSelector('html[data-ready]', { timeout: 15_000 });
    const shown = await page.evaluate(() => {
      const u = document.getElementById('reader').shadowRoot.querySelector('.unspool');
      return { theme: u.getAttribute('data-theme'), size: u.getAttribute('data-size') };
    });
    assert.deepEqual(shown, { theme: 'auto', size: 'large' });
  } finally {
    await page.evaluate(() => chrome.storage.local.remove('readerSettings'));
  }
});

test('the saved-thread page remembers where it was read, and the list shows it', async () => {
  const { page, url } = A;
  const key = `x:${long.id}`;
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
  await page.waitForSelector('html[data-ready]');
  // Scroll the 30th post to the top, as a reader would — once the page has
  // settled (the bar's controls fill in after the thread is drawn).
  await until(() => page.evaluate(() => new Promise((res) => {
    const h = () => document.querySelector('.read-bar').offsetHeight;
    const before = h();
    setTimeout(() => res(h() === before), 400);
  })), { what: 'the read bar to settle' });
  // Images above may still change size as they come into view (offline,
  // they fail): align again until the 30th post stays just under the bar.
  await until(() => page.evaluate(() => new Promise((res) => {
    const s = document.getElementById('reader').shadowRoot.querySelectorAll('section.u-post')[29];
    const want = document.querySelector('.read-bar').getBoundingClientRect().height + 4;
    const off = s.getBoundingClientRect().top - want;
    if (Math.abs(off) > 2) window.scrollBy(0, off);
    setTimeout(() => res(Math.abs(s.getBoundingClientRect().top - want) <= 2), 300);
  })), { what: 'the 30th post at the top' });
  const pos = await until(() => page.evaluate(async (k) => (await (await import('/shared/library-store.js')).get(k)).readPosition, key), { what: 'a read position' });
  assert.equal(pos.postId, long.posts[29].id);
  assert.ok(pos.progress > 0.4 && pos.progress < 1, `progress ${pos.progress}`);

  // Opened again: the 30th post is at the top.
  await page.goto(url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
  await page.waitForSelector('html[data-ready]');
  const top = await page.evaluate(() => {
    const bar = document.querySelector('.read-bar').offsetHeight;
    const secs = [...document.getElementById('reader').shadowRoot.querySelectorAll('section.u-post')];
    return secs.findIndex((s) => s.getBoundingClientRect().bottom > bar + 1);
  });
  assert.equal(top, 29);

  await page.goto(url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  assert.match(await page.textContent(`.row[data-key="${key}"] .read`), /^\d+% read$/);
});

test('delete with undo, and bulk delete', async () => {
  const { page, url } = A;
  await page.goto(url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  const n = await page.locator('#list .row').count();
  const key = `x:${others[3].id}`;
  await page.click(`.row[data-key="${key}"] .delete`);
  await page.waitForFunction((k) => !document.querySelector(`.row[data-key="${k}"]`), key);
  assert.match(await page.textContent('#toast-text'), /Deleted 1 thread/);
  await page.click('#toast-undo');
  await page.waitForSelector(`.row[data-key="${key}"]`);
  assert.equal(await page.locator('#list .row').count(), n);

  // Bulk: select two, tag them, delete them, undo.
  const two = [`x:${others[4].id}`, `x:${others[5].id}`];
  for (const k of two) await page.check(`.row[data-key="${k}"] .pick`);
  await page.fill('#bulk-tag', 'later');
  await page.click('#bulk-tag-add');
  await page.waitForSelector(`.row[data-key="${two[0]}"] .tag[data-tag="later"]`);
  // Tagging refreshed the list: the two boxes are still ticked.
  for (const k of two) assert.ok(await page.isChecked(`.row[data-key="${k}"] .pick`), `${k} still selected`);
  await page.click('#bulk-delete');
  await page.waitForFunction((m) => document.querySelectorAll('#list .row').length === m, n - 2);
  await page.click('#toast-undo');
  await page.waitForFunction((m) => document.querySelectorAll('#list .row').length === m, n);
  const state = await libraryState(A);
  for (const k of two) assert.deepEqual(state.find((s) => s.key === k).tags, ['later'], 'undo keeps the tags');
});

test('export then import into a fresh profile gives the same library; re-import duplicates nothing', async () => {
  const json = await A.page.evaluate(async () => (await import('/pages/library/export.js')).exportJSON());
  const data = JSON.parse(json);
  assert.equal(data.format, 'unspool-library');
  assert.equal(data.version, 1);

  const B = await openProfile();
  try {
    const res = await B.page.evaluate(async (j) => (await import('/pages/library/export.js')).importJSON(j), json);
    assert.equal(res.added, data.threads.length);
    assert.deepEqual(await libraryState(B), await libraryState(A));
    const json2 = await B.page.evaluate(async () => (await import('/pages/library/export.js')).exportJSON());
    assert.deepEqual(JSON.parse(json2).threads, data.threads, 'lossless: the same records, clocks included');

    const again = await B.page.evaluate(async (j) => (await import('/pages/library/export.js')).importJSON(j), json);
    assert.equal(again.added, 0);
    assert.equal(again.unchanged, data.threads.length);
    assert.deepEqual(await libraryState(B), await libraryState(A));

    // Files that are not exports are refused in words, and change nothing.
    const refused = await B.page.evaluate(async () => {
      const { importJSON } = await import('/pages/library/export.js');
      const out = [];
      for (const text of ['not json', '{"format":"other"}', '{"format":"unspool-library","version":99,"threads":[]}']) {
        try { await importJSON(text); out.push('accepted'); } catch (e) { out.push(e.message); }
      }
      return out;
    });
    assert.match(refused[0], /not JSON/);
    assert.match(refused[1], /not an Unspool library export/);
    assert.match(refused[2], /version 99.*Update the extension/);
    assert.deepEqual(await libraryState(B), await libraryState(A));

    // Through the page's own button and file picker, too.
    await B.page.goto(B.url('pages/library/library.html'));
    await B.page.waitForSelector('html[data-ready]');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-export-')), 'library.json');
    fs.writeFileSync(file, json);
    const chooser = B.page.waitForEvent('filechooser');
    await B.page.click('#import');
    await (await chooser).setFiles(file);
    await B.page.waitForFunction(() => /Imported/.test(document.getElementById('toast-text').textContent));
    assert.match(await B.page.textContent('#toast-text'), new RegExp(`0 added, 0 updated, ${data.threads.length} already there`));
    assert.equal(B.errors.length, 0, B.errors.join('\n'));
  } finally {
    await B.close();
  }
});

test('an import with corrupt records brings in every good one and names the bad ones', async () => {
  const data = JSON.parse(await A.page.evaluate(async () => (await import('/pages/library/export.js')).exportJSON()));
  const good = data.threads;
  const noHandle = structuredClone(good[1]);
  noHandle.thread.author.handle = '';
  const badClock = { ...structuredClone(good[2]), clocks: { thread: 'not a clock' } };
  const moved = structuredClone(good[3]);
  moved.id = 'x:1';
  const file = JSON.stringify({ ...data, threads: [42, noHandle, badClock, moved, ...good.filter((_, i) => i > 3), good[0]] });
  const C = await openProfile();
  try {
    const res = await C.page.evaluate(async (j) => (await import('/pages/library/export.js')).importJSON(j), file);
    assert.equal(res.added, good.length - 3, res.message);
    assert.equal(res.skipped, 4);
    assert.match(res.message, /^Imported: \d+ added, 0 updated, 0 already there\. 4 threads could not be imported: /);
    assert.ok(res.message.includes(`x:${noHandle.thread.id} “`) && /no author handle/.test(res.message), res.message);
    assert.match(res.message, /x:1 .*holds thread/);
    const want = (await libraryState(A)).filter((t) => ![good[1], good[2], good[3]].some((g) => g.id === t.key));
    assert.deepEqual(await libraryState(C), want);
  } finally {
    await C.close();
  }
});

test('the Markdown export is a valid zip of one file per thread with front matter', async () => {
  const { page, url } = A;
  await page.goto(url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  // A stored record the renderer refuses (from an older version, say) is
  // named in the message, and every other thread is still exported.
  const broken = { key: 'x:13', id: 'x:13', seq: 0, tags: [], deleted: false, savedAt: '2024-01-01T00:00:00Z', clocks: {},
    thread: { platform: 'x', id: '13', url: 'https://x.com/a/status/13', author: { handle: 'a' }, posts: [] } };
  const putRaw = (rec) => page.evaluate(async (r) => {
    const { db, done } = await import('/shared/db.js');
    const tx = (await db()).transaction('threads', 'readwrite');
    if (r.thread) tx.objectStore('threads').put(r); else tx.objectStore('threads').delete(r.key);
    await done(tx);
  }, rec);
  await putRaw(broken);
  const download = page.waitForEvent('download');
  await page.click('#export-md');
  await page.waitForFunction(() => /export ready/.test(document.getElementById('toast-text').textContent));
  assert.match(await page.textContent('#toast-text'), /1 thread could not be exported: x:13 @a \(.*no posts\)/);
  await putRaw({ key: broken.key });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-md-')), 'md.zip');
  await (await download).saveAs(file);
  // unzip -t checks every entry's CRC against the data: the writer is right
  // or this fails.
  const check = execFileSync('python3', ['-c', `
import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))`, file]).toString();
  const files = JSON.parse(check);
  const names = Object.keys(files);
  assert.equal(names.length, 1 + others.length);
  const mine = Object.entries(files).find(([, body]) => body.includes(`id: "${long.id}"`));
  assert.ok(mine, 'the long thread has a file');
  const [name, body] = mine;
  assert.match(name, /\.md$/);
  assert.match(body, /^---\ntitle: /);
  assert.match(body, /\ntags: \["essays"\]\n/);
  assert.match(body, /\nposts: 45\n/);
  assert.ok(body.includes(long.posts[44].text.split(' (')[0]), 'the body has the last post');
});

test('schema upgrades: every path from version 1 or 2 gives the library fresh saves give', async () => {
  const out = await A.page.evaluate(async () => {
    const { openDB, DB_VERSION, db, done, req } = await import('/shared/db.js');
    const { remove } = await import('/shared/library-store.js');
    const ops = await (await import('/shared/record-ops.js')).api();
    const read = async (d, stores) => {
      const tx = d.transaction(stores);
      const got = {};
      for (const s of stores) got[s] = (await req(tx.objectStore(s).getAll())).sort((a, b) => (a.key < b.key ? -1 : 1));
      return got;
    };
    // The library the earlier tests saved, with one thread deleted (a
    // tombstone), is what fresh saves give.
    const live = (await read(await db(), ['threads'])).threads.filter((r) => !r.deleted);
    await remove([live.at(-1).key]);
    const fresh = await read(await db(), ['threads', 'summaries', 'searchIndex']);
    const paths = { '1→current': [1, DB_VERSION], '1→2→current': [1, 2, DB_VERSION], '2→current': [2, DB_VERSION] };
    const got = {};
    for (const [label, [first, ...then]] of Object.entries(paths)) {
      const name = `upgrade-test-${label}-${Date.now()}`;
      const old = await openDB({ name, version: first });
      const stores = ['threads', 'outbox', ...(first >= 2 ? ['searchIndex'] : [])];
      const tx = old.transaction(stores, 'readwrite');
      // Records as that version wrote them: v1 had no seq; v2 kept the
      // list's fields and words in one searchIndex row.
      for (const r of fresh.threads) {
        const { seq, ...v1 } = r;
        tx.objectStore('threads').put(first === 1 ? v1 : r);
      }
      if (first === 2) for (const s of fresh.summaries) tx.objectStore('searchIndex').put({ ...s, words: fresh.searchIndex.find((w) => w.key === s.key).words });
      tx.objectStore('outbox').add({ key: fresh.threads[0].key, at: 1 });
      await done(tx);
      old.close();
      for (const v of then) (await openDB({ name, version: v, ops })).close();
      const d = await openDB({ name, ops });
      got[label] = { version: d.version, stores: [...d.objectStoreNames].sort(), ...(await read(d, ['threads', 'summaries', 'searchIndex'])),
        outbox: (await req(d.transaction('outbox').objectStore('outbox').getAll())).map((e) => e.key) };
      d.close();
      indexedDB.deleteDatabase(name);
    }
    return { DB_VERSION, fresh, got };
  });
  assert.equal(out.DB_VERSION, 3);
  assert.ok(out.fresh.summaries.length >= 5 && out.fresh.threads.some((r) => r.deleted), 'real data: several threads and a tombstone');
  for (const [label, at] of Object.entries(out.got)) {
    assert.equal(at.version, out.DB_VERSION, label);
    assert.deepEqual(at.stores, ['meta', 'outbox', 'searchIndex', 'summaries', 'threads'], label);
    assert.deepEqual(at.threads, out.fresh.threads, `${label}: every record, seq 0 where v1 had none`);
    assert.deepEqual(at.summaries, out.fresh.summaries, `${label}: the list`);
    assert.deepEqual(at.searchIndex, out.fresh.searchIndex, `${label}: the search words`);
    assert.deepEqual(at.outbox, [out.fresh.threads[0].key], `${label}: the queued change survives`);
  }
});

test('a list found inconsistent with the threads is rebuilt from them', async () => {
  const out = await A.page.evaluate(async () => {
    const { db, done } = await import('/shared/db.js');
    const { rows } = await import('/shared/library-store.js');
    const before = (await rows()).map((r) => r.key).sort();
    const d = await db();
    const tx = d.transaction(['summaries', 'searchIndex'], 'readwrite');
    tx.objectStore('summaries').delete(before[0]);
    tx.objectStore('searchIndex').clear();
    await done(tx);
    return { before, after: (await rows()).map((r) => r.key).sort() };
  });
  assert.ok(out.before.length >= 5);
  assert.deepEqual(out.after, out.before);
  await A.page.goto(A.url('pages/library/library.html'));
  await A.page.waitForSelector('html[data-ready]');
  assert.equal(await A.page.locator('li[data-key]').count(), out.before.length);
});

test('screenshots of the library page, light and dark', async () => {
  fs.mkdirSync(shots, { recursive: true });
  console.log(`screenshots: ${shots}`);
  for (const scheme of ['light', 'dark']) {
    await A.page.emulateMedia({ colorScheme: scheme });
    await A.page.setViewportSize({ width: 1100, height: 760 });
    await A.page.goto(A.url('pages/library/library.html'));
    await A.page.waitForSelector('html[data-ready]');
    const bg = await A.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // The palette follows the scheme: dark background in dark mode.
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.equal(r + g + b < 150, scheme === 'dark', `background ${bg} in ${scheme} mode`);
    await A.page.screenshot({ path: path.join(shots, `library-${scheme}${browserName === 'chromium' ? '' : `-${browserName}`}.png`) });
  }
  await A.page.emulateMedia({ colorScheme: null });
  assert.equal(A.errors.length, 0, A.errors.join('\n'));
});
