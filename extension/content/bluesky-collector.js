// @ts-check
// Bluesky (bsky.app post pages): the thread as the public AppView serves it.
// bsky.app renders posts from this very API, and its page holds only what
// is on screen (no quotes' media, no card details, relative times), so the
// collector asks the AppView for the post the user is on:
//
//   GET https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread
//       ?uri=at://<handle>/app.bsky.feed.post/<rkey>&depth=1000&parentHeight=1000
//
// This is the only network request the extension makes for Bluesky. It
// carries no cookies (credentials omitted), names only the post already in
// the address bar, and goes to a fixed address: nothing on the page chooses
// where it goes. The AppView answers any origin
// (access-control-allow-origin: *), so it needs no host permission; the
// content script's fetch is not bound by the page's connect-src.
// If it fails (offline, blocked, an error status), the page's own HTML —
// the rendered thread view — goes to the DOM extractor instead.
//
// Tests map bsky.app and public.api.bsky.app to a local server (Chromium's
// --host-resolver-rules), so this exact request is the one tested; there is
// deliberately no way to point it elsewhere.
import './collect.js';
import './trim.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'bluesky')) return;

  const APPVIEW = 'https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread';
  const HOSTS = /^(bsky\.app|staging\.bsky\.app|main\.bsky\.dev)$/i;
  // /profile/<handle or did>/post/<rkey>; rkeys are TIDs (base32-sortable).
  const POST_PATH = /^\/profile\/([^/]+)\/post\/([A-Za-z0-9._:~-]{1,512})\/?$/;
  // The whole thread, however deep: getPostThread caps both at 1000.
  const DEPTH = 1000;
  const TIMEOUT_MS = 10_000;

  function post() {
    if (!HOSTS.test(location.hostname)) return null;
    const m = POST_PATH.exec(location.pathname);
    if (!m) return null;
    return { actor: decodeURIComponent(m[1]), rkey: m[2] };
  }

  async function fetchThread({ actor, rkey }, signal) {
    const u = new URL(APPVIEW);
    u.searchParams.set('uri', `at://${actor}/app.bsky.feed.post/${rkey}`);
    u.searchParams.set('depth', String(DEPTH));
    u.searchParams.set('parentHeight', String(DEPTH));
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const res = await fetch(u, {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([signal, timeout].filter(Boolean)),
    });
    if (!res.ok) throw new Error(`the Bluesky AppView answered ${res.status}`);
    const text = await res.text();
    // Only a thread goes on; an error object or anything else falls back.
    if (!JSON.parse(text)?.thread) throw new Error('the Bluesky AppView sent no thread');
    return text;
  }

  U.registerCollector({
    id: 'bluesky',
    matches: () => post() !== null,
    pageURL: () => location.href,
    async collect({ signal, onProgress }) {
      onProgress?.('Asking Bluesky for the thread…');
      try {
        return { content: await fetchThread(post(), signal) };
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
