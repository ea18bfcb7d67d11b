// @ts-check
// Ties the content scripts together: on the background's "content:unroll"
// it picks a collector, shows progress while it walks the page, sends what
// it found to the background for extraction and rendering, and opens the
// reader. The entry point of the content bundle (build.sh bundles it and
// what it imports into content.bundle.js): every file it imports only
// defines things, each after the files it imports itself.
import './x-collector.js';
import './bluesky-collector.js'; // bsky.app: the public AppView's getPostThread
import './mastodon-collector.js'; // any Mastodon instance: its own /api/v1/statuses
import './generic-collector.js'; // every other page, registered last
import './progress.js';
import './reader.js';
import './reader-actions.js';
import './library-save.js'; // the library's Save action
import './share-actions.js'; // Publish / Unpublish / Copy link
import './author-threads.js'; // "Threads by @author" on profile pages
(() => {
  const U = globalThis.unspoolContent;
  if (U.start) return;

  const now = () => performance.timeOrigin + performance.now();
  const ms = (a, b) => Math.round((b - a) * 10) / 10;
  let busy = false;

  // collector: one to use instead of the page's (a thread listed on a
  // profile page, collected from there).
  /** @param {{via?: string, clickedAt?: number, recollect?: boolean, strategy?: string, collector?: any}} [options] */
  U.start = async ({ via = 'action', clickedAt = now(), recollect = false, strategy, collector: given } = {}) => {
    if (busy) return { ok: false, error: 'already collecting' };
    // The trigger again while the reader is open closes it.
    if (U.reader.isOpen && !recollect) {
      U.reader.close();
      return { ok: true, closed: true };
    }
    busy = true;
    // A profile page lists its author's threads instead (or closes the list).
    if (!recollect && !given && (await U.authorThreads.toggle().catch(() => false))) {
      busy = false;
      return { ok: true, listed: U.authorThreads.isOpen };
    }
    const t = { clickedAt, started: now() };
    const collector = given ?? U.pickCollector();
    const abort = new AbortController();
    const onEsc = (e) => e.isTrusted && e.key === 'Escape' && abort.abort(); // the user's key, not the page's
    const returnFocus = (U.reader.isOpen ? U.reader.returnFocus : document.activeElement) ?? document.body;
    try {
      U.reader.close({ restoreFocus: false });
      const progress = U.progress.show({ onCancel: () => abort.abort() });
      window.addEventListener('keydown', onEsc, true);
      const { res, full, bytesSent } = await unrollWith(collector, {
        signal: abort.signal,
        onProgress: (n) => progress.update(n),
        strategy,
        clickedAt: t.clickedAt,
        onCollected: () => {
          window.removeEventListener('keydown', onEsc, true);
          t.collected = now();
          progress.update('Preparing the reader…');
        },
      });
      t.answered = now();
      U.progress.hide();
      U.reader.open(res, {
        onRecollect: () => U.start({ via: 'recollect', recollect: true, collector: given }),
        returnFocus,
      });
      t.built = now();
      await U.frame();
      await new Promise((r) => setTimeout(r, 0)); // after the frame that painted it
      t.painted = now();
      const timings = {
        via,
        collector: collector.id,
        injectMs: ms(t.clickedAt, t.started),
        collectMs: ms(t.started, t.collected),
        backgroundMs: ms(t.collected, t.answered),
        ...res.timings,
        paintMs: ms(t.answered, t.painted),
        // of which building the reader's DOM (parse, sanitise, adopt), and
        // the frame: style, layout, paint
        readerBuildMs: ms(t.answered, t.built),
        frameMs: ms(t.built, t.painted),
        clickToReaderMs: ms(t.clickedAt, t.painted),
        clickToReaderExclCollectMs: ms(t.clickedAt, t.painted) - ms(t.started, t.collected),
        cells: full.cells ?? 0,
        collect: full.stats ?? null,
        bytesSent: bytesSent(),
      };
      if (U.ui.host) U.ui.host.dataset.timings = JSON.stringify(timings);
      return { ok: true, timings };
    } catch (err) {
      window.removeEventListener('keydown', onEsc, true);
      U.progress.error(`Unspool could not unroll this page: ${err.message}`);
      returnFocus?.focus?.({ preventScroll: true });
      return { ok: false, error: err.message };
    } finally {
      busy = false;
    }
  };

  // unrollWith collects the thread with collector and has the background
  // extract it (reader:unroll): {res: its answer, full: what was collected,
  // bytesSent(): the size of what was sent for it, measured when asked, out
  // of the timed path}.
  // A collector may also give a lighter form (wire) that the background
  // completes from what it was sent while collecting; a background that
  // restarted meanwhile asks for the whole (resend) or is lost with it. One
  // that had the background unroll as it collected (unrolled) needs no
  // second request.
  /** @param {any} collector @param {{signal: AbortSignal, onProgress: (n: any) => void, clickedAt: number, strategy?: string, onCollected?: () => void}} options */
  async function unrollWith(collector, { signal, onProgress, strategy, clickedAt, onCollected }) {
    const collected = await collector.collect({ signal, onProgress, strategy, clickedAt });
    onCollected?.();
    const { wire, unrolled, ...full } = collected;
    const unroll = (c, ask = U.ask) => ask('reader:unroll', { url: collector.pageURL(), collected: c, clickedAt });
    let res = unrolled ?? (await unroll(wire ?? full).catch((err) => (wire && err.lost ? { resend: true } : Promise.reject(err))));
    if (res.resend) res = await unroll(full, U.askWhole);
    return { res, full, bytesSent: () => (unrolled ? 0 : JSON.stringify(wire ?? full).length) };
  }

  // collectThread is an unroll without the reader, in a tab the background
  // opened on one thread of an X profile's list (its Save all): it waits
  // for the page to show the post (or for X's JSON of it), collects as an
  // unroll would, and answers the Thread JSON. Nothing is drawn: the tab is
  // not shown, and closes after.
  const PAGE_WAIT_MS = 15_000;
  async function collectThread({ budgetMs }) {
    if (busy) throw new Error('already collecting');
    busy = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), budgetMs);
    try {
      const deadline = Date.now() + PAGE_WAIT_MS;
      let collector = U.pickCollector();
      const focalId = U.xFocalId();
      while (Date.now() < deadline && (collector?.id !== 'x' || !(await U.xCaptured(focalId)).json.length)) {
        await U.sleep(200);
        collector = U.pickCollector();
      }
      if (collector?.id !== 'x') throw new Error('X showed no post on its page (signed out, or the post is gone)');
      const { res, full } = await unrollWith(collector, { signal: abort.signal, onProgress: () => {}, clickedAt: now() });
      if (full.stoppedBy === 'cancelled') throw new Error('X did not give the whole thread in time');
      return { thread: res.thread };
    } finally {
      clearTimeout(timer);
      busy = false;
    }
  }

  chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
    if (msg?.type === 'content:collect-thread') {
      collectThread({ budgetMs: Number(msg.budgetMs) || 60_000 }).then((value) => sendResponse({ ok: true, value }), (err) => sendResponse({ ok: false, error: err.message }));
      return true; // answered when the thread is collected
    }
    if (msg?.type !== 'content:unroll') return false;
    // Answer at once: collection can take seconds, and the trigger only
    // needs to know the page took the request.
    sendResponse({ ok: true, started: !busy });
    U.start({ via: msg.via, clickedAt: msg.clickedAt, strategy: msg.strategy });
    return false;
  });
})();
