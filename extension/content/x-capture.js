// The content-script side of page/x-main-world.js: asks the MAIN-world
// script for the TweetDetail responses it kept. Both run in the same page,
// so the exchange is a pair of synchronous DOM events; the reply name is
// random per request so it cannot be answered by an earlier listener.
(() => {
  const U = globalThis.unspoolContent;
  if (U.xCaptured) return;

  U.xCaptured = (focalId) => {
    const reply = `unspool:x-reply:${crypto.randomUUID()}`;
    let bodies = [];
    const onReply = (e) => {
      try {
        const got = JSON.parse(e.detail);
        if (Array.isArray(got)) bodies = got.filter((b) => typeof b === 'string');
      } catch {
        // a malformed answer is no answer: the DOM path still works
      }
    };
    document.addEventListener(reply, onReply, { once: true });
    document.dispatchEvent(new CustomEvent('unspool:x-request', { detail: JSON.stringify({ reply, focalId }) }));
    document.removeEventListener(reply, onReply);
    return bodies;
  };
})();
