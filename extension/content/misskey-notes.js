// @ts-check
// The Misskey family's own API (Misskey, Sharkey, Iceshrimp, Firefish,
// CherryPick, …), for a /notes/<id> page whose server has no Mastodon API:
// the requests its own web client makes for a note page, on the page's own
// origin, credentials omitted.
//
//   GET  /.well-known/nodeinfo, then the NodeInfo 2.x document it links
//        (same origin only): software.name says which software it is
//   POST /api/notes/show {noteId}                  the opened note
//   POST /api/notes/conversation {noteId, limit}   its ancestors, nearest first
//   POST /api/notes/children {noteId, limit}       the direct replies (and
//        quotes) of the note, then of each of its author's own replies, down
//        the author's branches
//
// The server is recognised by its NodeInfo naming a Misskey-family software
// (MISSKEY_FAMILY: software names, not domains) and then by notes/show
// answering a note with that very id. The extractor receives
// JSON.stringify({note, conversation, children}) and keeps the author's
// chain (shared/extract/misskey.go); here only the ids needed to ask the next
// request are read.
import './core.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.misskeyThread) return;

  // MISSKEY_FAMILY are NodeInfo software names of servers that run Misskey's
  // API (forks keep it). Iceshrimp.NET, a rewrite, is not one: it speaks the
  // Mastodon API, which the Mastodon road reads first.
  const MISSKEY_FAMILY = new Set(['misskey', 'sharkey', 'iceshrimp', 'firefish', 'calckey', 'foundkey', 'cherrypick', 'catodon', 'meisskey']);
  // NODEINFO_REL is the NodeInfo 2.x link relation (2.0, 2.1).
  const NODEINFO_REL = /^http:\/\/nodeinfo\.diaspora\.software\/ns\/schema\/2\.\d$/;
  // The API's page size; the most notes/children and notes/conversation give.
  const PAGE = 100;
  // At most this many notes/children requests: one per note of the author's
  // branches, so the longest thread read is about this long.
  const MAX_CHILDREN_REQUESTS = 200;
  const TIMEOUT_MS = 10_000;

  async function call(method, path, body, signal) {
    const res = await fetch(new URL(path, location.origin), {
      method,
      credentials: 'omit',
      headers: body ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)].filter(Boolean)),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res.json();
  }

  // software is the server's NodeInfo software name, or null.
  async function software(signal) {
    const index = await call('GET', '/.well-known/nodeinfo', null, signal);
    const link = (Array.isArray(index?.links) ? index.links : []).find((l) => NODEINFO_REL.test(l?.rel ?? ''));
    const href = link && new URL(String(link.href), location.origin);
    if (!href || href.origin !== location.origin) return null;
    const info = await call('GET', href.pathname + href.search, null, signal);
    const name = info?.software?.name;
    return typeof name === 'string' ? name.toLowerCase() : null;
  }

  // misskeyThread returns the JSON for the extractor, or throws why not.
  /** @param {string} id @param {{signal?: AbortSignal, onProgress?: (s: string) => void}} [ctx] */
  U.misskeyThread = async (id, { signal, onProgress } = {}) => {
    const name = await software(signal);
    if (!name || !MISSKEY_FAMILY.has(name)) throw new Error(`NodeInfo names ${name ?? 'no software'}, not a Misskey-family server`);
    const note = await call('POST', '/api/notes/show', { noteId: id }, signal);
    if (note?.id !== id || typeof note?.userId !== 'string') throw new Error('notes/show sent something other than this note');
    const conversation = note.replyId ? await call('POST', '/api/notes/conversation', { noteId: id, limit: PAGE }, signal) : [];
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
      const replies = await call('POST', '/api/notes/children', { noteId: at, limit: PAGE }, signal);
      if (!Array.isArray(replies)) throw new Error('notes/children sent no list');
      children.push(...replies);
      for (const r of replies) if (r?.userId === note.userId && r?.replyId === at && typeof r.id === 'string') queue.push(r.id);
    }
    return JSON.stringify({ note, conversation, children });
  };
})();
