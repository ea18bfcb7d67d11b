// @ts-check
// The sync client (runs in the background worker). It keeps this device's
// library and the server's copy of it converging:
//
//   pull  every change since our cursor, opened and merged into the local
//         records with the shared merge (record-ops.js);
//   push  the outbox: each changed record sealed and sent with the seq it was
//         based on; a conflict comes back with the server's current record,
//         which is merged in and pushed again. Outbox entries are removed only
//         once the server has acknowledged the change, so a crash, a browser
//         restart or an offline week loses nothing, and a change already
//         applied is not applied twice (the retry is based on the new seq).
//
// It runs soon after a local change, every PERIOD_MIN minutes (chrome.alarms,
// which survive the worker being stopped), and after a failure with
// exponential backoff. The server sees only record ids (HMACs) and sealed
// blobs; the secret never leaves the device except as the sync code the user
// copies to another device.

import { db, done, req, getMeta, setMeta } from '../shared/db.js';
import * as library from '../shared/library-store.js';
import { api } from '../shared/record-ops.js';
import { protocolLimits } from '../shared/contract.gen.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8787';
const PERIOD_MIN = 5;             // periodic sync
const SOON_MS = 1500;             // after a local change, coalescing bursts
const BACKOFF_FIRST_S = 15;       // first retry after a failure…
const BACKOFF_MAX_S = 30 * 60;    // …doubling up to half an hour
const MAX_BATCH = protocolLimits.maxBatchChanges;
const MAX_PUSH_BYTES = protocolLimits.maxRequestBytes - (64 << 10); // less room for the JSON around the blobs
const PULL_LIMIT = protocolLimits.defaultPullLimit;
const MAX_PUSH_ROUNDS = 20;       // conflicts resolved per sync before giving up until next time
const ALARM_PERIODIC = 'unspool-sync';
const ALARM_RETRY = 'unspool-sync-retry';

// ---------------------------------------------------------------- config

async function config() { return getMeta('sync', null); }
async function state() { return getMeta('syncState', {}); }
async function setState(patch) { await setMeta('syncState', { ...(await state()), ...patch }); }

// checkServer accepts https anywhere and plain http only on this machine
// (the local server of ./build.sh run): sealed blobs are safe on any wire,
// but the auth key is not.
export function checkServer(url) {
  let u;
  try { u = new URL(url); } catch { throw new Error('The server address is not a valid URL.'); }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) {
    throw new Error('The server address must start with https:// (plain http only for a server on this computer).');
  }
  return u.origin + u.pathname.replace(/\/+$/, '');
}

// ---------------------------------------------------------------- HTTP

class SyncError extends Error {
  constructor(message, { status = 0, code = '', retryAfter = 0, fatal = false } = {}) {
    super(message);
    Object.assign(this, { status, code, retryAfter, fatal });
  }
}

