// Mastodon (any instance): the opened status and its context from the
// instance's own public API. The web UI's HTML carries almost no text (the
// app draws it from this API), so the collector asks the page's own origin:
//
//   GET /api/v1/statuses/<id>          the opened status
//   GET /api/v1/statuses/<id>/context  its ancestors and descendants
//
// and passes JSON.stringify({status, context}) to the extractor, which keeps
// the same account id's chain. Instances are recognised by the page, not by
// a list of domains: the web UI's mount point (<div id="mastodon">) or its
// initial-state data block, on a status address (/@user/<id>, /@user@host/<id>
// for a remote account, /deck/… in the advanced UI). <id> is the instance's
// local id, which is what its API takes.
//
// Same origin, credentials omitted: the requests read only what the instance
// shows anyone, and a page that merely looks like Mastodon gains nothing —
// it could fetch its own origin itself. When the API refuses (instances in
// "secure mode" ask for a login, private posts), the page's HTML goes to the
// web UI DOM extractor instead.
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'mastodon')) return;

  const STATUS_PATH = /^(?:\/deck)?\/@[^/]+\/(\d{1,32})\/?$/;
  const UI_MARKERS = 'div#mastodon, script#initial-state[type="application/json"]';
  const TIMEOUT_MS = 10_000;

  function statusId() {
    const m = STATUS_PATH.exec(location.pathname);
    if (!m || !document.querySelector(UI_MARKERS)) return null;
    return m[1];
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

  U.registerCollector({
    id: 'mastodon',
    matches: () => statusId() !== null,
    pageURL: () => location.href,
    async collect({ signal, onProgress }) {
      const id = statusId();
      onProgress?.('Asking the instance for the thread…');
      try {
        const [status, context] = await Promise.all([
          getJSON(`/api/v1/statuses/${id}`, signal),
          getJSON(`/api/v1/statuses/${id}/context`, signal),
        ]);
        if (status?.id !== id || !Array.isArray(context?.ancestors) || !Array.isArray(context?.descendants)) {
          throw new Error('the API sent something other than this status and its context');
        }
        return { content: JSON.stringify({ status, context }) };
      } catch (err) {
        if (signal?.aborted) throw new Error('cancelled');
        console.warn(`unspool: Mastodon API unavailable (${err.message}); reading the page instead`);
        return { content: U.trimPage(document.documentElement) };
      }
    },
  });
})();
