// A hostile content script: the page's renderer is compromised, so a script
// in the extension's isolated world (what a content script can do, the
// page can do) sends every message type the background answers. Only what
// the reader needs goes through, and only for the thread this tab shows;
// every privileged request is refused and changes nothing (sync settings,
// the sync code, the library, the server's shares). The script runs in the
// content-script world the extension's reader runs in (b.inContentWorld:
// Chromium's isolated world through CDP, Firefox's content-script sandbox),
// with that world's own chrome.runtime: every refusal is the background's.
// Browsers: chromium, firefox
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, openPage, pressAction, readReader, waitForReader } from './harness.mjs';
import { libraryState, startServer, until } from './library-helpers.mjs';
import { fixturePages } from './pages.mjs';
import { Generator } from './library-data.mjs';

const fixtures = fixturePages();
const other = new Generator(7).thread(); // a thread in the library, not on the page
let b, srv, ext;

before(async () => {
  srv = await startServer();
  b = await openBrowser(fixtures.routes);
  const page = await b.context.newPage();
  await page.goto(b.extensionURL('pages/options/options.html'));
  const send = async (type, payload = {}) => {
    const res = await page.evaluate((m) => chrome.runtime.sendMessage(m), { type, ...payload });
    if (!res?.ok) throw new Error(`${type}: ${res?.error}`);
    return res.value;
  };
  ext = { page, send, url: (p) => b.extensionURL(p) };
  // Firefox asks the user's consent to send data when sync is turned on:
  // given, as their "Allow" would (Chromium does not ask).
  await b.allowDataCollection?.();
  await send('sync:enable', { server: srv.origin });
  await send('library:save', { thread: other, tags: ['private'], note: 'not for the page' });
  await until(async () => (await send('sync:status')).pending === 0, { what: 'the first upload' });
});
after(async () => {
  await b?.close();
  await srv?.stop();
});

// The compromised page's script: each message as a content script sends it.
// It first says whether it shares its world with the reader's scripts.
const hostile = (calls) => `(async (calls) => {
  const out = [{ readerWorld: typeof globalThis.unspoolContent === 'object' }];
  for (const [type, payload] of calls) {
    try {
      const res = await chrome.runtime.sendMessage({ type, ...payload });
      out.push({ ok: !!res?.ok, error: res?.error ?? '' });
    } catch (e) { out.push({ ok: false, error: String(e.message) }); }
  }
  return out;
})(${JSON.stringify(calls)})`;

