// Library benchmark: 5,000 saved threads (generated deterministically from
// the extractor goldens, see extension/test/library-data.mjs) in a real
// Chromium profile; measures the library page's open time, the time of each
// keystroke's search and redraw, and the storage used per thread.
//
//   node bench/library-bench.mjs [threads=5000]
//
// Open time is the page's own 'library-ready' mark: from navigation start to
// the list drawn and the count shown (summaries from IndexedDB, filters, the
// first 40 rows in the DOM; the search words load right after). Keystroke time is the page's 'search' measure: input
// event → query → list redrawn with a forced layout, as a person would see it
// on the next frame. Targets: open < 300 ms, keystroke < 30 ms.
import os from 'node:os';
import { openProfile } from '../extension/test/library-helpers.mjs';
import { Generator } from '../extension/test/library-data.mjs';

const N = Number(process.argv[2] ?? 5000);
const OPENS = 7;
const QUERIES = ['thread media', 'unroll', 'the quick', 'discovered two', 'venstagal', 'soubhik'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const r1 = (x) => Math.round(x * 10) / 10;

const gen = new Generator(5000);
const threads = Array.from({ length: N }, () => gen.thread());
const posts = threads.reduce((n, t) => n + t.posts.length, 0);

// PROFILE=dir reuses a profile already seeded by an earlier run (to iterate
// on the page without seeding again); by default a fresh one is seeded.
const P = await openProfile(process.env.PROFILE);
try {
  const have = await P.page.evaluate(async () => (await (await import('/shared/library-store.js')).rows()).length);
  const before = await P.page.evaluate(() => navigator.storage.estimate().then((e) => e.usage));
  const t0 = performance.now();
  if (have !== N && have !== 0) throw new Error(`PROFILE holds ${have} threads, not ${N}`);
  // Saved through the library's own save path (the shared merge in the
  // WASM), in batches of 250 threads per transaction.
  for (let i = have ? N : 0; i < N; i += 250) {
    await P.page.evaluate(async (batch) => {
      const { mutate } = await import('/shared/library-store.js');
      const byKey = new Map(batch.map((t) => [`${t.platform}:${t.id}`, t]));
      await mutate([...byKey.keys()], (ops, old, hlc, key) => ops.save(old ?? null, byKey.get(key), byKey.get(key).capturedAt, hlc()));
    }, threads.slice(i, i + 250));
  }
  const seedS = (performance.now() - t0) / 1000;
  const after = await P.page.evaluate(() => navigator.storage.estimate().then((e) => e.usage));
  const recordBytes = await P.page.evaluate(async () => {
    const { all, rows, words } = await import('/shared/library-store.js');
    const recs = await all();
    const sum = await rows();
    const idx = await words();
    const size = (xs) => xs.reduce((n, x) => n + JSON.stringify(x).length, 0);
    return { threads: size(recs) / recs.length, summary: size(sum) / sum.length, index: size(idx) / idx.length, count: recs.length };
  });
  if (recordBytes.count !== N) throw new Error(`seeded ${recordBytes.count} threads, wanted ${N}`);

  const opens = [];
  let firstKeys = [];
  const keys = [];
  for (let i = 0; i < OPENS; i++) {
    await P.page.goto(P.url('pages/library/library.html'));
    await P.page.waitForSelector('html[data-ready]');
    opens.push(await P.page.evaluate(() => performance.getEntriesByName('library-ready')[0].startTime));
    const shown = await P.page.locator('#list .row').count();
    if (shown !== 40) throw new Error(`the page shows ${shown} rows, expected the first 40`);
    if (i === 0) {
      // The very first keystroke right after open, before idle time.
      await P.page.locator('#q').press('t');
      // Its measure lands when the results are drawn (after the words, if
      // they were still loading).
      await P.page.waitForFunction(() => performance.getEntriesByName('search').length >= 2);
      firstKeys = await P.page.evaluate(() => performance.getEntriesByName('search').slice(1).map((e) => e.duration));
    }
  }
  await P.page.waitForTimeout(500);
  for (const q of QUERIES) {
    await P.page.fill('#q', '');
    await P.page.evaluate(() => performance.clearMeasures('search'));
    await P.page.locator('#q').pressSequentially(q, { delay: 30 });
    keys.push(...await P.page.evaluate(() => performance.getEntriesByName('search').map((e) => e.duration)));
  }
  // Exports of the whole library, as the page's buttons make them.
  const exportsOut = await P.page.evaluate(async () => {
    const { exportJSON, exportMarkdownZip } = await import('/pages/library/export.js');
    let t = performance.now();
    const json = await exportJSON();
    const jsonMs = performance.now() - t;
    t = performance.now();
    const { zip } = await exportMarkdownZip();
    return { json_mb: json.length / 1e6, json_ms: jsonMs, markdown_zip_mb: zip.size / 1e6, markdown_zip_ms: performance.now() - t };
  });
  const perThread = (after - before) / N;
  const out = {
    threads: N, posts,
    seed_s: r1(seedS),
    open_ms: { median: r1(median(opens)), max: r1(Math.max(...opens)), runs: opens.map(r1) },
    first_keystroke_ms: firstKeys.map(r1),
    load_average: os.loadavg().map(r1),
    keystroke_ms: { median: r1(median(keys)), p95: r1(pct(keys, 0.95)), max: r1(Math.max(...keys)), n: keys.length },
    exports: Object.fromEntries(Object.entries(exportsOut).map(([k, v]) => [k, r1(v)])),
    storage: {
      per_thread_bytes_on_disk: Math.round(perThread),
      per_thread_record_json_bytes: Math.round(recordBytes.threads),
      per_thread_summary_json_bytes: Math.round(recordBytes.summary),
      per_thread_search_words_json_bytes: Math.round(recordBytes.index),
    },
  };
  if (have) delete out.storage, delete out.seed_s; // measured only when seeding
  console.log(JSON.stringify(out, null, 1));
  if (!process.env.PROFILE) console.error(`profile kept for PROFILE=${P.profileDir}`);
} finally {
  await P.close();
}
