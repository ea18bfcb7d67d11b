// @ts-check
// X (x.com, twitter.com): the author's chain of a status page, from X's own
// data first. The page has already fetched TweetDetail JSON (copied by
// main-world/x-capture.js); the WASM decides from it alone whether the chain is
// complete (unspool.xContinuations) and, when X held part of it back behind
// a cursor, names the cursor, which the page's own request then loads —
// one at a time, answers merged as they arrive. Only what that cannot give
// (no capture: the extension came after the page; a request refused) is
// collected by scrolling: X's list is virtualised — only cells near the
// viewport are in the DOM — so the page is walked in steps, and each step's
// cells are stored by status id before they unmount. Gaps in the author's
// chain ("Show more replies") are opened; scrolling stops at the first post
// by someone else after the chain, at "Discover more", at the end of the
// page, or at the limits in collect.js (which count only the time the tab
// is shown: the walk waits while it is hidden).
import './collect.js';
import './trim.js';
import './x-capture.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'x')) return;

  // Only data-testid and roles are stable in X's markup; class names change
  // with every build.
  const SEL = {
    cell: '[data-testid="cellInnerDiv"]',
    tweet: 'article[data-testid="tweet"]',
    // The post's own permalink wraps its <time>; a quoted post's time is not
    // inside a status link, so the first match is the cell's own post.
    permalinkTime: 'a[href*="/status/"] time',
    statusLink: 'a[href*="/status/"]',
    promoted: '[data-testid="placementTracking"]',
    clickable: 'a[href], button, [role="button"], [role="link"]',
    heading: 'h2, [role="heading"]',
  };
  const STATUS_PATH = /^\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/(\d+)/;
  // Gap cells: a cell without a post whose link or button loads hidden
  // replies. "Show probable spam"/"additional replies" are X's filters
  // for other people's replies, never the author's chain.
  const GAP_TEXT = /^\s*show (more )?replies\s*$/i;
  // The end of the conversation: X's recommendation shelf.
  const DISCOVER_TEXT = /^\s*(discover more|more posts)\s*$/i;
  const HOSTS = /(^|\.)(x\.com|twitter\.com)$/i;

  // A page saved or mirrored elsewhere still names its X status in a
  // canonical link; extraction needs that URL.
  // focalIdOf is the post id of a status address statusURL gave.
  const focalIdOf = (url) => STATUS_PATH.exec(new URL(url).pathname)[2];
  // xFocalId is the id of the post this page shows, '' on another page.
  U.xFocalId = () => {
    const url = statusURL();
    return url ? focalIdOf(url) : '';
  };

  function statusURL() {
    if (HOSTS.test(location.hostname) && STATUS_PATH.test(location.pathname)) return location.href;
    const canon = document.querySelector('link[rel="canonical"], meta[property="og:url"]');
    const href = canon?.getAttribute('href') ?? canon?.getAttribute('content');
    try {
      const u = new URL(href);
      if (HOSTS.test(u.hostname) && STATUS_PATH.test(u.pathname)) return u.href;
    } catch {
      // no usable canonical URL
    }
    return null;
  }

  function describeCell(cell) {
    const article = cell.querySelector(SEL.tweet);
    // An ad is a post by someone else that is not the reply boundary: X
    // places them anywhere; the extractor skips them too.
    if (article && cell.querySelector(SEL.promoted)) return null;
    if (article) {
      // The post's own link is the one around its <time>; where the time
      // is not a link (X's focal post, in some builds), the first status
      // link — the extractor reads cells the same way, so keys agree.
      const timed = article.querySelector(SEL.permalinkTime)?.closest('a');
      for (const link of [timed, ...article.querySelectorAll(SEL.statusLink)]) {
        const m = link && STATUS_PATH.exec(new URL(link.getAttribute('href'), location.href).pathname);
        if (m) return { kind: 'post', key: m[2], handle: m[1].toLowerCase(), el: cell };
      }
      // A post X cannot show (withheld, deleted) keeps its article but no
      // status link: kept in place, so the extractor sees the hole.
      return { kind: 'hole', key: `hole:${(cell.textContent ?? '').trim().slice(0, 80)}`, el: cell };
    }
    const text = cell.textContent ?? '';
    if (DISCOVER_TEXT.test(cell.querySelector(SEL.heading)?.textContent ?? '')) return { kind: 'discover', key: 'discover', el: cell };
    const opener = [...cell.querySelectorAll(SEL.clickable)].find((n) => GAP_TEXT.test(n.textContent ?? ''));
    if (opener || GAP_TEXT.test(text)) {
      const href = opener?.getAttribute('href') ?? '';
      return { kind: 'gap', key: `gap:${href || text.trim()}`, el: cell, opener: opener ?? cell };
    }
    return null; // spacers, headings, composer, ads without a post
  }

  function visibleItems() {
    const items = [];
    for (const cell of document.querySelectorAll(SEL.cell)) {
      const d = describeCell(cell);
      if (d) items.push(d);
    }
    return items;
  }

  function atBottom() {
    const el = document.scrollingElement ?? document.documentElement;
    return Math.ceil(window.scrollY + window.innerHeight) >= el.scrollHeight - 2;
  }

  // ---------------------------------------------------------------- JSON

  // Waits for 429 answers: how often, and the longest wait honoured (a
  // longer Retry-After hands over to scrolling instead of stalling).
  const RATE_LIMIT = Object.freeze({ retries: 3, maxWaitMs: 15_000, defaultWaitMs: 2_000 });

  const abortable = (ms, signal) => new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

  const aborted = (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: false, status: 0, error: 'cancelled' }), { once: true }));

  // follow asks the page to load cursor, honouring 429 and Retry-After. A
  // cancel does not wait for the answer (which the page still keeps).
  async function follow(focalId, cursor, signal, stats) {
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const res = await Promise.race([U.xFollow(focalId, cursor), aborted(signal)]);
      stats.apiRequests++;
      stats.apiWaitMs += performance.now() - t0;
      if (res.ok || res.status !== 429 || attempt >= RATE_LIMIT.retries || signal.aborted) return res;
      const wait = res.retryAfterMs ?? RATE_LIMIT.defaultWaitMs;
      if (wait > RATE_LIMIT.maxWaitMs) return res;
      stats.rateLimitedMs += wait;
      await abortable(wait, signal);
      if (signal.aborted) return res;
    }
  }

  // fromJSON follows X's cursors until the captured JSON holds the whole
  // chain, or nothing more can be asked. Returns {complete, chain, refused,
  // cancelled}; chain is null when the page captured nothing. Its looks ask
  // the background to unroll a complete chain at once (clickedAt): then
  // chain.unrolled is the reader's answer.
  async function fromJSON(session, focalId, { signal, onProgress, stats, clickedAt }) {
    const tried = new Set();
    for (;;) {
      const t0 = performance.now();
      const chain = await session.look({ unroll: clickedAt });
      if (chain.empty) return { complete: false, chain: null };
      stats.rounds++;
      if (chain.reused) stats.reused++;
      stats.jsonMs += performance.now() - t0;
      stats.wasmMs += chain.wasmMs;
      stats.resends += chain.resent ? 1 : 0;
      stats.bodiesSent += chain.sent;
      onProgress?.(chain.posts);
      if (chain.complete) return { complete: true, chain };
      if (signal.aborted) return { complete: false, chain, cancelled: true };
      const next = chain.next.find((c) => !tried.has(c.cursor));
      if (!next) return { complete: false, chain };
      tried.add(next.cursor);
      const res = await follow(focalId, next.cursor, signal, stats);
      if (signal.aborted) return { complete: false, chain, cancelled: true };
      if (!res.ok) return { complete: false, chain, refused: res };
    }
  }

  // ---------------------------------------------------------------- scrolling

  // scroll walks the page from the top (or from where it is, when the
  // JSON already holds the start of the chain and the focal post is in
  // view) and returns {cellsHTML, stoppedBy}.
  async function scroll(focalId, { signal, onProgress, limits, fromHere }) {
    const start = { x: window.scrollX, y: window.scrollY };
    const order = new U.OrderedKeys();
    const posts = new Map(); // status id → {html, handle}
    const gaps = new Map(); // gap key → {html, tries}
    const marks = new Map(); // "discover" (the chain ended) and holes: cells kept for the extractor
    const listRoot = document.querySelector('main') ?? document.body;
    const clock = U.shownClock();
    let author = null;
    let stoppedBy;
    let steps = 0;

    const harvest = () => {
      const items = visibleItems();
      order.addWindow(items.map((d) => d.key));
      for (const d of items) {
        if (d.kind === 'post') {
          // Keep the richest copy: a cell re-mounted after "Show more" or a
          // media load holds more than its first render.
          const html = U.trimCell(d.el);
          const had = posts.get(d.key);
          if (!had || html.length > had.html.length) posts.set(d.key, { html, handle: d.handle });
          if (d.key === focalId) author ??= d.handle;
        } else if (d.kind === 'gap' && !gaps.has(d.key)) {
          gaps.set(d.key, { html: U.trimCell(d.el), tries: 0 });
        } else if (d.kind === 'discover' || d.kind === 'hole') {
          marks.set(d.key, U.trimCell(d.el));
        }
      }
      return items;
    };

    // What the walk has found so far, in page order from the focal post:
    // the gap to open next, whether the chain has ended, and its length.
    const assess = () => {
      const keys = order.keys;
      let i = keys.indexOf(focalId);
      if (i < 0 || !author) return { chain: 0, boundary: false, gap: null };
      const first = keys.findIndex((k) => posts.get(k)?.handle === author);
      let chain = 0;
      for (let j = first; j < i; j++) if (posts.get(keys[j])?.handle === author) chain++;
      for (; i < keys.length; i++) {
        const k = keys[i];
        if (k === 'discover') return { chain, boundary: true, gap: null };
        if (gaps.has(k)) {
          if (gaps.get(k).tries < 2) return { chain, boundary: false, gap: k };
          continue;
        }
        const p = posts.get(k);
        if (!p) continue;
        if (p.handle !== author) return { chain, boundary: true, gap: null };
        chain++;
      }
      return { chain, boundary: false, gap: null };
    };

    const openGap = async (key) => {
      const g = gaps.get(key);
      g.tries++;
      const d = visibleItems().find((x) => x.key === key);
      if (!d) {
        // Scrolled out of the mounted window: bring the area back by
        // scrolling up a little; the next step sees it again.
        window.scrollBy(0, -window.innerHeight * 0.5);
        await U.settle(listRoot);
        return;
      }
      d.el.scrollIntoView({ block: 'center' });
      d.opener.click();
      // X fetches the hidden replies, then swaps the gap cell for them.
      const deadline = clock.elapsed() + 4000;
      while (d.el.isConnected && describeCell(d.el)?.key === key && clock.elapsed() < deadline && !signal.aborted) {
        await U.settle(listRoot, { quietMs: 80, maxMs: 300 });
      }
      await U.settle(listRoot, { quietMs: 80, maxMs: 600 });
      if (!visibleItems().some((x) => x.key === key)) {
        // What was below the gap is no longer known to follow what is
        // above it: X mounts the posts it held back in between, and only
        // those near the viewport at first. Those cells are placed again
        // when the walk, going down from here, sees them (else someone
        // else's reply harvested before would look like the end of the
        // chain, right after the first newly mounted posts).
        gaps.delete(key);
        order.dropFrom(key);
      }
    };

    try {
      if (!fromHere) {
        window.scrollTo(0, 0); // ancestors of the focal post sit above it
        await U.settle(listRoot, { quietMs: 80, maxMs: 800 });
      }
      for (;;) {
        if (document.hidden) {
          // Nothing is walked in a tab the user left: it goes on when they
          // come back (the tab's first frames redraw the list).
          await clock.shown(signal);
          await U.settle(listRoot);
        }
        harvest();
        const state = assess();
        onProgress?.(state.chain);
        if (signal.aborted) {
          stoppedBy = 'cancelled';
          break;
        }
        if (state.boundary) {
          stoppedBy = 'boundary';
          break;
        }
        if (++steps > limits.steps || clock.elapsed() > limits.timeMs) {
          stoppedBy = 'limit';
          break;
        }
        if (state.gap) {
          await openGap(state.gap);
          continue;
        }
        if (atBottom()) {
          // X appends more replies when the bottom is reached; give it a
          // moment to grow before calling it the end.
          const height = document.documentElement.scrollHeight;
          await U.settle(listRoot, { quietMs: 300, maxMs: 1500 });
          harvest();
          if (document.documentElement.scrollHeight <= height && !assess().gap) {
            stoppedBy = 'end';
            break;
          }
          continue;
        }
        window.scrollBy(0, Math.max(200, window.innerHeight * 0.85));
        await U.settle(listRoot);
      }
    } finally {
      clock.stop();
      window.scrollTo(start.x, start.y);
    }

    // One capture of every cell in page order: the extractor keys cells
    // that hold no post by what precedes them in the same capture, so
    // they are sent together rather than one string each.
    const cellsHTML = [];
    for (const k of order.keys) {
      if (posts.has(k)) cellsHTML.push(posts.get(k).html);
      else if (gaps.has(k)) cellsHTML.push(gaps.get(k).html); // a gap that would not open: the extractor reports it
      else if (marks.has(k)) cellsHTML.push(marks.get(k));
    }
    return { cellsHTML, stoppedBy };
  }

  // ---------------------------------------------------------------- both

  // collect returns what extractCollected reads, and how it was gathered
  // (stats: which road, API requests and their waits, scroll), with the
  // lighter form the session's background completes (wire; see xSession).
  // strategy "scroll" skips the JSON road (benchmarks compare the two).
  async function collect({ signal, onProgress, limits = U.COLLECT_LIMITS, strategy = 'json-first', clickedAt }) {
    const url = statusURL();
    const focalId = focalIdOf(url);
    const session = prepared?.focalId === focalId ? prepared : U.xSession(url, focalId);
    prepared = null;
    collecting = true;
    try {
      return await collectIn(session, url, focalId, { signal, onProgress, limits, strategy, clickedAt });
    } finally {
      collecting = false;
    }
  }

  async function collectIn(session, url, focalId, { signal, onProgress, limits, strategy, clickedAt }) {
    // jsonMs: asking the background about the JSON (wasmMs of it in the
    // WASM, the rest is messaging); apiWaitMs: waiting for X's answers;
    // bodiesSent: X's answers sent by the looks of the click (those sent
    // ahead of it are not counted); resends: looks a restarted background
    // needed everything for; reused: looks answered by the last look ahead
    // of the click (nothing new captured since); unrolledByLook: the last
    // look's answer held the unrolled thread (no separate unroll request).
    const stats = { via: 'json', apiRequests: 0, apiWaitMs: 0, rateLimitedMs: 0, rounds: 0, reused: 0, jsonMs: 0, wasmMs: 0, bodiesSent: 0, resends: 0, scrolled: false, unrolledByLook: false };
    const done = async (c) => {
      const { wire, full } = await session.collected({ ...c, stats });
      return { ...full, wire };
    };
    let json = null;
    if (strategy !== 'scroll') {
      json = await fromJSON(session, focalId, { signal, onProgress, stats, clickedAt });
      if (json.complete || json.cancelled) {
        stats.unrolledByLook = Boolean(json.chain?.unrolled);
        const c = await done({ html: [], stoppedBy: json.complete ? 'end' : 'cancelled', cells: 0 });
        return stats.unrolledByLook ? { ...c, unrolled: json.chain.unrolled } : c;
      }
      if (json.refused) stats.refused = json.refused;
    }
    stats.via = 'scroll';
    stats.scrolled = true;
    const focalMounted = visibleItems().some((d) => d.key === focalId);
    const scrolled = await scroll(focalId, { signal, onProgress, limits, fromHere: Boolean(json?.chain?.startKnown && focalMounted) });
    // The page may have loaded more while it was walked: the session reads
    // the capture last.
    return done({ html: [scrolled.cellsHTML.join('\n')], stoppedBy: scrolled.stoppedBy, cells: scrolled.cellsHTML.length });
  }

  // ---------------------------------------------------------------- ahead of the click

  // Thread pages get the content scripts before any click (wasm-preload.js):
  // from then on each capture the page keeps goes to the background at
  // idle, in the session the next unroll of this post will use, so a click
  // finds X's JSON sent and decoded and only asks what is new. Nothing is
  // requested from X here: only what the page itself fetched is read.
  let prepared = null; // the session of the post on screen
  let collecting = false;
  let scheduled = false;
  const whenIdle = (fn) => (globalThis.requestIdleCallback ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 50));
  function prepare() {
    scheduled = false;
    const url = statusURL();
    if (collecting || !url || !HOSTS.test(location.hostname)) return;
    const focalId = focalIdOf(url);
    if (prepared?.focalId !== focalId) prepared = U.xSession(url, focalId);
    // Only for something new: the page can fire the event at will.
    prepared.look({ onlyNew: true }).catch(() => {}); // the click will ask again, and say what failed
  }
  document.addEventListener('unspool:x-kept', () => {
    if (!scheduled) {
      scheduled = true;
      whenIdle(prepare);
    }
  });
  whenIdle(prepare); // what the page kept before these scripts came

  U.registerCollector({
    id: 'x',
    matches: () => statusURL() !== null && document.querySelector(SEL.tweet) !== null,
    pageURL: statusURL,
    collect,
  });
})();
