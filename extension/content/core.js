// @ts-check
// The content scripts' shared namespace. The background injects the content
// bundle (main.js and what it imports) into the isolated world on every
// unroll; each file adds its part to globalThis.unspoolContent and returns
// early when it already did (a second unroll in the same page).
(() => {
  if (globalThis.unspoolContent) return;
  const U = (globalThis.unspoolContent = /** @type {any} */ ({}));

  U.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  U.frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

  // ask sends a message to the background router (messages.js) and returns
  // its value, or throws its error. An error with lost set means the
  // background went away before answering (stopped or restarted in the
  // middle; Chrome then rejects, or resolves with nothing): what it was
  // told may be gone with it.
  U.ask = async (type, payload = {}) => {
    let res;
    try {
      res = await chrome.runtime.sendMessage({ type, ...payload });
    } catch (err) {
      throw Object.assign(new Error(`${type}: ${err?.message ?? err}`), { lost: true });
    }
    // No answer at all: the background went away holding the message.
    if (!res) throw Object.assign(new Error(`no answer to ${type}`), { lost: true });
    if (!res.ok) throw new Error(res.error);
    return res.value;
  };

  // askWhole is ask for a message that carries all the background needs,
  // so sending it again is safe. A background that went away is woken by
  // the next message, but Chrome refuses messages while the old one is
  // still shutting down ("Receiving end does not exist"): try a few times.
  U.askWhole = async (type, payload, tries = 5) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await U.ask(type, payload);
      } catch (err) {
        if (!err.lost || attempt >= tries) throw err;
        await U.sleep(100 * attempt);
      }
    }
  };
})();
