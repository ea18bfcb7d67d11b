// Click → complete reader on X, JSON first against the scroll collector, in
// Chromium or Firefox (BROWSER, as the browser tests) with the real extension
// and toolbar button (a benchmark, not a timed test):
//   node bench/x-unroll.mjs [runs, default 3]        (after ./build.sh build)
//   SIZES=64,200 node bench/x-unroll.mjs 3           (only those threads)
// Pages: made self-threads of 20, 64 and 200 posts whose client behaves like
// X's web client (extension/test/pages.mjs xAppPage), every API answer after
// 250 ms. The first answer holds the chain up to post 40; each cursor brings
// 40 more, so a complete unroll needs 0, 1 and 4 sequential API waits.
// Modes, all in the same run:
//   cold       a fresh browser, the click as soon as the page is drawn
//              (the WASM and the content scripts may still be loading);
//   page-open  a fresh browser, the page opened, the click 3 s later;
//   warm       the page reloaded (nothing of the thread captured beyond the
//              page's first answer), clicked as soon as it is drawn, the
//              WASM already loaded (median of runs, fastest in brackets);
//   scroll     the same as warm, with the collector told to skip X's JSON
//              (the collector of before, for comparison).
// Target: click → complete reader ≤ waits × 250 ms + 300 ms (≤ 150 ms when
// the first answer holds the whole chain). Where the time goes: messaging
// and the WASM for each look at the JSON, the API waits, the final
// extraction and render in the background, paint. Anchors in the same
// page and run: DOMParser on the page's cells, JSON.parse of X's answers.
// The WASM's linear memory (MiB) is reported preloaded, after the click
// (page-open), after all warm runs, and once released. The browser and its
// version, and the load average before and after, are printed with the
// figures.
import os from 'node:os';
import { openBrowser, openPage, pressAction, waitForReader } from '../extension/test/harness.mjs';
import { xAppPage, X_CLIENT } from '../extension/test/pages.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const r1 = (x) => Math.round(x * 10) / 10;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

const SIZES = (process.env.SIZES ?? '20,64,200').split(',').map(Number);
const made = Object.fromEntries(SIZES.map((n, i) => [n, xAppPage({ name: `bench-${n}`, n, base: 1970000000000000000n + BigInt(i) * 1_000_000_000n })]));

async function unroll(b, page, strategy) {
  if (strategy === 'scroll') {
    await b.sw.evaluate(async (url) => {
      const [tab] = await chrome.tabs.query({ url });
      return globalThis.unspoolBackground.triggers.unroll(tab, 'bench', { strategy: 'scroll' });
    }, page.url());
  } else {
    await pressAction(b, page);
  }
  const r = await waitForReader(page, 120_000);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('unspool-ui'));
  return { ...r.timings, posts: r.posts.length };
}

// What one click cost, from the reader's own timings (content/main.js).
function row(t) {
  const c = t.collect ?? {};
  return {
    posts: t.posts,
    clickToReader: r1(t.clickToReaderMs),
    // What the target bounds: the time beyond the API waits' latency.
    beyondNetwork: r1(t.clickToReaderMs - (c.apiRequests ?? 0) * X_CLIENT.latencyMs),
    apiWaits: c.apiRequests ?? 0,
    apiWaitMs: r1(c.apiWaitMs ?? 0),
    jsonLooks: c.rounds ?? 0,
    jsonLooksReused: c.reused ?? 0, // answered by the look ahead of the click
    jsonMs: r1(c.jsonMs ?? 0),
    jsonWasmMs: r1(c.wasmMs ?? 0),
    collect: r1(t.collectMs),
    inject: r1(t.injectMs),
    // The unroll request after collecting; ~0 when the last look brought
    // the unrolled thread (unrolledByLook), whose extraction and render are
    // then inside jsonMs.
    background: r1(t.backgroundMs),
    unrolledByLook: c.unrolledByLook ? 1 : 0,
    // of which the background's handler (the rest is messaging both ways)
    backgroundHandler: r1(t.handlerMs ?? 0),
    extract: r1(t.extract),
    render: r1(t.render),
    paint: r1(t.paintMs),
    paintBuild: r1(t.readerBuildMs),
    paintFrame: r1(t.frameMs),
    bodiesSentByClick: c.bodiesSent ?? 0, // the rest went ahead of the click
    finalMessageKB: Math.round(t.bytesSent / 1024),
    via: c.via,
    wasmLoadedForThisClick: t.wasmLoadedForThisClick,
  };
}

