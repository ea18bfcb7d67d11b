// Sync between two real browser profiles (Chromium or Firefox: two
// devices) through the native server on 127.0.0.1: turn on and join through
// the options page, save → appears elsewhere, concurrent tag/delete/re-save
// converge, offline edits on both sides converge when the server is back
// with nothing acknowledged lost, and a browser restarted with a pending
// outbox delivers it once, the server killed (SIGKILL) three times while
// both devices save and sync and one imports a file with a corrupt record
// loses nothing, a library wiped from the server and created again under
// the same secret is said on both devices, a thread's keep-current switch
// crosses devices (the later switch winning), a thread the server never shows
// one device is said there (the writer's manifest lists it), and Firefox's
// consent to send
// data is asked on the press that turns sync on and holds everything back
// while withdrawn.
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import http from 'node:http';
import jsQR from 'jsqr';
import { openProfile, libraryState, pending, serverRecords, startServer, until } from './library-helpers.mjs';
import { Generator } from './library-data.mjs';

const gen = new Generator(6);
const threads = Array.from({ length: 6 }, () => gen.thread({ posts: 8 }));
const extra = gen.thread({ posts: 3 });
const key = (t) => `${t.platform}:${t.id}`;

let srv, A, B;
before(async () => {
  srv = await startServer();
  A = await openProfile();
  B = await openProfile();
});
after(async () => {
  await A?.close();
  await B?.close();
  await srv?.stop();
});

const tags = (p, t) => p.page.evaluate(async ([k, tg]) => (await import('/shared/library-store.js')).setTags(k, tg), [key(t), t._tags]);
const syncBoth = async () => {
  // Two rounds: what A pushes in round one B pulls in round two and back.
  for (let i = 0; i < 2; i++) {
    await A.send('sync:now');
    await B.send('sync:now');
  }
};

async function converged() {
  await syncBoth();
  const [a, b] = [await libraryState(A), await libraryState(B)];
  assert.deepEqual(a, b, 'both devices hold the same library');
  assert.equal(await pending(A), 0, 'A has nothing left to send');
  assert.equal(await pending(B), 0, 'B has nothing left to send');
  return a;
}

test('turn on sync on A, add B with the code shown (and its QR code)', async () => {
  // Something saved before sync is on must be uploaded too.
  await A.send('library:save', { thread: threads[0] });

  await A.page.goto(A.url('pages/options/options.html'));
  await A.page.fill('#server', srv.origin);
  await A.page.click('#enable');
  await A.page.waitForSelector('#on:not([hidden])');
  await until(async () => /Synced/.test(await A.page.textContent('#status')), { what: 'A status says synced' });
  await A.page.click('#add-device');
  await A.page.waitForSelector('#device:not([hidden])');
  const code = (await A.page.textContent('#code-out')).trim();
  assert.match(code, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){10}$/);
  // The QR code, drawn as the page shows it, decodes to the code (jsQR, an
  // independent decoder).
  const px = await A.page.evaluate(async () => {
    const svg = new XMLSerializer().serializeToString(document.querySelector('#qr svg'));
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), { width: 300, height: 300 });
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 300, 300);
    g.drawImage(img, 0, 0, 300, 300);
    return [...g.getImageData(0, 0, 300, 300).data];
  });
  assert.equal(jsQR(Uint8ClampedArray.from(px), 300, 300)?.data, code, 'the QR code reads as the sync code');

  // A mistyped code is refused in words.
  await B.page.goto(B.url('pages/options/options.html'));
  await B.page.fill('#server', srv.origin);
  const typo = code.slice(0, 3) + (code[3] === 'A' ? 'B' : 'A') + code.slice(4);
  await B.page.fill('#code-in', typo);
  await B.page.click('#join');
  await until(async () => (await B.page.textContent('#message')).length > 0, { what: 'an error for the typo' });
  assert.match(await B.page.textContent('#message'), /mistyped|check/i);
  assert.ok(await B.page.isVisible('#off'));

  await B.page.fill('#code-in', code.toLowerCase().replace(/-/g, ' '));
  await B.page.click('#join');
  await B.page.waitForSelector('#on:not([hidden])');
  // Joining answers at once; the first download follows.
  await until(async () => (await libraryState(B)).length === 1, { what: 'B downloads the library' });
  assert.deepEqual((await libraryState(B)).map((s) => s.key), [key(threads[0])], 'B got what A had');
});

