// The content-script side of page/x-main-world.js: asks the MAIN-world
// script for the TweetDetail responses it kept, and to follow one of X's
// cursors with the page's own request. Both run in the same page, so the
// exchange is a pair of DOM events; the reply name is random per request so
// it cannot be answered by an earlier listener.
(() => {
  const U = globalThis.unspoolContent;
  if (U.xCaptured) return;

  // A followed request that takes longer than this is given up: the
  // scrolling collector takes over.
  const FOLLOW_TIMEOUT_MS = 20_000;

  function ask(question, { wait = false } = {}) {
    const reply = `unspool:x-reply:${crypto.randomUUID()}`;
    return new Promise((resolve) => {
      const onReply = (e) => {
        try {
          resolve(JSON.parse(e.detail));
        } catch {
          resolve(null); // a malformed answer is no answer
        }
      };
      document.addEventListener(reply, onReply, { once: true });
      document.dispatchEvent(new CustomEvent('unspool:x-request', { detail: JSON.stringify({ reply, ...question }) }));
      if (!wait) {
        // "captured" is answered synchronously; no answer means no capture
        // script in this page (not X, or installed after it loaded).
        document.removeEventListener(reply, onReply);
        resolve(null);
      } else {
        setTimeout(() => {
          document.removeEventListener(reply, onReply);
          resolve(null);
        }, FOLLOW_TIMEOUT_MS);
      }
    });
  }

  // xCaptured(focalId) → {json: [bodies], followed: [cursors answered]}.
  U.xCaptured = async (focalId) => {
    const got = await ask({ focalId, op: 'captured' });
    const kept = Array.isArray(got) ? got.filter((k) => typeof k?.body === 'string') : [];
    return { json: kept.map((k) => k.body), followed: kept.map((k) => k.cursor).filter((c) => typeof c === 'string' && c) };
  };

  // xFollow(focalId, cursor) → {ok, status, retryAfterMs?, error?} once the
  // page's request for cursor is answered; the answer joins xCaptured's.
  U.xFollow = async (focalId, cursor) => (await ask({ focalId, op: 'follow', cursor }, { wait: true })) ?? { ok: false, status: 0, error: 'no answer from the page' };
})();
