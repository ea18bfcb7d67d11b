// unspool.syncRun, the sync engine the extension runs (shared/sync's
// Client), driven from JS as the background does: a host giving it fetch and
// a store, here a small in-memory one, against the native server on
// 127.0.0.1. What the engine decides is proven by the Go tests; these prove
// the bridge — promises both ways, the store's update callback, errors and
// the words and retry time the extension shows and schedules by.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUnspool, root } from './load.mjs';

const thread = (id, posts) => ({
  platform: 'x', id, url: `https://x.com/author/status/${id}`,
  author: { handle: 'author', name: 'An Author', url: 'https://x.com/author', avatar: '' },
  posts: posts.map((n) => ({
    id: `${id}0${n}`, url: `https://x.com/author/status/${id}0${n}`,
    createdAt: `2026-03-01T12:0${n}:00Z`, text: `post ${n}`, media: [],
  })),
  complete: true, capturedAt: '2026-03-01T12:00:00Z',
});

// device is what the extension keeps in IndexedDB, in memory: records by
// key ({...savedThread, key, seq}), an outbox of numbered entries, a cursor.
function device(u, server) {
  const d = { records: new Map(), outbox: [], n: 0, cursor: '', clock: '', id: u.syncNewDeviceId(), requests: 0 };
  d.edit = (key, e) => {
    d.clock = u.syncClockNext(d.clock, d.id, Date.now());
    const old = d.records.get(key);
    const rec = JSON.parse(u.syncEdit(old ? JSON.stringify(old) : '', JSON.stringify({ ...e, at: d.clock })));
    d.records.set(key, { ...rec, key, seq: old?.seq ?? 0 });
    d.outbox.push({ n: ++d.n, key });
  };
  d.host = {
    async request(method, p, authKey, body) {
      d.requests++;
      const res = await fetch(server.origin + p, {
        method, body: body ?? undefined,
        headers: { ...(body !== null ? { 'Content-Type': 'application/json' } : {}), ...(authKey ? { Authorization: `Bearer ${authKey}` } : {}) },
      });
      return { status: res.status, retryAfter: res.headers.get('Retry-After') ?? '', body: await res.text() };
    },
    cursor: async () => d.cursor,
    setCursor: async (c) => { d.cursor = c; },
    outbox: async () => ({ keys: [...new Set(d.outbox.map((e) => e.key))], mark: d.n }),
    ack: async (keys, mark) => { d.outbox = d.outbox.filter((e) => e.n > mark || !keys.includes(e.key)); },
    get: async (keys) => keys.map((k) => (d.records.has(k) ? JSON.stringify(d.records.get(k)) : '')),
    async update(keys, fn) {
      // A transaction: every answer first, then the writes.
      const writes = keys.map((k) => {
        const r = fn(k, d.records.has(k) ? JSON.stringify(d.records.get(k)) : '');
        if (r instanceof Error) throw r;
        return r;
      });
      keys.forEach((k, i) => {
        if (!writes[i]) return;
        const rec = JSON.parse(writes[i].record);
        d.records.set(k, { ...rec, key: rec.id });
        if (writes[i].queue) d.outbox.push({ n: ++d.n, key: k });
      });
    },
  };
  // The device's id names its manifest, as the extension's deviceId does.
  d.run = async (op, secret, failures = 0) => JSON.parse(await u.syncRun(JSON.stringify({ op, secret, server: server.origin, failures, device: d.id }), d.host));
  d.library = () => [...d.records.values()].filter((r) => !r.deleted).map(({ seq, ...saved }) => JSON.stringify(saved)).sort();
  return d;
}

let server;
before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-syncrun-'));
  const bin = path.join(dir, 'unspool-server');
  execFileSync('go', ['build', '-o', bin, './server'], { cwd: root, stdio: 'inherit' });
  const port = 18500 + Math.floor(Math.random() * 400);
  server = { origin: `http://127.0.0.1:${port}` };
  server.start = async () => {
    server.proc = spawn(bin, ['-addr', `127.0.0.1:${port}`, '-data', path.join(dir, 'data')], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try { await fetch(`${server.origin}/v1/nothing`); return; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    throw new Error('the sync server did not start');
  };
  server.stop = async () => {
    const exited = new Promise((r) => server.proc.once('exit', r));
    server.proc.kill('SIGKILL');
    await exited;
  };
  await server.start();
});
after(() => server?.stop());

