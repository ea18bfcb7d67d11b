// Record edits, merges and sealing through shared/sync in the WASM — the one
// place that knows the names of globalThis.unspool's sync functions. Every
// record the library stores is a shared/sync SavedThread (JSON), changed only
// by these functions, so a record made here merges on another device exactly
// as the Go property tests say it does.
//
// All functions here are synchronous once api() has resolved: the library
// calls them inside an IndexedDB transaction, between reading a record and
// writing it back, which is what makes each edit atomic across the pages
// and the background worker.

import { ready } from '../wasm-host.js';

const j = (v) => JSON.stringify(v);
const p = (s) => JSON.parse(s);

// plain strips the library's local fields (key, seq) off a stored record.
export function plain(rec) {
  if (!rec) return null;
  const { key, seq, ...saved } = rec;
  return saved;
}

function need(u, name) {
  if (typeof u[name] !== 'function') {
    throw new Error(`this build of unspool.wasm has no ${name}(): rebuild it with ./build.sh build`);
  }
  return u[name].bind(u);
}

let cached;
// api resolves to the record operations, loading the WASM on first use.
export async function api() {
  if (cached) return cached;
  const u = await ready();
  const f = (name) => need(u, name);
  cached = {
    // save merges a capture of thread into rec (null for a new record).
    save: (rec, thread, savedAt, hlc) => p(f('syncSave')(rec ? j(plain(rec)) : '', j(thread), savedAt, hlc)),
    remove: (rec, hlc) => p(f('syncDelete')(j(plain(rec)), hlc)),
    setTags: (rec, tags, hlc) => p(f('syncSetTags')(j(plain(rec)), j(tags), hlc)),
    setNote: (rec, note, hlc) => p(f('syncSetNote')(j(plain(rec)), note, hlc)),
    merge: (a, b) => p(f('syncMerge')(j(plain(a)), j(plain(b)))),
    // Library secrets and keys.
    newSecret: () => p(f('syncNewSecret')()),           // {secret, code}
    parseSecret: (text) => p(f('syncParseSecret')(text)), // {secret, code}
    keys: (secret) => p(f('syncKeys')(secret)),           // {libraryId, authKey}
    seal: (secret, rec) => p(f('syncSeal')(secret, j(plain(rec)))), // {id, blob}
    open: (secret, id, blob) => p(f('syncOpen')(secret, id, blob)),   // SavedThread
    recordId: (secret, canonicalId) => f('syncRecordId')(secret, canonicalId),
  };
  return cached;
}