async function http(cfg, method, path, body) {
  let res;
  try {
    res = await fetch(cfg.server + path, {
      method,
      headers: {
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...(cfg.authKey ? { Authorization: `Bearer ${cfg.authKey}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  } catch {
    throw new SyncError(`Can't reach the sync server (${new URL(cfg.server).host}). Your changes are kept and will be sent when it is back.`);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const code = data?.error?.code ?? '';
  const retryAfter = Number(res.headers.get('Retry-After')) || 0;
  const words = {
    401: 'The server no longer accepts this device\'s sync code (was the library deleted from another device?). Turn sync off, then join again.',
    404: 'Your library is not on the sync server any more (it may have been deleted from another device). Turn sync off and on again to upload it.',
    413: 'A saved thread is too large for the sync server, or the library is over its storage limit.',
    429: 'The sync server asked us to slow down; we will try again shortly.',
  }[res.status] ?? (res.status >= 500
    ? `The sync server had a problem (${res.status}); we will try again shortly.`
    : `The sync server refused a request (${res.status}${data?.error?.message ? `: ${data.error.message}` : ''}).`);
  throw new SyncError(words, { status: res.status, code, retryAfter, fatal: res.status === 401 || res.status === 404 });
}

// ---------------------------------------------------------------- outbox

async function outboxEntries() {
  const d = await db();
  return req(d.transaction('outbox').objectStore('outbox').getAll());
}

// acknowledge removes the outbox entries of keys up to entry number upTo:
// entries added while the push was in flight stay, so that change goes out
// in the next round.
async function acknowledge(keys, upTo) {
  const d = await db();
  const tx = d.transaction('outbox', 'readwrite');
  tx.objectStore('outbox').openCursor().onsuccess = (e) => {
    const c = e.target.result;
    if (!c) return;
    if (c.value.n <= upTo && keys.has(c.value.key)) c.delete();
    c.continue();
  };
  await done(tx);
}

async function clearOutbox() {
  const d = await db();
  const tx = d.transaction('outbox', 'readwrite');
  tx.objectStore('outbox').clear();
  await done(tx);
}

// queueAll puts every record in the outbox, as new to the server: when sync
// is turned on or a device joins, everything saved so far must reach the
// library, and seqs from a library synced before mean nothing to this one.
async function queueAll() {
  const d = await db();
  const tx = d.transaction(['threads', 'outbox'], 'readwrite');
  const outbox = tx.objectStore('outbox');
  tx.objectStore('threads').openCursor().onsuccess = (e) => {
    const c = e.target.result;
    if (!c) return;
    if (c.value.seq) c.update({ ...c.value, seq: 0 });
    outbox.add({ key: c.primaryKey, at: Date.now() });
    c.continue();
  };
  await done(tx);
}

// ---------------------------------------------------------------- pull/push

async function pull(cfg, ops) {
  let { cursor = '' } = await state();
  let unreadable = 0;
  for (;;) {
    const page = await http(cfg, 'GET',
      `/v1/libraries/${cfg.libraryId}/changes?since=${encodeURIComponent(cursor)}&limit=${PULL_LIMIT}`);
    const seqs = new Map();
    const recs = [];
    for (const c of page.changes) {
      // A record that does not open (altered on the server, or sealed by a
      // newer Unspool) is skipped and reported, not allowed to stop every
      // other record from syncing.
      let rec;
      try { rec = ops.open(cfg.secret, c); } catch {
        unreadable++;
        continue;
      }
      seqs.set(rec.id, c.seq);
      recs.push(rec);
    }
    // One that opens but does not merge (it fails validation) likewise.
    if (recs.length) unreadable += (await library.mergeIn(recs, { seqOf: (r) => seqs.get(r.id) })).failed.length;
    cursor = page.cursor;
    await setState({ cursor });
    if (!page.more) break;
  }
  // Counted for good: the cursor has moved past them.
  if (unreadable) await setState({ unreadable: ((await state()).unreadable ?? 0) + unreadable });
}

async function push(cfg, ops) {
  // Records that cannot be sealed (over the per-record limit) stay in the
  // outbox, are counted for the status line, and do not hold the rest back.
  const tooLarge = new Set();
  try {
    for (let round = 0; round < MAX_PUSH_ROUNDS; round++) {
      if (!(await pushRound(cfg, ops, tooLarge))) return;
    }
  } finally {
    await setState({ tooLarge: tooLarge.size });
  }
}

// pushRound sends one batch: at most MAX_BATCH changes and MAX_PUSH_BYTES
// of blobs. It returns false when the outbox has nothing left to send.
async function pushRound(cfg, ops, tooLarge) {
  const entries = (await outboxEntries()).filter((e) => !tooLarge.has(e.key));
  if (!entries.length) return false;
  const upTo = Math.max(...entries.map((e) => e.n));
  const keys = [], recs = [], changes = [];
  let size = 0;
  for (const key of new Set(entries.map((e) => e.key))) {
    if (changes.length >= MAX_BATCH) break;
    const rec = await library.get(key);
    if (!rec) { keys.push(key); continue; }
    let sealed;
    try { sealed = ops.seal(cfg.secret, rec); } catch {
      tooLarge.add(key);
      continue;
    }
    if (changes.length && size + sealed.blob.length > MAX_PUSH_BYTES) break;
    size += sealed.blob.length;
    keys.push(key);
    recs.push(rec);
    changes.push({ id: sealed.id, baseSeq: rec.seq ?? 0, deleted: !!rec.deleted, blob: sealed.blob });
  }
  if (!changes.length) {
    // Only keys with no record (nothing to send) or unsendable ones.
    const nothing = new Set(keys);
    if (nothing.size) await acknowledge(nothing, upTo);
    return nothing.size > 0;
  }
  const res = await http(cfg, 'POST', `/v1/libraries/${cfg.libraryId}/changes`, { changes });
  const applied = new Map(), conflicts = [], gone = [];
  res.results.forEach((r, i) => {
    if (r.status === 'applied') applied.set(recs[i].key, r.seq);
    else if (r.status === 'conflict' && r.current) conflicts.push({ key: recs[i].key, current: r.current });
    // A conflict with nothing stored: the server no longer has a record
    // we based a change on (its library was recreated, or restored from
    // an older backup). Send ours again as new.
    else if (r.status === 'conflict') gone.push(recs[i].key);
  });
  if (gone.length) {
    await library.mutate(gone, (_ops, old) => (old ? { ...old, seq: 0 } : null), { queue: false, origin: 'sync', silent: true });
  }
  // Applied: remember the seq the server gave, so the next change of the
  // record is based on it (max: a concurrent pull may have seen it already).
  if (applied.size) {
    await library.mutate([...applied.keys()], (_ops, old, _hlc, key) =>
      old ? { ...old, seq: Math.max(old.seq ?? 0, applied.get(key)) } : null, { queue: false, origin: 'sync', silent: true });
    await acknowledge(new Set(applied.keys()), upTo);
  }
  // Conflicts: the server holds a newer state (another device's change,
  // or our own earlier push whose answer was lost). Merge it into ours,
  // based on its seq. If the merge adds nothing to the server's state, the
  // server already has every edit of ours: done, applied once. Otherwise
  // the outbox entry stays and the merged record goes in the next round.
  // A server record that cannot be opened or merged (altered, or sealed
  // by a newer Unspool) is counted, and ours goes over it in the next round
  // (based on its seq): one bad record never stops the rest.
  if (conflicts.length) {
    const theirs = new Map();
    let unreadable = 0;
    for (const { key, current } of conflicts) {
      let rec = null;
      try { rec = ops.open(cfg.secret, current); } catch { unreadable++; }
      theirs.set(key, { rec, seq: current.seq });
    }
    const clean = new Set();
    await library.mutate([...theirs.keys()], (o, old, _hlc, key) => {
      const { rec, seq } = theirs.get(key);
      let merged = old;
      if (rec) {
        try {
          merged = o.merge(old ?? null, rec);
          if (JSON.stringify(merged) === JSON.stringify(rec)) clean.add(key);
        } catch { unreadable++; }
      }
      return merged && { ...merged, seq: Math.max(old?.seq ?? 0, seq) };
    }, { queue: false, origin: 'sync' });
    if (clean.size) await acknowledge(clean, upTo);
    if (unreadable) await setState({ unreadable: ((await state()).unreadable ?? 0) + unreadable });
  }
  const unanswered = keys.filter((k) => !applied.has(k) && !gone.includes(k) && !conflicts.some((c) => c.key === k));
  // Keys with no record at all (never saved here) have nothing to send.
  const missing = new Set(keys.filter((k) => !recs.some((r) => r.key === k)));
  if (missing.size) await acknowledge(missing, upTo);
  if (unanswered.length > missing.size) throw new SyncError('The sync server answered only part of a change batch; will retry.');
  return true;
}

// ---------------------------------------------------------------- running

let running = null;
let soonTimer = null;

// syncNow runs one pull+push unless one is already running (then it waits
// for that one and runs again, so a change made meanwhile is not left out).
export function syncNow(reason = 'manual') {
  const run = async () => {
    const cfg = await config();
    if (!cfg) return status();
    const st = await state();
    // Backoff holds back the automatic tries; a person pressing "Sync now"
    // and a worker (re)starting — at most once per start — try at once.
    if (!['manual', 'startup'].includes(reason) && st.nextTry && Date.now() < st.nextTry) return status();
    try {
      const ops = await api();
      await pull(cfg, ops);
      await push(cfg, ops);
      await setState({ lastSync: Date.now(), lastError: '', failures: 0, nextTry: 0 });
      chrome.alarms?.clear(ALARM_RETRY);
    } catch (e) {
      const failures = (st.failures ?? 0) + 1;
      const backoff = Math.min(BACKOFF_FIRST_S * 2 ** (failures - 1), BACKOFF_MAX_S);
      const waitS = Math.max(e.retryAfter ?? 0, backoff * (1 + Math.random() * 0.2));
      const nextTry = Date.now() + waitS * 1000;
      await setState({ lastError: e.message, lastErrorAt: Date.now(), failures, nextTry });
      // chrome.alarms wakes a stopped worker; 30 s is its smallest delay.
      chrome.alarms?.create(ALARM_RETRY, { when: Math.max(nextTry, Date.now() + 30_000) });
    }
    return status();
  };
  const prev = running ?? Promise.resolve();
  const mine = prev.catch(() => {}).then(run);
  running = mine.finally(() => { if (running === mine) running = null; });
  return mine;
}

// resume runs a sync when the worker starts with changes still in the
// outbox (the browser was closed, or the worker stopped, before they went
// out). One try per worker start, whatever the backoff said.
export async function resume() {
  if (!(await config())) return;
  if ((await outboxEntries()).length) return syncNow('startup');
}

// soon schedules a sync shortly after a local change.
export function soon() {
  clearTimeout(soonTimer);
  soonTimer = setTimeout(() => syncNow('change'), SOON_MS);
}

export function schedule() {
  chrome.alarms.create(ALARM_PERIODIC, { periodInMinutes: PERIOD_MIN });
}

export function onAlarm(alarm) {
  if (alarm.name === ALARM_PERIODIC || alarm.name === ALARM_RETRY) return syncNow('alarm');
}

// ---------------------------------------------------------------- settings

async function connect(server, secret, { mustExist }) {
  const ops = await api();
  const { libraryId, authKey } = ops.keys(secret);
  const cfg = { server: checkServer(server), secret, libraryId, authKey };
  if (mustExist) {
    // Joining: the library must already be there (a code from another
    // device), else the server address or the code is wrong.
    try {
      await http(cfg, 'GET', `/v1/libraries/${libraryId}/changes?limit=1`);
    } catch (e) {
      if (e.status === 404 || e.status === 401) {
        throw new Error(`There is no library with this sync code on ${new URL(cfg.server).host}. Check the code and the server address.`, { cause: e });
      }
      throw e;
    }
  } else {
    await http(cfg, 'POST', '/v1/libraries', { libraryId, authKey });
  }
  await setMeta('sync', { ...cfg, since: Date.now() });
  await setMeta('syncState', {});
  await queueAll();
  schedule();
  // The first upload of a big library takes a while: answer now, and let
  // the status line count the changes down (an interrupted upload resumes
  // from the outbox when the worker starts again).
  syncNow('manual');
  return status();
}

// enable creates a new library on server and uploads this device's library.
export async function enable(server = DEFAULT_SERVER) {
  if (await config()) throw new Error('Sync is already on.');
  const ops = await api();
  const { secret } = ops.newSecret();
  return connect(server, secret, { mustExist: false });
}

// join connects this device to the library of a sync code; what is saved
// here is merged into it.
export async function join(server = DEFAULT_SERVER, code) {
  if (await config()) throw new Error('Sync is already on. Turn it off first to join another library.');
  const ops = await api();
  let secret;
  try { ({ secret } = ops.keys(code ?? '')); } catch (e) { throw new Error(e.message.replace(/^sync: /, ''), { cause: e }); }
  return connect(server, secret, { mustExist: true });
}

// disable stops syncing on this device; the library stays here and on the
// server.
export async function disable() {
  await setMeta('sync', undefined);
  await setMeta('syncState', undefined);
  await clearOutbox();
  await chrome.alarms?.clear(ALARM_PERIODIC);
  await chrome.alarms?.clear(ALARM_RETRY);
  return status();
}

// deleteRemote deletes the library and every record from the server, then
// turns sync off. This device's library is kept.
export async function deleteRemote() {
  const cfg = await config();
  if (!cfg) throw new Error('Sync is off: there is no library on a server to delete.');
  await http(cfg, 'DELETE', `/v1/libraries/${cfg.libraryId}`);
  return disable();
}

export async function code() {
  const cfg = await config();
  if (!cfg) throw new Error('Sync is off.');
  const ops = await api();
  return { code: ops.keys(cfg.secret).code, server: cfg.server };
}

// status is what the options page shows.
export async function status() {
  const cfg = await config();
  const st = await state();
  const pending = new Set((await outboxEntries()).map((e) => e.key)).size;
  return {
    on: !!cfg, server: cfg?.server ?? DEFAULT_SERVER, since: cfg?.since ?? 0,
    lastSync: st.lastSync ?? 0, lastError: st.lastError ?? '', nextTry: st.nextTry ?? 0, pending,
    unreadable: st.unreadable ?? 0, tooLarge: st.tooLarge ?? 0,
    syncing: running !== null,
  };
}