test('save on A appears on B', async () => {
  await A.send('library:save', { thread: threads[1] });
  // No manual sync on A: the save itself schedules one.
  await until(async () => (await pending(A)) === 0, { what: 'A sends the save by itself' });
  await B.send('sync:now');
  assert.ok((await libraryState(B)).some((s) => s.key === key(threads[1])));
  await converged();
});

test('tag on B, delete on A, re-save on B: both converge', async () => {
  const t = threads[1];
  t._tags = ['keep'];
  await tags(B, t);
  await A.page.evaluate(async (k) => (await import('/shared/library-store.js')).remove([k]), key(t));
  await B.send('library:save', { thread: { ...t, _tags: undefined } });
  const lib = await converged();
  const got = lib.find((s) => s.key === key(t));
  assert.ok(got, 'the re-save after the delete brings the thread back everywhere');
  assert.deepEqual(got.posts, t.posts.map((p) => p.id));
});

test('a thread\'s keep-current switch syncs: off on A is off on B; switched on on A, then back to the default on B before they sync, the later one wins on both', async () => {
  const k = key(threads[0]);
  const setKeep = (p, on) => p.page.evaluate(async ([kk, o]) => (await import('/shared/library-store.js')).setKeepCurrent(kk, o), [k, on]);
  const keepOf = async (lib) => lib.find((s) => s.key === k).keepCurrent;
  assert.equal(await keepOf(await converged()), null, 'never set: the default, on both');
  await setKeep(A, false);
  assert.equal(await keepOf(await converged()), false, 'off on A is off on B');
  // A on, then B back to the default a moment later (whether or not B has
  // seen A's switch yet).
  await setKeep(A, true);
  await new Promise((r) => setTimeout(r, 20));
  await setKeep(B, null);
  assert.equal(await keepOf(await converged()), null, 'the later switch (B\'s) wins on both');
  await setKeep(B, true);
  assert.equal(await keepOf(await converged()), true);
});

