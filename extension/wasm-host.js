// The Go WASM (globalThis.unspool) inside the background context: the
// Chrome service worker or the Firefox event page. Content scripts cannot run
// it — they inherit the page's CSP, and x.com's forbids compiling WASM.
//
// Loaded lazily on first use and memoised; the promise is dropped when the
// load fails or the Go program exits, and a stopped service worker comes back
// with fresh module state, so the next call reloads it either way.
import './wasm_exec.js';
import { startWarmUp } from './wasm-warmup.js';

const WASM_PATH = 'unspool.wasm';

let loading = null;

// How long the last load took (fetch + compile + instantiate + go.run), for
// the timings the reader reports.
export const stats = { loadMs: null, loadedAt: null, warmUp: null };
let calls = 0; // real calls since the last load: the warm-up stops at the first

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
  go.run(instance).finally(() => {
    loading = null;
    delete globalThis.unspool;
  });
  if (!globalThis.unspool) throw new Error('unspool.wasm started but did not register globalThis.unspool');
  stats.loadMs = Math.round((performance.now() - t0) * 10) / 10;
  stats.loadedAt = performance.timeOrigin + performance.now();
  calls = 0;
  stats.warmUp = null;
  startWarmUp(globalThis.unspool, { stop: () => calls > 0, report: (rounds, ms) => (stats.warmUp = { rounds, ms }) });
  return globalThis.unspool;
}

// call runs one API function by name once the WASM is ready.
export async function call(name, ...args) {
  const api = await ready();
  calls++;
  if (typeof api[name] !== 'function') throw new Error(`this build of unspool.wasm has no ${name}()`);
  return api[name](...args);
}
