// Keep current on X (background/keep-current.js onXCaptures): nothing is
// fetched; when a page the user opens captured X's TweetDetail holding a
// saved thread's posts, the new ones are merged in without a click. Two
// made threads of 14 posts (pages.mjs xAppPage, served as https://x.com),
// saved when they had 10: one reopened on its first post, one on its post
// 12 (its capture holds the thread's start as ancestors). Each gets its 4
// new posts, marked as added, counted on its library row; the page makes
// only its own request.
// Browsers: chromium, firefox
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, openPage } from './harness.mjs';
import { xAppPage } from './pages.mjs';
import { until } from './library-helpers.mjs';

const pages = {
  first: xAppPage({ name: 'keep-first-14', n: 14, base: 1961000000000000000n }),
  later: xAppPage({ name: 'keep-later-14', n: 14, focal: 12, base: 1962000000000000000n }),
};

let b, lib;
before(async () => {
  b = await openBrowser(Object.values(pages).flatMap((p) => p.routes));
  lib = await b.newPage();
  await lib.goto(b.extensionURL('pages/library/library.html'));
});
after(async () => {
  await b?.close();
});

// saveAt10 saves the thread as it was when its author had written 10
// posts: the extension's own extraction of X's answer, cut after post 10.
async function saveAt10(p) {
  return lib.evaluate(async ([url, json]) => {
    const { call } = await import('/shared/wasm-host.js');
    const t = JSON.parse(await call('extractCollected', url, { html: [], json, followed: [], stoppedBy: '' }));
    t.posts = t.posts.slice(0, 10);
    t.focalId = t.posts[0].id;
    t.url = t.posts[0].url;
    const res = await chrome.runtime.sendMessage({ type: 'library:save', thread: t });
    if (!res?.ok) throw new Error(res?.error);
    return { key: res.value.key, posts: res.value.posts };
  }, [p.url, p.bodies]);
}

const record = (key) => lib.evaluate(async (k) => (await import('/shared/library-store.js')).get(k), key);
const rowOf = (key) => lib.evaluate(async (k) => (await (await import('/shared/library-store.js')).rows()).find((r) => r.key === k), key);

for (const [which, p] of Object.entries(pages)) {
  test(`X: a saved thread's page reopened (${which === 'first' ? 'its first post' : 'its post 12'}) merges the 4 new posts without a click`, async () => {
    const saved = await saveAt10(p);
    assert.equal(saved.posts, 10);
    const page = await openPage(b, p.url);
    await until(async () => (await record(saved.key)).thread.posts.length === 14, { ms: 45_000, what: 'the 4 new posts merged' });
    const t = (await record(saved.key)).thread;
    assert.deepEqual(t.posts.map((x) => x.id), p.expected.ids, 'the whole chain, in order');
    assert.deepEqual(t.posts.filter((x) => x.addedAt).map((x) => x.id), p.expected.ids.slice(10), 'the 4 new posts marked added');
    assert.equal(t.posts.filter((x) => x.removedAt).length, 0, 'nothing marked removed');
    assert.equal((await rowOf(saved.key)).fresh, 4, 'the row counts 4 new');
    assert.equal(p.requests.length, 1, 'only the page\'s own request: nothing fetched for keep current');
    await page.close();
  });
}