test('offline: A saves and deletes, B edits the same threads; server back: both converge, nothing lost', async () => {
  await A.send('library:save', { thread: threads[2] });
  await A.send('library:save', { thread: threads[3] });
  await converged();

  await srv.stop();
  // A, offline: a new thread, a delete, and a re-save with more posts.
  await A.send('library:save', { thread: threads[4] });
  await A.page.evaluate(async (k) => (await import('/shared/library-store.js')).remove([k]), key(threads[2]));
  const grown = { ...threads[3], posts: [...threads[3].posts, { ...threads[3].posts[0], id: `${threads[3].id}9`, text: 'an added post', createdAt: '2030-01-01T00:00:00Z' }] };
  await A.send('library:save', { thread: grown });
  // B, offline too: tags the thread A grew, notes the one A deleted.
  threads[3]._tags = ['from-b'];
  await tags(B, threads[3]);
  await B.page.evaluate(async (k) => (await import('/shared/library-store.js')).setNote(k, 'noted on B'), key(threads[2]));
  await A.send('sync:now');
  await B.send('sync:now');
  const st = await A.send('sync:status');
  assert.ok(st.pending >= 3, 'A keeps its changes');
  assert.match(st.lastError, /Can't reach the sync server/);

  await srv.start();
  const lib = await converged();
  const keys = lib.map((s) => s.key);
  assert.ok(keys.includes(key(threads[4])), 'A\'s offline save reached B');
  assert.ok(!keys.includes(key(threads[2])), 'A\'s offline delete reached B (a later note does not resurrect)');
  const t3 = lib.find((s) => s.key === key(threads[3]));
  assert.equal(t3.posts.length, threads[3].posts.length + 1, 'A\'s added post is there');
  assert.deepEqual(t3.tags, ['from-b'], 'B\'s tag is there');
  assert.equal((await A.send('sync:status')).lastError, '');
});

test('A restarted with a pending outbox delivers it once', async () => {
  await srv.stop();
  await A.send('library:save', { thread: threads[5] });
  assert.equal(await pending(A), 1);
  const dir = A.profileDir;
  await A.close();
  await srv.start();
  A = await openProfile(dir);
  // Nothing pressed: the browser start sends what was left.
  await until(async () => (await pending(A)) === 0, { what: 'the outbox delivered after the restart', ms: 40_000 });
  const lib = await converged();
  assert.equal(lib.filter((s) => s.key === key(threads[5])).length, 1);

  // The server holds one record per thread ever saved (tombstones
  // included) and one per device (its manifest): the delivery made one
  // record, not two.
  const all = await serverRecords(A, srv.origin);
  assert.equal(new Set(all.map((c) => c.id)).size, all.length);
  assert.equal(all.length, threads.length + 2, 'one record per saved thread, and A\'s and B\'s manifests');
  // The server cannot read them: no text of any thread in any blob.
  const blobs = all.map((c) => c.blob).join('');
  assert.ok(!blobs.includes(threads[5].posts[0].text.slice(0, 20)));
});

test('a thread too large for the server stays on this device and holds nothing back', async () => {
  // 30 posts of 60 KB that do not compress: ~1.4 MB sealed, over the
  // server's 1 MB per record.
  const huge = gen.thread({ posts: 30 });
  huge.posts.forEach((p) => { p.text = randomBytes(45_000).toString('base64'); p.content = [{ type: 'text', text: p.text }]; });
  const small = gen.thread({ posts: 2 });
  await A.send('library:save', { thread: huge });
  await A.send('library:save', { thread: small });
  await A.send('sync:now');
  const st = await A.send('sync:status');
  assert.equal(st.lastError, '', 'the sync itself succeeded');
  assert.equal(st.tooLarge, 1);
  assert.equal(st.pending, 1, 'the big one waits in the outbox');
  await B.send('sync:now');
  assert.ok((await libraryState(B)).some((t) => t.key === key(small)), 'the small one went through');
  await A.page.goto(A.url('pages/options/options.html'));
  await until(async () => /too large for the sync server/.test(await A.page.textContent('#status')), { what: 'the status line says so' });
  // Deleted, it is a small tombstone again, and everything converges.
  await A.page.evaluate(async (k) => (await import('/shared/library-store.js')).remove([k]), key(huge));
  await converged();
  assert.equal((await A.send('sync:status')).tooLarge, 0);
});

test('a record on the server that cannot be opened is counted and holds nothing back', async () => {
  await converged();
  const t = threads[1];
  // The server's copy of one record becomes bytes no device can open (an
  // altered server, a damaged disk), as the newest version of that record.
  const bad = await A.page.evaluate(async (k) => {
    const { getMeta } = await import('/shared/db.js');
    const { get } = await import('/shared/library-store.js');
    const { api } = await import('/shared/record-ops.js');
    const cfg = await getMeta('sync');
    const rec = await get(k);
    const { id } = (await api()).seal(cfg.secret, rec);
    const blob = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(300))));
    const res = await fetch(`${cfg.server}/v1/libraries/${cfg.libraryId}/changes`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${cfg.authKey}` },
      body: JSON.stringify({ changes: [{ id, baseSeq: rec.seq, deleted: false, blob }] }),
    });
    return (await res.json()).results[0].status;
  }, key(t));
  assert.equal(bad, 'applied');
  // A edits that record without having seen the damage (its push conflicts
  // with the unreadable copy) and saves another thread in the same sync.
  t._tags = ['mended'];
  await tags(A, t);
  await A.send('library:save', { thread: extra });
  await A.send('sync:now');
  const st = await A.send('sync:status');
  assert.equal(st.lastError, '', 'the sync went through');
  assert.ok(st.unreadable >= 1, 'the unreadable record is counted');
  const state = await converged();
  assert.deepEqual(state.find((x) => x.key === key(t)).tags, ['mended'], 'the edit replaced the damaged copy');
  assert.ok(state.some((x) => x.key === key(extra)), 'the other thread went through');
});

test('the server killed and restarted three times while both devices save and sync, and A imports a file with a corrupt record: both converge, nothing is lost', async () => {
  await converged();
  const before = await libraryState(A);
  const fromA = Array.from({ length: 6 }, () => gen.thread({ posts: 4 }));
  const fromB = Array.from({ length: 6 }, () => gen.thread({ posts: 4 }));
  const imported = Array.from({ length: 3 }, () => gen.thread({ posts: 3 }));
  // The file: an export of another device with three good records and one
  // whose thread has no author handle (it fails validation).
  const file = await A.page.evaluate(async (ts) => {
    const { exportJSON } = await import('/pages/library/export.js');
    const data = JSON.parse(await exportJSON());
    const now = new Date().toISOString();
    const records = ts.map((thread) => ({ ...structuredClone(data.threads[0]), id: `${thread.platform}:${thread.id}`, thread, tags: [], note: '', savedAt: now }));
    const corrupt = structuredClone(records[0]);
    corrupt.id = 'x:4040404040404040404';
    corrupt.thread = { ...corrupt.thread, id: '4040404040404040404', author: { ...corrupt.thread.author, handle: '' } };
    return JSON.stringify({ ...data, threads: [...records, corrupt] });
  }, imported);

  // The server dies three times, each time down for 400 ms at least;
  // kills that cut a sync in flight are counted.
  let crashing = true;
  let syncing = 0;
  let killedMidSync = 0;
  const crashes = (async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 300 + 200 * i));
      if (syncing) killedMidSync++;
      await srv.kill();
      await new Promise((r) => setTimeout(r, 400));
      await srv.start();
    }
    crashing = false;
  })();
  // Meanwhile each device saves its threads and syncs without pause until
  // the crashes are over. A sync the outage reaches may end in an error or
  // (the engine retries) in success: either way nothing may be lost.
  const work = async (p, mine) => {
    for (let i = 0; crashing || i < mine.length; i++) {
      if (i < mine.length) await p.send('library:save', { thread: mine[i] });
      syncing++;
      try {
        await p.send('sync:now');
      } finally {
        syncing--;
      }
    }
  };
  const [, , , importResult] = await Promise.all([
    work(A, fromA),
    work(B, fromB),
    crashes,
    A.page.evaluate(async (j) => (await import('/pages/library/export.js')).importJSON(j), file),
  ]);
  assert.ok(killedMidSync > 0, 'a kill cut a sync in flight');
  assert.equal(importResult.added, 3, importResult.message);
  assert.equal(importResult.skipped, 1);
  assert.match(importResult.message, /1 thread could not be imported: x:4040404040404040404 .*no author handle/);

  const lib = await converged();
  const keys = new Set(lib.map((t) => t.key));
  for (const t of [...fromA, ...fromB, ...imported]) assert.ok(keys.has(key(t)), `${key(t)} on both devices`);
  assert.ok(!keys.has('x:4040404040404040404'), 'the corrupt record stayed out');
  assert.equal(lib.length, before.length + fromA.length + fromB.length + imported.length, 'nothing else appeared or went away');
  // The server holds each once.
  const all = await serverRecords(A, srv.origin);
  assert.equal(new Set(all.map((c) => c.id)).size, all.length);
  for (const p of [A, B]) assert.equal((await p.send('sync:status')).lastError, '');
});

test('a library deleted from the server and created again under the same secret: both devices say so and send their copies', async () => {
  await converged();
  // The server forgets everything (an operator's wipe, a lost disk, a
  // malicious server), and the library is created again with the same
  // keys, as any device's "create" would do.
  const cfg = await A.page.evaluate(async () => (await import('/shared/db.js')).getMeta('sync'));
  const auth = { Authorization: `Bearer ${cfg.authKey}` };
  assert.equal((await fetch(`${srv.origin}/v1/libraries/${cfg.libraryId}`, { method: 'DELETE', headers: auth })).status, 204);
  const made = await fetch(`${srv.origin}/v1/libraries`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ libraryId: cfg.libraryId, authKey: cfg.authKey }),
  });
  assert.equal(made.status, 201, 'created again');
  // A edits a thread: its push meets a server without the record it had
  // acknowledged. Said, and the copy sent again.
  const t = threads[3];
  t._tags = ['after-the-wipe'];
  await tags(A, t);
  await A.send('sync:now');
  let st = await A.send('sync:status');
  assert.equal(st.lastError, '', 'the sync itself went through');
  assert.ok(st.rolledBack >= 1, 'A says the server lost data');
  // B pulls the new library from the start and meets that record at a seq
  // below the one it had: said there too.
  await B.send('sync:now');
  st = await B.send('sync:status');
  assert.ok(st.rolledBack >= 1, 'B says the server lost data');
  await B.page.goto(B.url('pages/options/options.html'));
  await until(async () => /lost or rolled back part of your library/.test(await B.page.textContent('#status')), { what: 'B\'s status line says so' });
  const lib = await converged();
  assert.deepEqual(lib.find((x) => x.key === key(t)).tags, ['after-the-wipe']);
  const onServer = (await (await fetch(`${srv.origin}/v1/libraries/${cfg.libraryId}/changes`, { headers: auth })).json()).changes;
  assert.ok(onServer.length >= 1, 'the copy is on the server again');
});

// startHidingProxy stands between one device and the sync server and leaves
// the record with id hide out of every pull it answers: a server that
// withholds one record from one device (the others still get it).
async function startHidingProxy(target, hide) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const pull = req.method === 'GET' && /\/changes$/.test(new URL(req.url, target).pathname);
      const headers = { ...req.headers, ...(pull ? { 'accept-encoding': 'identity' } : {}) };
      const up = http.request(new URL(req.url, target), { method: req.method, headers }, (r) => {
        if (!pull || r.statusCode !== 200) {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
          return;
        }
        const body = [];
        r.on('data', (c) => body.push(c));
        r.on('end', () => {
          const page = JSON.parse(Buffer.concat(body).toString());
          page.changes = page.changes.filter((c) => c.id !== hide);
          const out = JSON.stringify(page);
          res.writeHead(200, { ...r.headers, 'content-length': Buffer.byteLength(out) });
          res.end(out);
        });
      });
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

test('a thread the server never shows B: B says the server withheld it', async () => {
  await converged();
  const t = gen.thread({ posts: 4 });
  await A.send('library:save', { thread: t });
  const hidden = await A.page.evaluate(async (k) => {
    const { getMeta } = await import('/shared/db.js');
    const { get } = await import('/shared/library-store.js');
    const { api } = await import('/shared/record-ops.js');
    return (await api()).seal((await getMeta('sync')).secret, await get(k)).id;
  }, key(t));
  const proxy = await startHidingProxy(srv.origin, hidden);
  const setServer = (p, server) => p.page.evaluate(async (s) => {
    const { getMeta, setMeta } = await import('/shared/db.js');
    await setMeta('sync', { ...(await getMeta('sync')), server: s });
  }, server);
  await setServer(B, proxy.origin);
  try {
    await A.send('sync:now');
    await B.send('sync:now');
    const st = await B.send('sync:status');
    assert.equal(st.lastError, '', 'the sync itself went through');
    assert.equal(st.withheld, 1, 'B counts the thread A sent that it was not shown');
    assert.ok(!(await libraryState(B)).some((x) => x.key === key(t)), 'the proxy hid it from B');
    await B.page.goto(B.url('pages/options/options.html'));
    await until(async () => /withheld 1 saved thread/.test(await B.page.textContent('#status')), { what: 'B\'s status line says so' });
  } finally {
    await setServer(B, srv.origin);
    await proxy.close();
  }
  // Shown again (A writes it again), B has it.
  t._tags = ['shown'];
  await tags(A, t);
  const lib = await converged();
  assert.deepEqual(lib.find((x) => x.key === key(t)).tags, ['shown']);
});

test('turn off sync and delete the library from the server', async () => {
  await A.page.goto(A.url('pages/options/options.html'));
  await A.page.waitForSelector('#on:not([hidden])');
  A.page.once('dialog', (d) => d.accept());
  await A.page.click('#delete-remote');
  await A.page.waitForSelector('#off:not([hidden])');
  assert.match(await A.page.textContent('#status'), /Sync is off/);
  assert.ok((await libraryState(A)).length > 0, 'the library stays on this device');
  // B finds the library gone and says so in words.
  await B.send('sync:now');
  const st = await B.send('sync:status');
  assert.match(st.lastError, /no longer accepts|not on the sync server/);
  assert.equal(A.errors.length + B.errors.length, 0, [...A.errors, ...B.errors].join('\n'));
});

test('turning sync on again makes a new library and uploads everything to it', async () => {
  const before = await libraryState(A);
  await A.send('sync:enable', { server: srv.origin });
  await until(async () => {
    const st = await A.send('sync:status');
    return st.lastSync && !st.pending && !st.lastError;
  }, { what: 'A uploads its library to the new one' });
  // A fresh device joining the new library gets all of it.
  const C = await openProfile();
  try {
    const { code } = await A.send('sync:code');
    await C.send('sync:join', { server: srv.origin, code });
    await until(async () => (await libraryState(C)).length === before.length, { what: 'C downloads the library' });
    assert.deepEqual(await libraryState(C), before);
  } finally {
    await C.close();
  }
});

test('the consent to send data: asked by the press that turns sync on (Firefox); while withdrawn nothing is sent, and Sync now asks again', async () => {
  const D = await openProfile(undefined, { consent: false });
  const firefox = D.browser === 'firefox';
  try {
    const [first, second] = [gen.thread({ posts: 2 }), gen.thread({ posts: 2 })];
    await D.send('library:save', { thread: first });
    // Asked by no press (a message alone), Firefox's consent is missing.
    if (firefox) await assert.rejects(D.send('sync:enable', { server: srv.origin }), /Firefox's permission to send your saved threads/);
    await D.page.goto(D.url('pages/options/options.html'));
    await D.page.fill('#server', srv.origin);
    await D.page.click('#enable'); // Firefox asks; the test profile answers Allow
    await until(async () => /Synced/.test(await D.page.textContent('#status')), { what: 'D is synced' });
    assert.equal((await serverRecords(D, srv.origin)).length, 2, 'the thread and D\'s manifest');
    if (!firefox) return; // Chromium has no such consent: nothing more to show

    // Withdrawn (about:addons → Permissions): a save waits, nothing is sent.
    await D.page.evaluate(() => globalThis.browser.permissions.remove({ data_collection: ['websiteContent', 'browsingActivity'] }));
    await D.send('library:save', { thread: second });
    const st = await D.send('sync:now');
    assert.match(st.lastError, /Firefox's permission to send your saved threads to the sync server is off/);
    assert.equal(st.pending, 1, 'the save waits in the outbox');
    assert.equal((await serverRecords(D, srv.origin)).length, 2, 'nothing reached the server');
    // Sync now on the options page asks again, and the save goes out.
    await D.page.goto(D.url('pages/options/options.html'));
    await D.page.click('#now');
    await until(async () => (await pending(D)) === 0 && /Synced/.test(await D.page.textContent('#status')), { what: 'the save sent after the consent' });
    assert.equal((await serverRecords(D, srv.origin)).length, 3, 'the second thread, and the manifest written again in place');
  } finally {
    await D.close();
  }
});