test('two devices converge through syncRun; a conflict is merged; nothing is left queued', async () => {
  const u = await loadUnspool();
  const { secret } = JSON.parse(u.syncNewSecret());
  const a = device(u, server), b = device(u, server);
  assert.equal((await a.run('join', secret)).error, `There is no library with this sync code on ${new URL(server.origin).host}. Check the code and the server address.`);
  assert.equal((await a.run('create', secret)).error, '');
  assert.equal((await b.run('join', secret)).error, '');

  a.edit('x:1', { op: 'save', thread: thread('1', [1, 2]), savedAt: new Date().toISOString() });
  a.edit('x:2', { op: 'save', thread: thread('2', [1]), savedAt: new Date().toISOString() });
  const pushed = await a.run('sync', secret);
  assert.equal(pushed.error, '');
  assert.equal(pushed.pushed, 2);
  assert.equal(pushed.pending, 0);
  assert.equal(a.outbox.length, 0, 'acknowledged entries leave the outbox');
  const manifest = a.records.get(`unspool-manifest:${a.id}`);
  assert.ok(manifest?.deleted && !manifest.thread, 'A keeps its manifest as a tombstone');
  assert.deepEqual(manifest.manifest.entries.map((e) => e.id).sort(), ['x:1', 'x:2'], 'listing both writes');

  const pulled = await b.run('sync', secret);
  assert.equal(pulled.pulled, 2);
  assert.deepEqual(b.library(), a.library());
  assert.equal(b.outbox.length, 0, 'pulled records are not sent back');

  // Both edit x:1; A's sync runs (in the same WASM) between B's pull and
  // B's push, so B pushes onto a stale base: the server answers with A's
  // state, the engine merges it in B's store (through update) and pushes
  // again.
  a.edit('x:1', { op: 'tags', tags: ['from-a'] });
  b.edit('x:1', { op: 'note', note: 'from b' });
  const setCursor = b.host.setCursor;
  b.host.setCursor = async (cursor) => {
    b.host.setCursor = setCursor;
    await setCursor(cursor);
    assert.equal((await a.run('sync', secret)).error, '');
  };
  const c = await b.run('sync', secret);
  assert.equal(c.error, '');
  assert.equal(c.conflicts, 1);
  assert.equal(c.pending, 0);
  assert.equal((await a.run('sync', secret)).error, '');
  assert.deepEqual(a.library(), b.library());
  const x1 = JSON.parse(a.library().find((s) => s.includes('"id":"x:1"')));
  assert.deepEqual([x1.tags, x1.note], [['from-a'], 'from b']);
});

test('a server that is down: the words, the retry time, and the outbox kept', async () => {
  const u = await loadUnspool();
  const { secret } = JSON.parse(u.syncNewSecret());
  const a = device(u, server);
  assert.equal((await a.run('create', secret)).error, '');
  a.edit('x:9', { op: 'save', thread: thread('9', [1]), savedAt: new Date().toISOString() });
  await server.stop();
  try {
    const out = await a.run('sync', secret, 2);
    assert.equal(out.error, `Can't reach the sync server (${new URL(server.origin).host}). Your changes are kept and will be sent when it is back.`);
    // The third failure in a row: 60 s, plus up to a fifth.
    assert.ok(out.retryInMs >= 60_000 && out.retryInMs <= 72_000, `retryInMs ${out.retryInMs}`);
    assert.ok(a.requests > 1, 'the request was tried again within the sync');
    assert.equal(a.outbox.length, 1);
  } finally {
    await server.start();
  }
  const out = await a.run('sync', secret);
  assert.equal(out.error, '');
  assert.equal(a.outbox.length, 0);
});

test('bad input and a failing store are errors, not hangs', async () => {
  const u = await loadUnspool();
  const { secret } = JSON.parse(u.syncNewSecret());
  const a = device(u, server);
  assert.throws(() => u.syncRun('{', a.host), /not JSON/);
  assert.throws(() => u.syncRun('{}', { ...a.host, get: 1 }), /host.get is not a function/);
  assert.match((await a.run('merge', secret)).error, /unknown operation "merge"/);
  assert.equal((await a.run('create', secret)).error, '');
  a.edit('x:3', { op: 'save', thread: thread('3', [1]), savedAt: new Date().toISOString() });
  a.host.get = async () => { throw new Error('the disk is full'); };
  const out = await a.run('sync', secret);
  assert.match(out.error, /host\.get: the disk is full/);
  assert.equal(a.outbox.length, 1);
});
