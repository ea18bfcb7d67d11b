// @ts-check
// The library's IndexedDB: one database shared by the library page, the
// options page and the background worker (all the same extension origin).
//
// Stores:
//   threads      one record per saved thread, keyed by "platform:threadId";
//                deleted threads stay as tombstones (deleted: true) so a
//                delete can reach other devices.
//   summaries    one small row per live thread: what the library list shows
//                (author, first line, dates, counts, tags). The library page
//                opens from this store alone, never from the thread records.
//   searchIndex  per live thread, its unique words: the full-text index,
//                loaded right after the list is drawn.
//   outbox       keys changed locally and not yet acknowledged by the sync
//                server; persisted so a restart or an offline week loses
//                nothing.
//   meta         small settings and sync state (server, secret, cursor).
//
// The schema is versioned: migrations[v] upgrades a database from v-1 to v,
// and every step runs in order, so any older database reaches the current
// shape. Opening with an explicit lower version runs only the steps up to it
// (the upgrade test uses that to build genuine old databases).

import { api } from './record-ops.js';
import { indexRow, listTitle, splitRow } from './search.js';

export const DB_NAME = 'unspool-library';
export const DB_VERSION = 3;

// Each step changes the schema only. Rows derived from the threads (the
// list's summaries, the search words) are rebuilt once, after the last step,
// from the thread store (rebuildDerived): a step reading a store an earlier
// step is still filling — every request of an upgrade is asynchronous —
// would see it empty (a v1 library opened at v3 had an empty list).
const migrations = {
  // v1: threads (with author and saved-date indexes) and the outbox.
  1(db) {
    const threads = db.createObjectStore('threads', { keyPath: 'key' });
    threads.createIndex('savedAt', 'savedAt');
    threads.createIndex('handle', 'thread.author.handle');
    db.createObjectStore('outbox', { keyPath: 'n', autoIncrement: true });
  },
  // v2: a persisted search index, the meta store and each record's server
  // seq (added by rebuildDerived).
  2(db) {
    db.createObjectStore('searchIndex', { keyPath: 'key' });
    db.createObjectStore('meta', { keyPath: 'k' });
  },
  // v3: the list's fields move out of searchIndex into summaries, so the
  // page can draw the list without loading every thread's words first
  // (5,000 threads: ~12 MB of words, ~250 ms to read).
  3(db) {
    db.createObjectStore('summaries', { keyPath: 'key' });
  },
};

// derivedStores names the stores rebuildDerived fills at a version.
export const derivedStores = (version) => (version >= 3 ? ['summaries', 'searchIndex'] : version >= 2 ? ['searchIndex'] : []);

// putDerived writes one live thread's derived rows in the shape of version:
// v2 kept the list's fields and the words in one searchIndex row.
function putDerived(stores, version, rec, ops) {
  const row = indexRow(rec, listTitle(ops, rec.thread), ops.newPosts(rec).count);
  if (version < 3) return stores.searchIndex.put(row);
  const [summary, words] = splitRow(row);
  stores.summaries.put(summary);
  stores.searchIndex.put(words);
}

// rebuildDerived empties the derived stores and fills them again from every
// live thread, in transaction tx (which must cover threads and them), with
// ops (record-ops.js's api(): the list's titles are Go's). It also gives
// records from before v2 their seq: 0 means "never synced", so the first
// sync pushes every thread saved before it.
export function rebuildDerived(tx, version, ops) {
  const names = derivedStores(version);
  const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
  for (const s of Object.values(stores)) s.clear();
  tx.objectStore('threads').openCursor().onsuccess = (e) => {
    const cursor = e.target.result;
    if (!cursor) return;
    const rec = cursor.value;
    if (rec.seq === undefined && version >= 2) {
      rec.seq = 0;
      cursor.update(rec);
    }
    if (names.length && !rec.deleted && rec.thread) putDerived(stores, version, rec, ops);
    cursor.continue();
  };
}

// openDB opens (creating or upgrading) the library database. An upgrade
// rebuilds the derived rows, which needs ops (record-ops.js's api()): an
// upgrade's requests must all be made before it yields, so the WASM cannot
// be loaded from inside it.
export function openDB({ name = DB_NAME, version = DB_VERSION, ops = undefined } = {}) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = (e) => {
      const db = req.result;
      for (let v = e.oldVersion + 1; v <= version; v++) migrations[v](db, req.transaction);
      if (e.oldVersion > 0) {
        if (!ops) throw new Error(`${name}: an upgrade from version ${e.oldVersion} needs the WASM (openDB's ops)`);
        rebuildDerived(req.transaction, version, ops);
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another context (an upgraded extension page) wants a newer schema:
      // step aside rather than block it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    // blocked is not an error: the open goes on as soon as the other
    // connections close, which they do on versionchange (below) or, for one
    // closing already, when its last transaction ends.
  });
}

let shared;
// db returns the one connection this context uses. The WASM is loaded first
// only when the database on disk is older than this code (an upgrade).
export function db() {
  shared ??= (async () => openDB({ ops: (await upgradePending()) ? await api() : undefined }))()
    .catch((e) => { shared = undefined; throw e; });
  return shared;
}

async function upgradePending() {
  const found = (await indexedDB.databases()).find((d) => d.name === DB_NAME);
  return found !== undefined && (found.version ?? 0) < DB_VERSION;
}

// done resolves when a transaction commits (and rejects when it aborts), so
// callers learn about a failed write instead of assuming it landed.
export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

// req turns one IDBRequest into a promise.
export function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export async function getMeta(k, fallback) {
  const d = await db();
  const row = await req(d.transaction('meta').objectStore('meta').get(k));
  return row ? row.v : fallback;
}

export async function setMeta(k, v) {
  const d = await db();
  const tx = d.transaction('meta', 'readwrite');
  if (v === undefined) tx.objectStore('meta').delete(k);
  else tx.objectStore('meta').put({ k, v });
  await done(tx);
}
