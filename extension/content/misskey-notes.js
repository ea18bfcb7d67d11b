// @ts-check
// The Misskey family's own API on a /notes/<id> page whose server has no
// Mastodon API (shared/misskey-api.js holds the requests; keep current asks
// the same ones again). The server is recognised by its NodeInfo naming a
// Misskey-family software (MISSKEY_FAMILY: software names, not domains) and
// then by notes/show answering a note with that very id.
import './core.js';
import { MISSKEY_FAMILY, misskeyNote, misskeySoftware } from '../shared/misskey-api.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.misskeyThread) return;

  // misskeyThread returns the JSON for the extractor, or throws why not.
  /** @param {string} id @param {{signal?: AbortSignal, onProgress?: (s: string) => void}} [ctx] */
  U.misskeyThread = async (id, ctx = {}) => {
    const name = await misskeySoftware(location.origin, ctx.signal);
    if (!name || !MISSKEY_FAMILY.has(name)) throw new Error(`NodeInfo names ${name ?? 'no software'}, not a Misskey-family server`);
    return misskeyNote(location.origin, id, ctx);
  };
})();
