// @ts-check
// The content-script side of main-world/x-capture.js: asks the MAIN-world
// script for the TweetDetail responses it kept, and to follow one of X's
// cursors with the page's own request. Both run in the same page, so the
// exchange is a pair of DOM events; the reply name is random per request so
// it cannot be answered by an earlier listener.
import './core.js';
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

  // xCaptured(focalId, since) → {json: [bodies], followed: [cursors
  // answered], last}: what the page kept after the capture numbered since
  // (0: everything), and the number of the newest (since when none).
  U.xCaptured = async (focalId, since = 0) => {
    const got = await ask({ focalId, op: 'captured', since });
    const kept = Array.isArray(got) ? got.filter((k) => typeof k?.body === 'string' && Number.isSafeInteger(k.seq)) : [];
    return {
      json: kept.map((k) => k.body),
      followed: kept.map((k) => k.cursor).filter((c) => typeof c === 'string' && c),
      last: Math.max(since, ...kept.map((k) => k.seq)),
    };
  };

  // xTimelineCaptured() → the UserTweets bodies the page kept (a profile's
  // posts, for "Threads by @author"), oldest first; [] when none.
  U.xTimelineCaptured = async () => {
    const got = await ask({ op: 'timeline' });
    return Array.isArray(got) ? got.filter((b) => typeof b === 'string') : [];
  };

  // xSession(url, focalId) is one unroll's exchange with the background
  // about X's JSON. The background keeps what it was sent during the
  // session, so each look sends only what the page captured since the last
  // one: a 200-post thread is five answers of ~150 KB, and sending all of
  // them on each of six looks was most of the time between the answers.
  // A background that restarted has forgotten the session: it says so
  // (resend), or went away in the middle of the look, and gets everything
  // again in a new session.
  //   look()         → what the WASM says of the chain now (XChain, with
  //                    sent: how many bodies this look sent, resent:
  //                    whether everything had to be sent again), or
  //                    {empty: true} when the page captured nothing;
  //                    with {onlyNew: true}, null when nothing is new;
  //                    when nothing is new since the last look, that
  //                    look's answer again (reused: true) without asking:
  //                    it depends on the captures alone, so the click's
  //                    first look costs nothing after a look ahead of it;
  //                    with {unroll: clickedAt} (a look of the click), a
  //                    complete chain comes back with the unrolled thread
  //                    (unrolled: reader:unroll's answer)
  //   collected(c)   → {wire, full}: c (html, stoppedBy) with the bodies,
  //                    as the session's background needs it (wire) and
  //                    whole, for a background that forgot it (full)
  U.xSession = (url, focalId) => {
    let id = crypto.randomUUID();
    let since = 0; // the newest capture the background holds
    const all = { json: [], followed: [] };
    let known = null; // the last look's answer: the chain in the captures up to since
    // One exchange at a time: a look ahead of the click (x-collector.js
    // prepare) and the click's own must not both send the same captures.
    let queue = Promise.resolve();
    const inTurn = (fn) => (queue = queue.then(fn, fn));
    const fresh = async () => {
      const got = await U.xCaptured(focalId, since);
      all.json.push(...got.json);
      all.followed.push(...got.followed);
      return got;
    };
    return {
      focalId,
      look: ({ onlyNew = false, unroll = undefined } = {}) => inTurn(async () => {
        const got = await fresh();
        if (since === 0 && got.json.length === 0) return { empty: true }; // no capture in this page
        if (onlyNew && got.json.length === 0) return null;
        if (known && got.json.length === 0) return { ...known, wasmMs: 0, resent: false, sent: 0, reused: true };
        // ahead: a look before any click (only those ask for only what is
        // new), which lets the background's warm-up go on.
        const ask = () => U.ask('reader:x-continuations', { url, session: id, since, ahead: onlyNew, unroll, collected: { json: got.json, followed: got.followed } });
        let chain = await ask().catch((err) => (err.lost ? { resend: true } : Promise.reject(err)));
        const resent = Boolean(chain.resend);
        if (resent) {
          id = crypto.randomUUID(); // a session that may hold part of this is not reused
          chain = await U.askWhole('reader:x-continuations', { url, session: id, since: 0, unroll, collected: all });
        }
        since = got.last;
        known = chain;
        return { ...chain, resent, sent: resent ? all.json.length : got.json.length };
      }),
      collected: (c) => inTurn(async () => {
        const got = await fresh();
        return {
          wire: { ...c, session: id, since, json: got.json, followed: got.followed },
          full: { ...c, json: all.json, followed: all.followed },
        };
      }),
    };
  };

  // xFollow(focalId, cursor) → {ok, status, retryAfterMs?, error?} once the
  // page's request for cursor is answered; the answer joins xCaptured's.
  U.xFollow = async (focalId, cursor) => (await ask({ focalId, op: 'follow', cursor }, { wait: true })) ?? { ok: false, status: 0, error: 'no answer from the page' };
})();
