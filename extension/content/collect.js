// @ts-check
// Collectors gather what a page holds of a thread, for the WASM extractor.
// One collector per platform registers itself here; the first whose
// matches() accepts the page is used, and the generic one (whole-page HTML)
// comes last. A collector returns either
//   {html: [cell HTML…], json: [API bodies…], stoppedBy}  → unspool.extractCollected
//   {content: "page HTML or JSON"}                          → unspool.extract
// stoppedBy is "boundary" | "end" | "limit" | "cancelled".
import './core.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors) return;

  U.collectors = [];

  // Limits for scrolling collectors: the time and the number of scroll steps
  // after which collection stops with stoppedBy "limit".
  U.COLLECT_LIMITS = Object.freeze({ timeMs: 30_000, steps: 400 });

  // shownClock measures a scrolling collection in the time its tab was
  // shown, and lets it wait while the tab is hidden. A hidden tab gets no
  // frames (Chromium) or one a second (Firefox), and virtualised lists mount
  // cells on frames: walking it stalls or crawls, and a clock that kept
  // running would stop the walk at timeMs with part of the thread — for a
  // user who only looked at another tab meanwhile.
  //   elapsed()      ms since the clock started, the hidden time left out;
  //   shown(signal)  resolves when the tab is shown (at once if it is), or
  //                  when signal aborts;
  //   stop()         forgets the tab's visibility changes.
  U.shownClock = () => {
    const t0 = performance.now();
    let hiddenMs = 0;
    let hiddenSince = document.hidden ? t0 : null;
    const onChange = () => {
      if (document.hidden) hiddenSince ??= performance.now();
      else if (hiddenSince !== null) {
        hiddenMs += performance.now() - hiddenSince;
        hiddenSince = null;
      }
    };
    document.addEventListener('visibilitychange', onChange);
    const shown = (signal) => new Promise((resolve) => {
      const check = () => {
        if (document.hidden && !signal.aborted) return;
        document.removeEventListener('visibilitychange', check);
        signal.removeEventListener('abort', check);
        resolve(undefined);
      };
      document.addEventListener('visibilitychange', check);
      signal.addEventListener('abort', check);
      check();
    });
    return {
      elapsed: () => performance.now() - t0 - hiddenMs - (hiddenSince === null ? 0 : performance.now() - hiddenSince),
      shown,
      stop: () => document.removeEventListener('visibilitychange', onChange),
    };
  };

  // registerCollector adds c = {id, matches(), pageURL(), collect(ctx)};
  // `last` keeps the catch-all behind every specific one.
  U.registerCollector = (c, { last = false } = {}) => {
    U.collectors.push({ ...c, last });
    U.collectors.sort((a, b) => a.last - b.last); // stable: registration order otherwise
  };

  U.pickCollector = () => U.collectors.find((c) => c.matches());

  // settle waits two frames (virtualised lists mount cells in the frame
  // after a scroll event), then until `root` has not changed for quietMs,
  // or maxMs passed. A scroll step is only harvested once the list settled.
  U.settle = async (root, { quietMs = 60, maxMs = 400 } = {}) => {
    await U.frame();
    await U.frame();
    return new Promise((resolve) => {
      let quietTimer;
      const done = () => {
        obs.disconnect();
        clearTimeout(quietTimer);
        clearTimeout(maxTimer);
        resolve(undefined);
      };
      const obs = new MutationObserver(() => {
        clearTimeout(quietTimer);
        quietTimer = setTimeout(done, quietMs);
      });
      obs.observe(root, { childList: true, subtree: true, characterData: true });
      quietTimer = setTimeout(done, quietMs);
      const maxTimer = setTimeout(done, maxMs);
    });
  };

  // OrderedKeys keeps keys in page order while a virtualised list shows only
  // a window of them at a time: a key first seen is placed after the nearest
  // earlier key of the same window that is already known.
  U.OrderedKeys = class {
    constructor() {
      this.keys = [];
    }
    has(k) {
      return this.keys.includes(k);
    }
    // addWindow takes the keys visible now, in page order.
    addWindow(windowKeys) {
      windowKeys.forEach((k, i) => {
        if (this.has(k)) return;
        const before = windowKeys.slice(0, i).reverse().find((x) => this.has(x));
        if (before !== undefined) {
          this.keys.splice(this.keys.indexOf(before) + 1, 0, k);
          return;
        }
        const after = windowKeys.slice(i + 1).find((x) => this.has(x));
        if (after !== undefined) this.keys.splice(this.keys.indexOf(after), 0, k);
        else this.keys.push(k);
      });
    }
    // dropFrom forgets k and every key after it: what was seen below a
    // place that changed is placed again when seen again.
    dropFrom(k) {
      const i = this.keys.indexOf(k);
      if (i >= 0) this.keys.length = i;
    }
  };
})();
