// @ts-check
// The library's operations: save (and re-save), tags, notes, delete with
// undo, and the merges that sync and import apply. Works in any extension
// context (page or background worker) over IndexedDB.
//
// A stored record is a shared/sync SavedThread plus two local fields:
//   {key, seq, id, thread, savedAt, tags, note, readPosition, deleted, clocks}
// key is the SavedThread id ("platform:threadId"); seq is the server's
// sequence number the record was last synced at (0: never). Records change
// only through record-ops.js (the shared merge rules in the WASM).
//
// Each write is one IndexedDB transaction that reads the record, edits it,
// stamps it with the next clock, writes it back, refreshes its search row and
// queues it in the outbox: a change is saved and queued, or neither, and two
// contexts editing at once cannot lose each other's edit.

import { db, done, req, derivedStores, rebuildDerived, DB_VERSION } from './db.js';
import { indexRow, listTitle, splitRow } from './search.js';
import { api } from './record-ops.js';
import { renamedPlatforms } from './contract.gen.js';

// Open library pages listen here to refresh when another context writes.
export const CHANNEL = 'unspool-library';

const listeners = new Set();
// onLocalChange registers a callback run after each local write in this
// context (the background worker uses it to schedule a sync).
export function onLocalChange(fn) { listeners.add(fn); }
const anyListeners = new Set();
// onChange registers a callback run after any write in this context, local
// or merged in (the toolbar badge's count follows both).
export function onChange(fn) { anyListeners.add(fn); }

// announce tells open pages (and, for local edits, the sync scheduler) that
// keys changed.
export function announce(keys, origin) {
  try {
    const bc = new BroadcastChannel(CHANNEL);
    bc.postMessage({ type: 'changed', keys, origin });
    bc.close();
  } catch { /* no BroadcastChannel: pages refresh on focus instead */ }
  for (const fn of anyListeners) fn(keys, origin);
  if (origin !== 'local') return;
  for (const fn of listeners) fn(keys);
  // In a page, wake the background worker so it syncs soon (a broadcast
  // does not wake a stopped service worker; a runtime message does).
  if (typeof window !== 'undefined' && globalThis.chrome?.runtime?.sendMessage) {
    chrome.runtime.sendMessage({ type: 'library:changed' }).catch(() => {});
  }
}

// threadKey is the library key of a thread (an object or Thread JSON): its
// canonical id, which Go makes (shared/sync CanonicalID through the WASM).
export async function threadKey(thread) {
  const t = typeof thread === 'string' ? JSON.parse(thread) : thread;
  return (await api()).canonicalId(String(t?.platform ?? ''), String(t?.id ?? ''));
}

// mutate runs op on the records of keys inside one transaction. op(ops, old,
// hlc, key) returns the new record, or null to leave it as it is; hlc() gives
// the next clock stamp. A returned record's seq, if set, replaces the stored
// one (sync sets it; local edits keep it). queue: whether the changed records
// go in the outbox (or a function of the key that says). silent: no page
// needs to know (only the server's seq changed). Returns [{old, rec}] per
// change.
/**
 * @param {string[]} keys
 * @param {(ops: any, old: any, hlc: () => string, key: string) => any} op
 * @param {{queue?: boolean | ((key: string) => boolean), origin?: string, silent?: boolean}} [options]
 */
