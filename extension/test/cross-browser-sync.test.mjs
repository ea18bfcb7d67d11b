// One library on two browsers: a Chromium profile and a Firefox profile on
// the same native sync server (127.0.0.1), as one person with Chrome at work
// and Firefox at home:
//   - sync turned on in Chromium, Firefox joins with the code;
//   - a save in either appears in the other; tags, notes and deletes made on
//     both sides converge;
//   - Firefox's event page stopped while its push is in flight (the server
//     took the changes, the answer never came back): the restarted page
//     loads the WASM again, sends the outbox, and every thread is one record
//     on the server and the same in both browsers;
//   - a thread published from Firefox opens in Chromium.
// Browsers: both at once — one Chromium and one Firefox profile in the same test: run once, not once per browser
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProfile, libraryState, pending, serverRecords, startServer, until } from './library-helpers.mjs';
import { Generator } from './library-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const THREAD25 = JSON.parse(fs.readFileSync(path.join(root, 'shared/extract/testdata/x-dom/made-selfthread-25/expected.json'), 'utf8'));
const gen = new Generator(12);
const threads = Array.from({ length: 10 }, () => gen.thread({ posts: 6 }));
const key = (t) => `${t.platform}:${t.id}`;

// A pass-through proxy in front of the sync server that can hold the next
// push (POST …/changes): the request reaches the server only when
// released, and its answer goes to whoever is still there to read it.
async function startHoldingProxy(target) {
  let armed = null;
  const server = http.createServer((req, res) => {
    const forward = (body) => {
      const up = http.request(new URL(req.url, target), { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    };
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (armed && req.method === 'POST' && /\/changes$/.test(new URL(req.url, target).pathname)) {
        const hold = armed;
        armed = null;
        hold.arrived();
        hold.released.then(() => forward(body));
        return;
      }
      forward(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    // hold arms the proxy for the next push: {arrived, release}.
    hold() {
      let arrived, release;
      const p = new Promise((r) => { arrived = r; });
      const released = new Promise((r) => { release = r; });
      armed = { arrived, released };
      return { arrived: p, release };
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

let srv, proxy, C, F;
before(async () => {
  srv = await startServer();
  proxy = await startHoldingProxy(srv.origin);
  C = await openProfile(undefined, { browser: 'chromium' });
  F = await openProfile(undefined, { browser: 'firefox' });
});
after(async () => {
  await C?.close();
  await F?.close();
  await proxy?.close();
  await srv?.stop();
});

const edit = (p, fn, ...args) => p.page.evaluate(`(async () => (await import('/shared/library-store.js')).${fn}(...${JSON.stringify(args)}))()`);

async function converged() {
  // Two rounds: what one pushes in round one the other pulls in round two.
  for (let i = 0; i < 2; i++) {
    await C.send('sync:now');
    await F.send('sync:now');
  }
  const [c, f] = [await libraryState(C), await libraryState(F)];
  assert.deepEqual(f, c, 'Chromium and Firefox hold the same library');
  assert.equal(await pending(C), 0, 'Chromium has nothing left to send');
  assert.equal(await pending(F), 0, 'Firefox has nothing left to send');
  return c;
}

test('sync turned on in Chromium; Firefox joins with the code and gets the library', async () => {
  await C.send('library:save', { thread: threads[0] });
  await C.send('sync:enable', { server: proxy.origin });
  const { code } = await C.send('sync:code');
  await F.send('sync:join', { server: proxy.origin, code });
  await until(async () => (await libraryState(F)).length === 1, { what: 'Firefox downloads the library' });
  assert.deepEqual((await libraryState(F)).map((s) => s.key), [key(threads[0])]);
});

test('a save in Chromium appears in Firefox, and one in Firefox in Chromium', async () => {
  await C.send('library:save', { thread: threads[1] });
  await until(async () => (await pending(C)) === 0, { what: 'Chromium sends the save by itself' });
  await F.send('sync:now');
  assert.ok((await libraryState(F)).some((s) => s.key === key(threads[1])), 'Chromium\'s save is in Firefox');

  await F.send('library:save', { thread: threads[2] });
  await until(async () => (await pending(F)) === 0, { what: 'Firefox sends the save by itself' });
  await C.send('sync:now');
  assert.ok((await libraryState(C)).some((s) => s.key === key(threads[2])), 'Firefox\'s save is in Chromium');
  await converged();
});

test('tags, notes and deletes from both browsers converge', async () => {
  await C.send('library:save', { thread: threads[3] });
  await converged();
  // The same thread: tagged in Chromium, noted in Firefox.
  await edit(C, 'setTags', key(threads[1]), ['from-chrome']);
  await edit(F, 'setNote', key(threads[1]), 'noted in Firefox');
  // Each deletes one the other saved.
  await edit(F, 'remove', [key(threads[0])]);
  await edit(C, 'remove', [key(threads[2])]);
  // And tags one in both at once: concurrent adds both survive.
  await edit(C, 'setTags', key(threads[3]), ['first']);
  await edit(F, 'setTags', key(threads[3]), ['second']);
  const lib = await converged();
  const byKey = Object.fromEntries(lib.map((s) => [s.key, s]));
  assert.deepEqual(Object.keys(byKey).sort(), [key(threads[1]), key(threads[3])].sort(), 'both deletes reached the other browser');
  assert.deepEqual(byKey[key(threads[1])].tags, ['from-chrome']);
  assert.equal(byKey[key(threads[1])].note, 'noted in Firefox');
  assert.deepEqual(byKey[key(threads[3])].tags, ['first', 'second']);
});

test('Firefox\'s event page stopped while its push is in flight: the restarted page finishes the sync', async () => {
  const batch = threads.slice(4, 9);
  const before = (await serverRecords(F, srv.origin)).length;
  const held = proxy.hold();
  for (const t of batch) await F.send('library:save', { thread: t });
  // The save schedules a sync by itself; it reaches the proxy and waits.
  await held.arrived;
  assert.ok(await pending(F) > 0, 'the push is not acknowledged yet');
  const stoppedAt = Date.now();
  await F.driver.stopBackground();
  // The server takes the changes now; the answer finds no one.
  held.release();
  await until(async () => (await serverRecords(F, srv.origin)).length === before + batch.length, { what: 'the held push reaches the server' });

  // Anything that wakes the event page (here a status request, as the
  // options page makes) finds the outbox and sends it again.
  await F.send('sync:status');
  await until(async () => (await pending(F)) === 0, { what: 'the restarted event page sends the outbox', ms: 40_000 });
  const loadedAt = await F.driver.sw.evaluate(() => globalThis.unspoolBackground.wasm.stats.loadedAt);
  assert.ok(loadedAt > stoppedAt, 'the restarted event page loaded the WASM again');
  assert.equal((await F.send('sync:status')).lastError, '');

  const lib = await converged();
  for (const t of batch) assert.equal(lib.filter((s) => s.key === key(t)).length, 1, `${key(t)} once`);
  const records = await serverRecords(F, srv.origin);
  assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'one record per thread on the server: the resend made none twice');
});

test('a thread published from Firefox opens in Chromium', async () => {
  const k = key(THREAD25);
  await F.send('library:save', { thread: THREAD25 });
  await F.page.goto(F.url(`pages/library/read.html?key=${encodeURIComponent(k)}`));
  await F.page.waitForSelector('#share-publish:not([disabled])');
  await F.page.click('#share-publish');
  await F.page.waitForSelector('#share-unpublish:not([hidden])');
  const url = await F.page.getAttribute('#share-state a', 'href');
  assert.match(url, new RegExp(`^${proxy.origin}/t/[A-Za-z0-9_-]{22}$`));

  const page = await C.context.newPage();
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('section.u-post').count(), THREAD25.posts.length);
  assert.match(await page.locator('.u-name').innerText(), /Ada Loom/);
  assert.match(await page.locator('section.u-post').first().innerText(), /1\/25 Where it starts/, 'the first post\'s text');
  await page.close();

  // The library in Chromium, after a sync, holds the thread too.
  await converged();
  assert.deepEqual([...C.errors, ...F.errors], []);
});