const wasmMiB = async (b) => r1(await b.sw.evaluate(() => globalThis.unspoolBackground.wasm.memoryBytes()) / 2 ** 20);

const summarise = (rows) => Object.fromEntries(Object.keys(rows[0]).map((k) => {
  const xs = rows.map((r) => r[k]);
  return [k, typeof xs[0] === 'number' ? `${r1(median(xs))} (${r1(Math.min(...xs))})` : xs[0]];
}));

// DOMParser on the cells the page draws, and JSON.parse of X's answers
// for the thread, in the page, 5 times each.
async function anchors(page, p) {
  const app = await page.evaluate(async () => (await fetch(document.documentElement.dataset.app)).json());
  const html = Object.values(app.cells).map((c) => c.html).join('\n');
  return page.evaluate(({ html, bodies }) => {
    let t0 = performance.now();
    for (let i = 0; i < 5; i++) new DOMParser().parseFromString(html, 'text/html');
    const domParserMs = (performance.now() - t0) / 5;
    t0 = performance.now();
    for (let i = 0; i < 5; i++) for (const b of bodies) JSON.parse(b);
    const jsonParseMs = (performance.now() - t0) / 5;
    return { domParserMs: Math.round(domParserMs * 10) / 10, htmlKB: Math.round(html.length / 1024), jsonParseMs: Math.round(jsonParseMs * 10) / 10, jsonKB: Math.round(bodies.join('').length / 1024) };
  }, { html, bodies: p.bodies });
}

const results = [];
let browser; // "firefox 153.8.0": which browser the figures are of
const open = async (routes) => {
  const b = await openBrowser(routes);
  if (!browser) console.error(`browser: ${(browser = `${b.name} ${b.version}`)}`);
  return b;
};
const loadBefore = load();
console.error(`load average before: ${loadBefore}`);
for (const n of SIZES) {
  const p = made[n];
  // cold and page-open: a fresh browser each run.
  const fresh = async (waitMs) => {
    const b = await open(p.routes);
    try {
      const page = await openPage(b, p.url);
      if (!waitMs) return row(await unroll(b, page, 'json-first'));
      await page.waitForTimeout(waitMs);
      // What a preloaded WASM holds before the click, and after it: its
      // linear memory (the Go heap inside it; it never shrinks until the
      // instance is released).
      const preloadedMiB = await wasmMiB(b);
      const r = row(await unroll(b, page, 'json-first'));
      return { ...r, wasmMiBPreloaded: preloadedMiB, wasmMiBAfterClick: await wasmMiB(b) };
    } finally {
      await b.close();
    }
  };
  const cold = [];
  const pageOpen = [];
  for (let i = 0; i < RUNS; i++) {
    cold.push(await fresh(0));
    pageOpen.push(await fresh(3000));
  }
  const b = await open(p.routes);
  try {
    const page = await openPage(b, p.url);
    await unroll(b, page, 'json-first'); // loads and warms the WASM
    const warm = [];
    const scroll = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [strategy, out] of [['json-first', warm], ['scroll', scroll]]) {
        await page.reload();
        await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
        out.push(row(await unroll(b, page, strategy)));
      }
    }
    // Held after every warm and scroll run, then released as the idle
    // timer would release it.
    const wasmMiBWarm = await wasmMiB(b);
    await b.sw.evaluate(() => globalThis.unspoolBackground.wasm.release());
    const wasmMiBReleased = await wasmMiB(b);
    const anchor = await anchors(page, p);
    results.push({ posts: n, continuations: p.expected.continuations, targetMs: n <= 40 ? 150 : p.expected.continuations * X_CLIENT.latencyMs + 300, cold: summarise(cold), pageOpen: summarise(pageOpen), warm: summarise(warm), scroll: summarise(scroll), wasmMiBWarm, wasmMiBReleased, ...anchor, errors: b.errors.filter((e) => !/Failed to load resource/.test(e)).length });
  } finally {
    await b.close();
  }
}
const loadAfter = load();
console.error(`load average after: ${loadAfter}`);
console.log(JSON.stringify({ date: new Date().toISOString(), browser, loadAverage: { before: loadBefore, after: loadAfter }, runs: RUNS, latencyMs: X_CLIENT.latencyMs, results }, null, 2));
