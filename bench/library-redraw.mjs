// Library refresh benchmark: what the open library page does when the
// library changes elsewhere (another tab, a sync pull). A real Chromium
// profile holds N saved threads (default 1,000, generated as for
// library-bench.mjs); the library page is open, and a second tab edits one
// shown thread's tags through the background, as the reader's Tags & note
// does. Each edit is one sample of:
//   redraw_ms   the page's own 'search' measure of the refresh: the query
//               run again, the list brought up to date, and its layout
//               forced (what blocks the page; reading the summaries from
//               IndexedDB before it is not counted)
//   write_to_drawn_ms  the edit's write done (the other tab) → that measure's
//               end: includes the page's 150 ms wait that gathers bursts of
//               changes, and the read of the summaries
//   rows_replaced  row elements put into the list by the refresh
// for two pages: as opened (40 rows drawn), and scrolled to the end (all N).
// The anchor is work the page's code has no part in, measured in the same
// run: N rows cloned from the page's row template into a new list, laid out
// and removed, the median of 5 before and of 5 after the edits — the
// machine's speed at that moment, to compare runs made under different
// loads.
//
//   node bench/library-redraw.mjs [threads=1000] [edits=15]
import os from 'node:os';
import { openProfile } from '../extension/test/library-helpers.mjs';
import { Generator } from '../extension/test/library-data.mjs';

const N = Number(process.argv[2] ?? 1000);
const EDITS = Number(process.argv[3] ?? 15);

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const r1 = (x) => Math.round(x * 10) / 10;
const stats = (xs) => ({ median: r1(median(xs)), p90: r1(pct(xs, 0.9)), max: r1(Math.max(...xs)) });

const gen = new Generator(1000);
const threads = Array.from({ length: N }, () => gen.thread());
const load = [os.loadavg().map(r1)];

const P = await openProfile();
try {
  for (let i = 0; i < N; i += 250) {
    await P.page.evaluate(async (batch) => {
      const { mutate } = await import('/shared/library-store.js');
      const byKey = new Map(batch.map((t) => [`${t.platform}:${t.id}`, t]));
      await mutate([...byKey.keys()], (ops, old, hlc, key) => ops.save(old ?? null, byKey.get(key), byKey.get(key).capturedAt, hlc()));
    }, threads.slice(i, i + 250));
  }
  const other = await P.context.newPage();
  await other.goto(P.url('pages/options/options.html'));
  const page = P.page;
  await page.bringToFront();
  await page.goto(P.url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  await page.evaluate(() => {
    window.replaced = 0;
    new MutationObserver((ms) => { for (const m of ms) window.replaced += m.addedNodes.length; })
      .observe(document.getElementById('list'), { childList: true });
  });

  const anchor = () => page.evaluate((n) => {
    const times = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const ol = document.createElement('ol');
      ol.className = 'list';
      const row = /** @type {HTMLTemplateElement} */ (document.getElementById('row')).content.firstElementChild;
      for (let i = 0; i < n; i++) ol.append(row.cloneNode(true));
      document.querySelector('main').append(ol);
      void ol.offsetHeight;
      ol.remove();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[2];
  }, N);

  // One edit of a shown row's tags from the other tab; what it cost the page.
  async function edit(i) {
    const key = await page.evaluate((n) => {
      const rows = document.querySelectorAll('#list .row');
      return rows[(n * 7) % rows.length].dataset.key;
    }, i);
    const before = await page.evaluate(() => { window.replaced = 0; return performance.getEntriesByName('search').length; });
    const wrote = await other.evaluate(async (m) => {
      const res = await chrome.runtime.sendMessage(m);
      if (!res?.ok) throw new Error(res?.error ?? 'no answer');
      return performance.timeOrigin + performance.now();
    }, { type: 'library:edit', key, tags: [`bench-${i}`] });
    await page.waitForFunction(([k, tag, n]) => document.querySelector(`.row[data-key="${k}"] .tag[data-tag="${tag}"]`) &&
      performance.getEntriesByName('search').length > n, [key, `bench-${i}`, before]);
    // Settle before the next edit, so one sample's refresh is not the next's.
    await page.waitForTimeout(250);
    return page.evaluate(([n, w]) => {
      const m = performance.getEntriesByName('search')[n];
      return { redraw: m.duration, toDrawn: performance.timeOrigin + m.startTime + m.duration - w, replaced: window.replaced };
    }, [before, wrote]);
  }

  async function run(label) {
    const shown = await page.locator('#list .row').count();
    const anchors = [await anchor()];
    const samples = [];
    for (let i = 0; i < EDITS; i++) samples.push(await edit(samples.length + (label === 'all' ? 1000 : 0)));
    anchors.push(await anchor());
    return {
      rows_shown: shown,
      redraw_ms: stats(samples.map((s) => s.redraw)),
      write_to_drawn_ms: stats(samples.map((s) => s.toDrawn)),
      rows_replaced: stats(samples.map((s) => s.replaced)),
      anchor_ms: anchors.map(r1),
    };
  }

  const opened = await run('opened');
  // Scrolled to the end: rows are added as the end comes into view.
  for (let shown = 0; shown < N;) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(100);
    shown = await page.locator('#list .row').count();
  }
  const all = await run('all');
  load.push(os.loadavg().map(r1));
  console.log(JSON.stringify({ threads: N, edits: EDITS, load_average: load, opened, all }, null, 1));
} finally {
  await P.close();
}
