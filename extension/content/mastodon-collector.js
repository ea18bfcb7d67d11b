// @ts-check
// Mastodon and the servers that speak its client API with other front ends
// (Pleroma, Akkoma, GoToSocial, Hometown, glitch-soc, and Sharkey's or
// Iceshrimp's Mastodon API): the opened status and its context from the
// server's own public API. Their pages carry little or no post text (the
// front end draws it from this API), so the collector asks the page's own
// origin:
//
//   GET /api/v1/statuses/<id>          the opened status
//   GET /api/v1/statuses/<id>/context  its ancestors and descendants
//
// and passes JSON.stringify({status, context}) to the extractor, which keeps
// the same account id's chain.
//
// A server is recognised by its API, not by its front end or a list of
// domains: on an address shaped like a status page of one of these servers
// (STATUS_PATHS), the status endpoint answering a Status with that very id is
// the proof. The extension holds only activeTab on these sites, so nothing is
// asked before the click; the click grants the page's origin, and the
// requests are same-origin ones the page could make itself. <id> is the
// server's local id, which is what its API takes.
//
// Credentials omitted: the requests read only what the server shows anyone,
// and a page that merely looks like a status page gains nothing. When the
// API refuses or is absent (Mastodon in "secure mode", private posts, a site
// that only shares the address shape), on a /notes/<id> page the Misskey
// family's own API is asked next (misskey-notes.js: Misskey, or Sharkey
// without its Mastodon API); failing that, the page's HTML goes to the
// extractors, as the generic collector would send it.
import './collect.js';
import './misskey-notes.js';
import './trim.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'mastodon')) return;

  // STATUS_PATHS are the status addresses of the servers' own front ends:
  // Mastodon, Hometown, glitch-soc (/@user/<numeric id>, /@user@host/<id>
  // for a remote account, /deck/… in the advanced UI); GoToSocial
  // (/@user/statuses/<ULID>); Pleroma and Akkoma (/notice/<flake id>);
  // Sharkey and Iceshrimp (/notes/<id>, which their Mastodon API takes).
  // Mastodon's own form stays numeric: /@name/<word> is a profile tab on
  // too many other sites to probe.
  const STATUS_PATHS = [
    /^(?:\/deck)?\/@[^/]+\/(\d{1,32})\/?$/,
    /^\/@[^/]+\/statuses\/([0-9A-Za-z]{1,40})\/?$/,
    /^\/(?:notice|notes)\/([0-9A-Za-z]{1,40})\/?$/,
  ];
  // MISSKEY_PATH is the Misskey family's note page, whose own API is the
  // second road when the Mastodon API is absent.
  const MISSKEY_PATH = /^\/notes\/([0-9A-Za-z]{1,40})\/?$/;
  const TIMEOUT_MS = 10_000;

  function statusId() {
    for (const re of STATUS_PATHS) {
      const m = re.exec(location.pathname);
      if (m) return m[1];
    }
    return null;
  }

  async function getJSON(path, signal) {
    const res = await fetch(new URL(path, location.origin), {
      credentials: 'omit',
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)].filter(Boolean)),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res.json();
  }

  // mastodonThread(id, signal) → JSON.stringify({status, context}) for the
  // status id on this page's server (what collect sends; also a status
  // listed on a profile page).
  U.mastodonThread = async (id, signal) => {
    const [status, context] = await Promise.all([
      getJSON(`/api/v1/statuses/${id}`, signal),
      getJSON(`/api/v1/statuses/${id}/context`, signal),
    ]);
    if (status?.id !== id || !Array.isArray(context?.ancestors) || !Array.isArray(context?.descendants)) {
      throw new Error('the API sent something other than this status and its context');
    }
    return JSON.stringify({ status, context });
  };

  U.registerCollector({
    id: 'mastodon',
    matches: () => statusId() !== null,
    pageURL: () => location.href,
    async collect({ signal, onProgress }) {
      const id = statusId();
      onProgress?.('Asking the server for the thread…');
      try {
        return { content: await U.mastodonThread(id, signal) };
      } catch (err) {
        if (signal?.aborted) throw new Error('cancelled', { cause: err });
        if (MISSKEY_PATH.test(location.pathname)) {
          try {
            return { content: await U.misskeyThread(id, { signal, onProgress }) };
          } catch (err2) {
            if (signal?.aborted) throw new Error('cancelled', { cause: err2 });
            console.warn(`unspool: no Mastodon or Misskey API here (${err.message}; ${err2.message}); reading the page instead`);
            return { content: U.trimPage(document.documentElement) };
          }
        }
        console.warn(`unspool: no Mastodon-compatible API here (${err.message}); reading the page instead`);
        return { content: U.trimPage(document.documentElement) };
      }
    },
  });
})();
