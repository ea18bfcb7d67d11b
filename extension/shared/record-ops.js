// @ts-check
// Record edits, merges, clocks and sealing through shared/sync in the WASM
// (wasm/sync.go, shared/sync/api.go), and the library's keys, titles and
// Markdown (wasm/library.go) — the one place that knows the names of
// globalThis.unspool's sync and library functions. Every
// record the library stores is a shared/sync SavedThread (JSON), changed only
// by these functions, so a record made here merges on another device exactly
// as the Go property tests say it does.
//
// All functions here but run are synchronous once api() has resolved: the library
// calls them inside an IndexedDB transaction, between reading a record and
// writing it back, which is what makes each edit atomic across the pages
// and the background worker.

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

// How the WASM is reached. Pages import the host on first use, so the
// library page opens without loading the Go runtime; a service worker may
// not import() at all, so the background hands its statically imported
// host in with useWasm.
let load = async () => (await import('./wasm-host.js')).ready();
export function useWasm(ready) { load = ready; }

let cached;
// api resolves to the record operations, loading the WASM on first use.
export async function api() {
  if (cached) return cached;
  const u = await load();
  const f = (name) => need(u, name);
  const edit = (rec, e) => p(f('syncEdit')(rec ? j(plain(rec)) : '', j(e)));
  cached = {
    // Edits of one record, each stamped with its clock (hlc).
    save: (rec, thread, savedAt, at) => edit(rec, { op: 'save', at, thread, savedAt }),
    remove: (rec, at) => edit(rec, { op: 'delete', at }),
    setTags: (rec, tags, at) => edit(rec, { op: 'tags', at, tags }),
    setNote: (rec, note, at) => edit(rec, { op: 'note', at, note }),
    setReadPosition: (rec, readPosition, at) => edit(rec, { op: 'readPosition', at, readPosition }),
    // The thread's own keep-current switch: true, false, or null for the
    // default (keep-settings.js follows).
    setKeepCurrent: (rec, on, at) => edit(rec, { op: 'keepCurrent', at, ...(typeof on === 'boolean' ? { keepCurrent: on } : {}) }),
    merge: (a, b) => p(f('syncMerge')(a ? j(plain(a)) : '', j(plain(b)))),
    // The record under the key its thread has now, or null when it is
    // where it belongs (a Misskey thread an earlier version saved as
    // Mastodon's: shared/sync Moved).
    moved: (rec) => p(f('syncMoved')(j(plain(rec)))),
    // Keep current: a later reading of the thread at its source merged in
    // ({saved, changes}), and how many posts are new since it was read
    // ({count, since}).
    refresh: (rec, thread, now, at) => p(f('syncRefresh')(j(plain(rec)), j({ thread, now, at }))),
    newPosts: (rec) => p(f('syncNewPosts')(j(plain(rec)))),
    // The device's clock: the next stamp after last, and the greatest stamp
    // in a record (to observe what another device wrote).
    nextClock: (last, device) => f('syncClockNext')(last, device, Date.now()),
    maxClock: (rec) => f('syncMaxClock')(j(plain(rec))),
    newDeviceId: () => f('syncNewDeviceId')(),
    // Library secrets and keys: {secret, code, libraryId, authKey}.
    newSecret: () => p(f('syncNewSecret')()),
    keys: (codeOrSecret) => p(f('syncKeys')(codeOrSecret)),
    // Sealing for the server: {id, deleted, blob}, and back.
    seal: (secret, rec) => p(f('syncSeal')(secret, j(plain(rec)))),
    open: (secret, record) => p(f('syncOpen')(secret, j({ id: record.id, blob: record.blob }))),
    // The sync engine (background/sync.js gives it host: transport and storage).
    run: async (request, host) => p(await f('syncRun')(j(request), host)),
    // What the library asks of Go rather than knowing itself: a thread's key
    // (its canonical id), its title in at most max characters, and its
    // Markdown with the library's fields in the front matter.
    canonicalId: (platform, id) => f('canonicalId')(platform, id),
    title: (threadJSON, max) => f('threadTitle')(threadJSON, max),
    exportSaved: (rec) => f('exportSaved')(j(plain(rec))),
  };
  return cached;
}