test('hostile content script: every privileged message is refused and changes nothing', async () => {
  const c = fixtures.cases.threeCells;
  const page = await openPage(b, c.url);
  await pressAction(b, page);
  await waitForReader(page);
  const shown = await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread());
  const shownKey = `x:${JSON.parse(shown).id}`;
  const otherKey = `${other.platform}:${other.id}`;

  // [type, payload, allowed]: what the reader itself sends is allowed for
  // the thread shown; anything naming another thread or a library key, and
  // every sync/library-wide message, is not.
  const calls = [
    ['sync:status', {}, false],
    ['sync:code', {}, false],
    ['sync:now', {}, false],
    ['sync:disable', {}, false],
    ['sync:join', { server: 'https://evil.example', code: 'x' }, false],
    ['sync:enable', { server: 'https://evil.example' }, false],
    ['sync:delete-remote', {}, false],
    ['library:changed', {}, false],
    ['share:refresh', {}, false],
    // Keep current's "Check now": the options page only.
    ['keep:run', {}, false],
    ['library:status', { key: otherKey }, false],
    ['library:status', { thread: other }, false],
    ['library:edit', { key: otherKey, tags: [], note: 'overwritten' }, false],
    ['library:edit', { thread: other, tags: [], note: 'overwritten' }, false],
    ['library:save', { thread: other, tags: ['planted'] }, false],
    ['share:status', { key: otherKey }, false],
    ['share:publish', { key: otherKey }, false],
    ['share:publish', { thread: other }, false],
    ['share:unpublish', { key: otherKey }, false],
    // Only a Bluesky page has the background ask Bluesky (this is x.com).
    ['reader:bluesky-thread', { actor: 'bsky.app', rkey: '3kabc' }, false],
    ['author:bluesky-feed', { actor: 'bsky.app' }, false],
    // A profile's list opens only its own site's pages, and saves only
    // threads of the list the background made for this tab (none here).
    ['author:unroll', { url: 'https://evil.example/' }, false],
    ['author:save', { url: 'https://x.com/a/status/1', collected: { content: '<html></html>' } }, false],
    // X's Save all opens a tab only on an address of this tab's list.
    ['author:save-away', { url: 'https://x.com/a/status/1' }, false],
    ['author:save-away', { url: 'https://evil.example/' }, false],
    // Any page may have Go read an account lookup: it only answers an id.
    ['author:mastodon-account', { url: 'https://mastodon.example/@a', body: '{"id":"7","username":"a","acct":"a"}' }, true],
    ['reader:render', { thread: shown, settings: {} }, true],
    ['reader:export', { thread: shown, format: 'md' }, true],
    ['reader:player', {}, true],
    ['library:status', { thread: shown }, true],
    ['share:status', { thread: shown }, true],
  ];
  const every = await b.sw.evaluate(() => globalThis.unspoolBackground.messageTypes());
  const reader = ['reader:unroll', 'reader:x-continuations', 'library:save', 'library:edit', 'share:publish', 'share:unpublish', 'author:list'];
  for (const t of every) assert.ok(calls.some(([type]) => type === t) || reader.includes(t), `${t} is sent by the hostile script`);

  const before = { sync: await ext.send('sync:status'), code: await ext.send('sync:code'), library: await libraryState(ext) };
  const [world, ...result] = await b.inContentWorld(page, hostile(calls.map(([t, p]) => [t, p])));
  assert.deepEqual(world, { readerWorld: true }, "the script runs in the world the extension put the reader's scripts in");
  calls.forEach(([type, , allowed], i) => {
    assert.equal(result[i].ok, allowed, `${type} ${JSON.stringify(calls[i][1]).slice(0, 60)}: ${result[i].error}`);
    if (!allowed) assert.match(result[i].error, /not accepted from a web page/);
  });

  const sync = await ext.send('sync:status');
  assert.equal(sync.on, true, 'sync stays on');
  assert.equal(sync.server, before.sync.server, 'and on the same server');
  assert.deepEqual(await ext.send('sync:code'), before.code);
  assert.deepEqual(await libraryState(ext), before.library, 'the library is unchanged');
  const shares = await ext.send('share:refresh');
  assert.deepEqual(Object.keys(shares), [], 'nothing was published');
  assert.ok(before.library.some((t) => t.key === otherKey) && !before.library.some((t) => t.key === shownKey));
  await page.close();
});

test('keys the page dispatches do not drive the reader; the user\'s keys do', async () => {
  const page = await openPage(b, fixtures.cases.threeCells.url);
  await pressAction(b, page);
  await waitForReader(page);
  const shown = await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread());
  const saved = async () => (await ext.send('library:status', { thread: shown })).saved;
  assert.equal(await saved(), false);
  // The page's own script: Escape and S as synthetic events (isTrusted false).
  await page.evaluate(() => {
    for (const key of ['s', 'Escape']) {
      for (const target of [document.activeElement ?? document.body, document, window]) {
        target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
      }
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  assert.ok((await readReader(page))?.title !== undefined, 'the reader is still open');
  assert.equal(await saved(), false, 'nothing was saved');
  await page.keyboard.press('s');
  await until(saved, { what: 'S pressed by the user to save' });
  await page.keyboard.press('Escape');
  await until(async () => (await readReader(page))?.title === undefined, { what: 'Escape pressed by the user to close the reader' });
  assert.deepEqual(b.errors, []);
  await page.close();
});
