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
      const collected = await collector.collect({ signal: abort.signal, onProgress: (n) => progress.update(n), strategy, clickedAt: t.clickedAt });
      window.removeEventListener('keydown', onEsc, true);
      t.collected = now();
      progress.update('Preparing the reader…');
      // A collector may also give a lighter form (wire) that the background
      // completes from what it was sent while collecting; a background that
      // restarted meanwhile asks for the whole (resend) or is lost with it.
      // One that had the background unroll as it collected (unrolled) needs
      // no second request.
      const { wire, unrolled, ...full } = collected;
      const unroll = (c, ask = U.ask) => ask('reader:unroll', { url: collector.pageURL(), collected: c, clickedAt: t.clickedAt });
      let res = unrolled ?? (await unroll(wire ?? full).catch((err) => (wire && err.lost ? { resend: true } : Promise.reject(err))));
      if (res.resend) res = await unroll(full, U.askWhole);
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
        bytesSent: unrolled ? 0 : JSON.stringify(wire ?? full).length,
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

  chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
    if (msg?.type !== 'content:unroll') return false;
    // Answer at once: collection can take seconds, and the trigger only
    // needs to know the page took the request.
    sendResponse({ ok: true, started: !busy });
    U.start({ via: msg.via, clickedAt: msg.clickedAt, strategy: msg.strategy });
    return false;
  });
})();
