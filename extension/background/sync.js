// @ts-check
// The sync client's browser half (runs in the background worker). The
// engine — pull, push, conflicts, retries, what to acknowledge, the words
// of an error and when to try again — is shared/sync's Client, run in the
// WASM by unspool.syncRun: the same code, with the same numbers, that the
// Go convergence, kill -9 and conflict tests drive. This file gives it
// what only the browser has:
//
//   transport  fetch, to the server the user chose;
//   storage    the library's IndexedDB: records (changed through
//              library.mutate, so a sync and an edit in another page never
//              lose each other's change), the outbox, the pull cursor;
//   schedule   soon after a local change, every PERIOD_MIN minutes
//              (chrome.alarms, which survive the worker being stopped), and
//              after a failure when the engine says (RetryIn in Go);
//
// and the settings: turning sync on, joining with a code, turning it off.
// The server sees only record ids (HMACs) and sealed blobs; the secret never
// leaves the device except as the sync code the user copies to another one.

import { db, done, req, getMeta, setMeta } from '../shared/db.js';
import * as library from '../shared/library-store.js';
import { api } from '../shared/record-ops.js';
import { hold } from '../shared/wasm-host.js';
import { CONSENT_WITHDRAWN, hasConsent, requireConsent } from '../shared/data-consent.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8787';
const PERIOD_MIN = 5;             // periodic sync
const SOON_MS = 1500;             // after a local change, coalescing bursts
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

// ---------------------------------------------------------------- the engine's host

// host is what unspool.syncRun calls (see docs/wasm-api.md): transport and
// storage, each a promise. The outbox's mark is its highest entry number.
function host(cfg) {
  return {
    async request(method, path, authKey, body) {
      const res = await fetch(cfg.server + path, {
        method,
        headers: {
          ...(body !== null ? { 'Content-Type': 'application/json' } : {}),
          ...(authKey ? { Authorization: `Bearer ${authKey}` } : {}),
        },
        body: body ?? undefined,
        cache: 'no-store',
      });
      return { status: res.status, retryAfter: res.headers.get('Retry-After') ?? '', body: await res.text() };
    },
    cursor: async () => (await state()).cursor ?? '',
    setCursor: (cursor) => setState({ cursor }),
    async outbox() {
      const entries = await outboxEntries();
      return { keys: [...new Set(entries.map((e) => e.key))], mark: entries.reduce((m, e) => Math.max(m, e.n), 0) };
    },
    ack: (keys, mark) => acknowledge(new Set(keys), mark),
    async get(keys) {
      const threads = (await db()).transaction('threads').objectStore('threads');
      return Promise.all(keys.map(async (k) => {
        const rec = await req(threads.get(k));
        return rec ? JSON.stringify(rec) : '';
      }));
    },
    async update(keys, fn) {
      const queued = new Set(), changed = [], movable = [];
      await library.mutate(keys, (_ops, old, _hlc, key) => {
        const r = fn(key, old ? JSON.stringify(old) : '');
        if (r instanceof Error) throw r;
        if (!r) return null;
        if (r.queue) queued.add(key);
        const rec = JSON.parse(r.record);
        if (r.changed) changed.push(key);
        // A device on an earlier version may still save under an old key.
        if (r.changed && library.mayMove(rec)) movable.push(key);
        return rec;
      }, { queue: (key) => queued.has(key), origin: 'sync', silent: true });
      // Pages hear of real changes only, not of seqs recorded.
      if (changed.length) library.announce(changed, 'sync');
      if (movable.length) await library.relocate(movable);
    },
  };
}

// deviceId is this device's stable id (the one its clock stamps edits
// with), made here if no edit has made it yet: the engine names the
// device's manifest with it (docs/sync-protocol.md).
async function deviceId(ops) {
  const d = await db();
  const tx = d.transaction('meta', 'readwrite');
  const meta = tx.objectStore('meta');
  let id = (await req(meta.get('deviceId')))?.v;
  if (!id) {
    id = ops.newDeviceId();
    meta.put({ k: 'deviceId', v: id });
  }
  await done(tx);
  return id;
}

