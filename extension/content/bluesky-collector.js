// @ts-check
// Bluesky (bsky.app post pages): the thread as the public AppView serves it.
// bsky.app renders posts from this very API, and its page holds only what
// is on screen (no quotes' media, no card details, relative times), so the
// collector asks the AppView for the post the user is on:
//
//   GET https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread
//       ?uri=at://<handle>/app.bsky.feed.post/<rkey>&depth=1000&parentHeight=1000
//
// This is the only network request the extension makes for Bluesky. The
// background makes it (bluesky-appview.js), because Firefox holds a content
// script's fetch to the page's connect-src, which does not name the AppView
// (Chromium does not): here the collector only names the post. The request
// carries no cookies (credentials omitted), names only the post already in
// the address bar, and goes to a fixed address: nothing on the page chooses
// where it goes. If it fails (offline, blocked, an error status, no answer
// in 10 s), the page's own HTML — the rendered thread view — goes to the DOM
// extractor instead.
//
// Tests map bsky.app and public.api.bsky.app to a local server (Chromium's
// --host-resolver-rules, a proxy in Firefox), so this exact request is the
// one tested, in both browsers; there is deliberately no way to point it
// elsewhere.
import './collect.js';
import './trim.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'bluesky')) return;

  const HOSTS = /^(bsky\.app|staging\.bsky\.app|main\.bsky\.dev)$/i;
  // /profile/<handle or did>/post/<rkey>; rkeys are TIDs (base32-sortable).
  const POST_PATH = /^\/profile\/([^/]+)\/post\/([A-Za-z0-9._:~-]{1,512})\/?$/;

  // post names the post at `at` (this page by default): {actor, rkey}, or
  // null when it is not a Bluesky post address.
  /** @param {{hostname: string, pathname: string}} [at] */
  function post(at = location) {
    if (!HOSTS.test(at.hostname)) return null;
    const m = POST_PATH.exec(at.pathname);
    if (!m) return null;
    return { actor: decodeURIComponent(m[1]), rkey: m[2] };
  }

  // blueskyThread(url) → the AppView's getPostThread answer for the post at
  // url (what collect sends), for a post listed on a profile page.
  U.blueskyThread = (url) => {
    const p = post(new URL(url));
    if (!p) return Promise.reject(new Error(`not a Bluesky post address: ${url}`));
    return U.askWhole('reader:bluesky-thread', p);
  };

  // Settles (rejects) when signal aborts: the background's request runs on
  // to its own timeout, and its late answer is dropped.
  const aborted = (signal) => new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('cancelled'));
    signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
  });

  U.registerCollector({
    id: 'bluesky',
    matches: () => post() !== null,
    pageURL: () => location.href,
    async collect({ signal, onProgress }) {
      onProgress?.('Asking Bluesky for the thread…');
      try {
        const ask = U.askWhole('reader:bluesky-thread', post());
        return { content: await (signal ? Promise.race([ask, aborted(signal)]) : ask) };
      } catch (err) {
        if (signal?.aborted) throw new Error('cancelled', { cause: err });
        // The page still shows the thread: read that. A warning, not an
        // error: the reader opens all the same.
        console.warn(`unspool: Bluesky API unavailable (${err.message}); reading the page instead`);
        return { content: U.trimPage(document.documentElement) };
      }
    },
  });
})();
