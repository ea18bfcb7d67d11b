// @ts-check
// The Misskey family's own API (Misskey, Sharkey, Iceshrimp, Firefish,
// CherryPick, …) for one note, on a given server: what the collector asks
// on a /notes/<id> page whose server has no Mastodon API
// (content/misskey-notes.js, the page's own origin) and what keep current
// asks again for a saved Misskey thread (background/keep-current.js, the
// server it was read on). Credentials omitted.
//
//   GET  /.well-known/nodeinfo, then the NodeInfo 2.x document it links
//        (same origin only): software.name says which software it is
//   POST /api/notes/show {noteId}                  the opened note
//   POST /api/notes/conversation {noteId, limit}   its ancestors, nearest first
//   POST /api/notes/children {noteId, limit}       the direct replies (and
//        quotes) of the note, then of each of its author's own replies, down
//        the author's branches
//
// The extractor receives JSON.stringify({note, conversation, children}) and
// keeps the author's chain (shared/extract/misskey.go); here only the ids
// needed to ask the next request are read.

// MISSKEY_FAMILY are NodeInfo software names of servers that run Misskey's
// API (forks keep it). Iceshrimp.NET, a rewrite, is not one: it speaks the
// Mastodon API, which the Mastodon road reads first.
export const MISSKEY_FAMILY = new Set(['misskey', 'sharkey', 'iceshrimp', 'firefish', 'calckey', 'foundkey', 'cherrypick', 'catodon', 'meisskey']);
// NODEINFO_REL is the NodeInfo 2.x link relation (2.0, 2.1).
const NODEINFO_REL = /^http:\/\/nodeinfo\.diaspora\.software\/ns\/schema\/2\.\d$/;
// A note id of the family (aid, aidx, meid or ObjectId): letters and digits.
export const NOTE_ID = /^[0-9A-Za-z]{1,40}$/;
// The API's page size; the most notes/children and notes/conversation give.
const PAGE = 100;
// At most this many notes/children requests: one per note of the author's
// branches, so the longest thread read is about this long.
const MAX_CHILDREN_REQUESTS = 200;
const TIMEOUT_MS = 10_000;

/** An answer that is not 2xx; status says which. */
export class MisskeyAPIError extends Error {
  constructor(path, status) {
    super(`${path} answered ${status}`);
    this.status = status;
  }
}

async function call(origin, method, path, body, signal) {
  const res = await fetch(new URL(path, origin), {
    method,
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    headers: body ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)].filter((s) => s instanceof AbortSignal)),
  });
  if (!res.ok) throw new MisskeyAPIError(path, res.status);
  return res.json();
}

// misskeySoftware is the server's NodeInfo software name, or null.
/** @param {string} origin @param {AbortSignal} [signal] */
export async function misskeySoftware(origin, signal) {
  const index = await call(origin, 'GET', '/.well-known/nodeinfo', null, signal);
  const link = (Array.isArray(index?.links) ? index.links : []).find((l) => NODEINFO_REL.test(l?.rel ?? ''));
  const href = link && new URL(String(link.href), origin);
  if (!href || href.origin !== new URL(origin).origin) return null;
  const info = await call(origin, 'GET', href.pathname + href.search, null, signal);
  const name = info?.software?.name;
  return typeof name === 'string' ? name.toLowerCase() : null;
}

// misskeyNote reads note id and its thread's notes on the server at origin:
// the JSON for the extractor, or throws why not.
/** @param {string} origin @param {string} id @param {{signal?: AbortSignal, onProgress?: (s: string) => void}} [ctx] */
export async function misskeyNote(origin, id, { signal, onProgress } = {}) {
  if (!NOTE_ID.test(id)) throw new Error(`not a Misskey note id: ${String(id).slice(0, 60)}`);
  const note = await call(origin, 'POST', '/api/notes/show', { noteId: id }, signal);
  if (note?.id !== id || typeof note?.userId !== 'string') throw new Error('notes/show sent something other than this note');
  const conversation = note.replyId ? await call(origin, 'POST', '/api/notes/conversation', { noteId: id, limit: PAGE }, signal) : [];
  if (!Array.isArray(conversation)) throw new Error('notes/conversation sent no list');
  // Down the author's own branches, breadth first: the extractor picks the
  // chain among them.
  const children = [];
  const queue = [id];
  const asked = new Set();
  while (queue.length && asked.size < MAX_CHILDREN_REQUESTS) {
    const at = /** @type {string} */ (queue.shift());
    if (asked.has(at)) continue;
    asked.add(at);
    onProgress?.(`Reading the replies (${asked.size})…`);
    const replies = await call(origin, 'POST', '/api/notes/children', { noteId: at, limit: PAGE }, signal);
    if (!Array.isArray(replies)) throw new Error('notes/children sent no list');
    children.push(...replies);
    for (const r of replies) if (r?.userId === note.userId && r?.replyId === at && typeof r.id === 'string') queue.push(r.id);
  }
  return JSON.stringify({ note, conversation, children });
}