// engine runs one operation of the Go client ('sync', 'create', 'join',
// 'delete') and resolves to its outcome ({error, retryInMs, pulled, pushed,
// rejected, unsendable, pending, rolledBack, withheld, …}). The WASM is
// held while it runs: the engine's goroutine lives in it. createToken (a
// private server's, for 'create' only) is passed through and kept nowhere.
async function engine(cfg, op, failures = 0, createToken = '') {
  const ops = await api();
  const device = await deviceId(ops);
  const release = hold();
  try {
    return await ops.run({ op, secret: cfg.secret, server: cfg.server, failures, device, ...(createToken ? { createToken } : {}) }, host(cfg));
  } finally {
    release();
  }
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
    if (!(await hasConsent())) {
      // Nothing is sent; the changes wait in the outbox.
      await setState({ lastError: CONSENT_WITHDRAWN, lastErrorAt: Date.now() });
      return status();
    }
    const st = await state();
    // Backoff holds back the automatic tries; a person pressing "Sync now"
    // and a worker (re)starting — at most once per start — try at once.
    if (!['manual', 'startup'].includes(reason) && st.nextTry && Date.now() < st.nextTry) return status();
    let out;
    try {
      out = await engine(cfg, 'sync', st.failures ?? 0);
    } catch (e) {
      out = { error: e.message, retryInMs: 0, rejected: 0 }; // the WASM did not load: try at the next alarm
    }
    // Counted for good: the cursor has moved past them.
    const unreadable = (st.unreadable ?? 0) + out.rejected;
    if (!out.error) {
      // The server held less than it had acknowledged (wiped, rolled back):
      // counted with when it was last found, and said while sync stays on,
      // not only after this sync (like unreadable).
      const lost = out.rolledBack ? { rolledBack: (st.rolledBack ?? 0) + out.rolledBack, rolledBackAt: Date.now() } : {};
      // Records another device wrote that the server did not give this one
      // (the latest finding: the engine checks each again only when their
      // writer lists them anew, so adding findings up would count twice).
      const withheld = out.withheld ? { withheld: out.withheld, withheldAt: Date.now() } : {};
      await setState({ lastSync: Date.now(), lastError: '', failures: 0, nextTry: 0, unreadable, tooLarge: out.unsendable, ...lost, ...withheld });
      chrome.alarms?.clear(ALARM_RETRY);
    } else {
      const nextTry = Date.now() + out.retryInMs;
      await setState({ lastError: out.error, lastErrorAt: Date.now(), failures: (st.failures ?? 0) + 1, nextTry, unreadable });
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

async function connect(server, secret, { mustExist, createToken = '' }) {
  await requireConsent();
  const ops = await api();
  const { libraryId, authKey } = ops.keys(secret);
  const cfg = { server: checkServer(server), secret, libraryId, authKey };
  // Joining: the library must already be there (a code from another
  // device), else the server address or the code is wrong.
  const { error } = await engine(cfg, mustExist ? 'join' : 'create', 0, createToken);
  if (error) throw new Error(error);
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
// createToken is needed by a private server only (its operator gives it);
// it serves this one request and is not stored.
export async function enable(server = DEFAULT_SERVER, createToken = '') {
  if (await config()) throw new Error('Sync is already on.');
  const ops = await api();
  const { secret } = ops.newSecret();
  return connect(server, secret, { mustExist: false, createToken: typeof createToken === 'string' ? createToken.trim() : '' });
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
  const { error } = await engine(cfg, 'delete');
  if (error) throw new Error(error);
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
    rolledBack: st.rolledBack ?? 0, rolledBackAt: st.rolledBackAt ?? 0,
    withheld: st.withheld ?? 0, withheldAt: st.withheldAt ?? 0,
    syncing: running !== null,
  };
}