export async function mutate(keys, op, { queue = true, origin = 'local', silent = false } = {}) {
  const ops = await api();
  const d = await db();
  const tx = d.transaction(['threads', 'summaries', 'searchIndex', 'outbox', 'meta'], 'readwrite');
  const threads = tx.objectStore('threads'), summaries = tx.objectStore('summaries');
  const index = tx.objectStore('searchIndex');
  const outbox = tx.objectStore('outbox'), meta = tx.objectStore('meta');
  const changed = [];
  const work = (async () => {
    let device = (await req(meta.get('deviceId')))?.v;
    if (!device) {
      device = ops.newDeviceId();
      meta.put({ k: 'deviceId', v: device });
    }
    // The device's clock is read and advanced in this transaction, so two
    // contexts editing at once never issue the same stamp.
    let last = (await req(meta.get('clock')))?.v ?? '';
    const hlc = () => (last = ops.nextClock(last, device));
    for (const key of keys) {
      const old = await req(threads.get(key));
      const out = op(ops, old, hlc, key);
      if (!out) continue;
      const rec = { ...out, key: out.id, seq: out.seq ?? old?.seq ?? 0 };
      // Observe: the next local edit must be ordered after what we store.
      // (HLC texts compare as strings in clock order.)
      const seen = ops.maxClock(rec);
      if (seen > last) last = seen;
      threads.put(rec);
      if (rec.deleted || !rec.thread) {
        summaries.delete(rec.key);
        index.delete(rec.key);
      } else {
        const [summary, words] = splitRow(indexRow(rec, listTitle(ops, rec.thread), ops.newPosts(rec).count));
        summaries.put(summary);
        index.put(words);
      }
      if (typeof queue === 'function' ? queue(rec.key) : queue) outbox.add({ key: rec.key, at: Date.now() });
      changed.push({ old, rec });
    }
    meta.put({ k: 'clock', v: last });
  })().catch((e) => {
    try { tx.abort(); } catch { /* already finished */ }
    throw e;
  });
  await Promise.all([work, done(tx).catch((e) => work.then(() => { throw e; }))]);
  if (changed.length && !silent) announce(changed.map((c) => c.rec.key), origin);
  return changed;
}

export async function get(key) {
  const d = await db();
  return req(d.transaction('threads').objectStore('threads').get(key));
}

function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }

function postsDiff(before, after) {
  const old = new Map((before?.posts ?? []).map((p) => [p.id, JSON.stringify(p)]));
  let added = 0, changed = 0;
  for (const p of after?.posts ?? []) {
    const o = old.get(p.id);
    if (o === undefined) added++;
    else if (o !== JSON.stringify(p)) changed++;
  }
  return { added, changed };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// save stores a thread, or merges a fresh capture into the saved copy (new
// posts added, none duplicated or lost). tags are added to the saved ones;
// a note replaces the saved one. The result says in words what happened, for
// the reader's Save button to show.
/**
 * @param {any} thread
 * @param {{tags?: string[], note?: string, savedAt?: string}} [options]
 */
export async function save(thread, { tags, note, savedAt } = {}) {
  const key = await threadKey(thread);
  let info;
  await mutate([key], (ops, old, hlc) => {
    const live = old && !old.deleted;
    let rec = ops.save(old ?? null, thread, savedAt ?? new Date().toISOString(), hlc());
    const diff = postsDiff(live ? old.thread : null, rec.thread);
    const addTags = (tags ?? []).filter((t) => !rec.tags.includes(String(t).trim()));
    if (addTags.length) rec = ops.setTags(rec, [...rec.tags, ...addTags], hlc());
    if (note !== undefined && note !== rec.note) rec = ops.setNote(rec, note, hlc());
    const status = !old ? 'added' : !live ? 'restored'
      : diff.added || diff.changed || addTags.length || !same(old.note, rec.note) ? 'updated' : 'unchanged';
    info = { status, ...diff, posts: rec.thread.posts.length };
    // Even a re-save that brings nothing new is written: saving is the
    // user saying "keep this", and its newer capture clock is what lets it
    // win over a delete made meanwhile on another device not seen here yet.
    return rec;
  });
  const { status, added, changed, posts } = info;
  const message = {
    added: `Saved ${plural(posts, 'post')}.`,
    restored: `Saved again (${plural(posts, 'post')}).`,
    updated: added
      ? `Already saved — added ${plural(added, 'new post')}${changed ? `, updated ${changed}` : ''}.`
      : changed ? `Already saved — updated ${plural(changed, 'post')}.` : 'Already saved — tags and note updated.',
    unchanged: 'Already saved — nothing new.',
  }[status];
  return { status, key, added, changed, posts, message };
}

export async function setTags(key, tags) {
  await mutate([key], (ops, old, hlc) => (old && !old.deleted ? ops.setTags(old, tags, hlc()) : null));
}

export async function addTag(keys, tag) {
  await mutate(keys, (ops, old, hlc) =>
    old && !old.deleted && !old.tags.includes(tag) ? ops.setTags(old, [...old.tags, tag], hlc()) : null);
}

export async function setNote(key, note) {
  await mutate([key], (ops, old, hlc) => (old && !old.deleted ? ops.setNote(old, note, hlc()) : null));
}

// setReadPosition records how far the thread has been read ({postId,
// progress 0..1}); it syncs like any edit, so another device opens the
// thread where this one left it.
export async function setReadPosition(key, pos) {
  await mutate([key], (ops, old, hlc) => {
    // When the thread was last opened (markSeen) stays with the position.
    const seenAt = old?.readPosition?.seenAt;
    const next = seenAt && pos && !pos.seenAt ? { ...pos, seenAt } : pos;
    return old && !old.deleted && JSON.stringify(old.readPosition ?? null) !== JSON.stringify(next) ? ops.setReadPosition(old, next, hlc()) : null;
  });
}

// setKeepCurrent sets the thread's own keep-current switch (true, false,
// or null for the default); it syncs with the thread, the last switch by
// the sync clock winning on every device.
export async function setKeepCurrent(key, on) {
  await mutate([key], (ops, old, hlc) =>
    (old && !old.deleted && (old.keepCurrent ?? null) !== (typeof on === 'boolean' ? on : null) ? ops.setKeepCurrent(old, on, hlc()) : null));
}

// refresh merges a later reading of a saved thread at its source (keep
// current: thread.Follow's rules in the WASM) and returns what changed
// ({added, edited, removed, restored}); null when the thread is not in the
// library. A refresh that finds nothing new writes nothing.
export async function refresh(key, thread, now = new Date().toISOString()) {
  let changes = null;
  await mutate([key], (ops, old, hlc) => {
    if (!old || old.deleted || !old.thread) return null;
    const r = ops.refresh(old, thread, now, hlc());
    changes = r.changes;
    return changes.added || changes.edited || changes.removed || changes.restored ? r.saved : null;
  });
  return changes;
}

// markSeen records that the thread was opened to read now (its posts stop
// counting as new), keeping the read position; it syncs with it.
export async function markSeen(key, seenAt = new Date().toISOString()) {
  await mutate([key], (ops, old, hlc) =>
    (old && !old.deleted && ops.newPosts(old).count > 0 ? ops.setReadPosition(old, { postId: old.thread?.posts?.[0]?.id ?? '', ...old.readPosition, seenAt }, hlc()) : null));
}

// remove deletes threads (a tombstone stays so the delete reaches every
// device). It returns the records as they were, which undoRemove takes.
export async function remove(keys) {
  const changed = await mutate(keys, (ops, old, hlc) => (old && !old.deleted ? ops.remove(old, hlc()) : null));
  return changed.map((c) => c.old);
}

// undoRemove saves the removed threads again, with the tags and note they
// had: a delete clears the older tags and note too, so they are written anew.
export async function undoRemove(before) {
  const byKey = new Map(before.map((r) => [r.key, r]));
  await mutate([...byKey.keys()], (ops, old, hlc) => {
    const was = byKey.get(old?.key);
    if (!was?.thread || !old?.deleted) return null;
    let rec = ops.save(old, was.thread, was.savedAt, hlc());
    if (was.tags.length) rec = ops.setTags(rec, was.tags, hlc());
    if (was.note) rec = ops.setNote(rec, was.note, hlc());
    return rec;
  });
}

// rows returns the summaries of every live thread (what the list shows).
// Rows that disagree with the thread store in a way counting shows (more
// list rows than threads, list and words of different sizes, an empty list
// over saved threads) are rebuilt from the threads first.
export async function rows() {
  const d = await db();
  const stores = ['threads', ...derivedStores(DB_VERSION)];
  const [threads, summaries, words] = await (async () => {
    const tx = d.transaction(stores);
    return Promise.all(stores.map((s) => req(tx.objectStore(s).count())));
  })();
  if (summaries !== words || summaries > threads || (summaries === 0 && threads > 0)) {
    const ops = await api();
    const tx = d.transaction(stores, 'readwrite');
    rebuildDerived(tx, DB_VERSION, ops);
    await done(tx);
  }
  return req(d.transaction('summaries').objectStore('summaries').getAll());
}

// words returns the searchIndex rows ({key, words}) of every live thread.
export async function words() {
  const d = await db();
  return req(d.transaction('searchIndex').objectStore('searchIndex').getAll());
}

// all returns every thread record, tombstones included.
export async function all() {
  const d = await db();
  return req(d.transaction('threads').objectStore('threads').getAll());
}

// mergeIn merges records from elsewhere (an import, another device) into the
// library with the shared merge. seqOf(record) gives the server seq to store
// with it (sync), or undefined to keep the local one. Imports are queued for
// sync; records pulled from the server are not echoed back. Returns how many
// were added, changed, or already there, and which failed: a record the
// merge refuses (it fails validation, or comes from a newer Unspool) is
// skipped and named ({key, error}), and every other record goes in.
/**
 * @param {any[]} incoming
 * @param {{queue?: boolean, origin?: string, seqOf?: (rec: any) => number | undefined}} [options]
 */
export async function mergeIn(incoming, { queue = false, origin = 'sync', seqOf = () => undefined } = {}) {
  const byKey = new Map();
  for (const r of incoming) byKey.set(r.id, byKey.has(r.id) ? [...byKey.get(r.id), r] : [r]);
  let added = 0, updated = 0, unchanged = 0;
  const touched = [], failed = [], movable = [];
  await mutate([...byKey.keys()], (ops, old, _hlc, key) => {
    let rec = old ?? null;
    try {
      for (const inc of byKey.get(key)) rec = ops.merge(rec, inc);
    } catch (e) {
      failed.push({ key, error: e.message });
      return null;
    }
    // Server seqs only grow: a pull page read before our own push was
    // answered must not take the record's seq back.
    const pulled = seqOf(byKey.get(key).at(-1));
    const seq = pulled === undefined ? undefined : Math.max(old?.seq ?? 0, pulled);
    const before = old ? JSON.stringify(plainOf(old)) : null;
    if (before === JSON.stringify(plainOf(rec))) {
      unchanged++;
      // Same content: only the server's seq may need recording.
      return seq !== undefined && seq !== old.seq ? { ...rec, seq } : null;
    }
    if (old) updated++; else added++;
    touched.push(key);
    if (mayMove(rec)) movable.push(key);
    return seq === undefined ? rec : { ...rec, seq };
  }, { queue, origin, silent: true });
  // Pages hear of real changes only, not of seqs recorded.
  if (touched.length) announce(touched, origin);
  if (movable.length) await relocate(movable);
  return { added, updated, unchanged, failed };
}

// mayMove says whether a record is of a source whose platform an earlier
// version named otherwise (Go's list, shared/thread RenamedPlatforms): only
// those are asked of Go (ops.moved), not every record a sync brings.
export function mayMove(rec) {
  const t = rec && !rec.deleted ? rec.thread : null;
  return Boolean(t) && renamedPlatforms.some((r) => r.platform === t.platform && r.source === t.source);
}

// relocate moves the records of keys (all of them when keys is omitted)
// that an earlier version saved under a key their thread no longer has: Go
// says where each belongs (ops.moved); the record is merged there and the
// old one deleted, in one transaction, and both are queued, so every
// device follows. Returns how many moved.
/** @param {string[]} [keys] */
export async function relocate(keys) {
  const ops = await api();
  const recs = keys ? await Promise.all(keys.map(get)) : await all();
  const targets = new Map();
  for (const r of recs) {
    if (!mayMove(r)) continue;
    // A record the merge rules refuse stays as it is (mergeIn names it).
    let m = null;
    try { m = ops.moved(r); } catch { /* left where it is */ }
    if (m) targets.set(r.key, m.id);
  }
  if (!targets.size) return 0;
  // The old keys come first: each is read again inside the transaction, so
  // an edit made since the look above moves with it.
  const arriving = new Map();
  let moved = 0;
  await mutate([...targets.keys(), ...new Set(targets.values())], (o, old, hlc, key) => {
    if (targets.has(key)) {
      const m = old && !old.deleted && old.thread ? o.moved(old) : null;
      if (!m) return null;
      arriving.set(m.id, [...(arriving.get(m.id) ?? []), m]);
      moved++;
      return o.remove(old, hlc());
    }
    let rec = old ?? null;
    for (const m of arriving.get(key) ?? []) rec = o.merge(rec, m);
    return rec === old ? null : rec;
  });
  return moved;
}

function plainOf(rec) {
  const { key, seq, ...saved } = rec;
  return saved;
}
