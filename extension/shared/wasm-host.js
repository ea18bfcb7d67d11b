// @ts-check
// The Go WASM (globalThis.unspool) inside the background context: the
// Chrome service worker or the Firefox event page. Content scripts cannot run
// it — they inherit the page's CSP, and x.com's forbids compiling WASM.
//
// Loaded lazily on first use and memoised; the promise is dropped when the
// load fails or the Go program exits, and a stopped service worker comes back
// with fresh module state, so the next call reloads it either way.
import '../wasm_exec.js';
import { startWarmUp } from './wasm-warmup.js';

const WASM_PATH = 'unspool.wasm';

let loading = null;
let memory = null; // the instance's linear memory, for what a warm WASM holds
let generation = 0; // which load is current: a released one must not clear a newer one

// How long the last load took (fetch + compile + instantiate + go.run), for
// the timings the reader reports.
export const stats = { loadMs: null, loadedAt: null, warmUp: null };
let calls = 0; // a click's calls since the last load: the warm-up stops at the first

// MV3 extension pages forbid eval, so the throwing wrapper the Go side wants
// (see wasm/main.go throwingWrapper) is defined here, before go.run.
globalThis.unspoolWrap ??= (impl, name) => ({
  [name](...args) {
    const r = impl.apply(this, args);
    if (r instanceof Error) throw r;
    return r;
  },
})[name];

// ready resolves to the unspool API, loading it on first use.
export function ready() {
  loading ??= load().catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

async function load() {
  const t0 = performance.now();
  const go = new globalThis.Go();
  const url = chrome.runtime.getURL(WASM_PATH);
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(fetch(url), go.importObject));
  } catch {
    // instantiateStreaming needs an application/wasm response; fall back
    // to bytes where the browser serves the file otherwise.
    const bytes = await (await fetch(url)).arrayBuffer();
    ({ instance } = await WebAssembly.instantiate(bytes, go.importObject));
  }
  // go.run settles only when the Go program exits (a fatal error): forget it
  // then, so the next call loads a fresh instance instead of a dead one.
  const mine = ++generation;
  go.run(instance).finally(() => {
    if (mine === generation) release();
  });
  memory = instance.exports.mem;
  if (!globalThis.unspool) throw new Error('unspool.wasm started but did not register globalThis.unspool');
  stats.loadMs = Math.round((performance.now() - t0) * 10) / 10;
  stats.loadedAt = performance.timeOrigin + performance.now();
  calls = 0;
  stats.warmUp = null;
  const api = globalThis.unspool;
  startWarmUp(api, {
    stop: () => calls > 0,
    report: (r) => {
      stats.warmUp = r;
      collectWhenIdle(api); // the warm-up's garbage, before the click
    },
  });
  return globalThis.unspool;
}

// release drops the loaded WASM (its memory goes with the last reference);
// the next call loads it again.
export function release() {
  generation++;
  loading = null;
  memory = null;
  delete globalThis.unspool;
}

// isLoaded tells whether the WASM is loaded (or loading) now.
export const isLoaded = () => loading !== null;

// memoryBytes is the size of the loaded WASM's linear memory (0 if none).
export const memoryBytes = () => memory?.buffer.byteLength ?? 0;

// lastCallAt is when the API was last called (performance.now()), for
// releasing it after a while unused.
export let lastCallAt = 0;

let holds = 0;
// hold keeps the loaded WASM from being released (see wasm-preload.js) until
// the function it returns is called: a sync in flight runs in a goroutine of
// this instance.
export function hold() {
  holds++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    holds--;
    lastCallAt = performance.now();
  };
}

// isHeld tells whether something running needs the WASM now.
export const isHeld = () => holds > 0;

// call runs one API function by name once the WASM is ready, for a click
// (the warm-up gives way to it).
export const call = (name, ...args) => run(name, args, { click: true });

// callAhead is call for work done ahead of any click (a look at what a
// thread page captured as it loads): the warm-up goes on, so the click that
// follows still finds the click's paths warm.
export const callAhead = (name, ...args) => run(name, args, { click: false });

async function run(name, args, { click }) {
  const api = await ready();
  if (click) calls++;
  lastCallAt = performance.now();
  if (typeof api[name] !== 'function') throw new Error(`this build of unspool.wasm has no ${name}()`);
  try {
    return api[name](...args);
  } finally {
    collectWhenIdle(api);
  }
}

// collectWhenIdle lets the Go runtime collect once the worker has had no
// call for QUIET_MS (wasm/runtime.go collectIdle decides whether it is worth
// it), instead of in the middle of a click's next call.
// Between an X unroll's looks the worker waits on X's network for 100 ms or
// more; the calls of one answer (a look, then the thread's extraction and
// render) come within a few ms of each other, storage reads in between.
// A collection is ~10 ms of a warm instance's one thread.
const QUIET_MS = 40;
let collectTimer;
function collectWhenIdle(api) {
  clearTimeout(collectTimer);
  collectTimer = setTimeout(() => {
    if (globalThis.unspool === api) api.collectIdle();
  }, QUIET_MS);
}
