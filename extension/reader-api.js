// What the in-page reader asks of the background: extraction and rendering
// with the WASM, exports, and the reader settings. Timings of each step go
// back with the answer so the page can report click→reader figures.
import { call, ready, stats } from './wasm-host.js';
import { handle } from './messages.js';
import { remember } from './shown.js';

// Settings the reader remembers (chrome.storage.local). Values are the
// renderer's options (shared/render Options); these are its defaults.
export const DEFAULT_SETTINGS = Object.freeze({ theme: 'auto', fontSize: 'medium', width: 'medium', font: 'serif' });
const ALLOWED = { theme: ['auto', 'light', 'dark', 'sepia'], fontSize: ['small', 'medium', 'large', 'xlarge'], width: ['narrow', 'medium', 'wide'], font: ['serif', 'sans'] };

// clean keeps only known settings with allowed values: a stored value from
// an older version must not make every render fail.
function clean(s) {
  const out = { ...DEFAULT_SETTINGS };
  for (const [k, allowed] of Object.entries(ALLOWED)) if (allowed.includes(s?.[k])) out[k] = s[k];
  return out;
}
const SETTINGS_KEY = 'readerSettings';

export async function loadSettings() {
  const got = await chrome.storage.local.get(SETTINGS_KEY);
  return clean(got[SETTINGS_KEY]);
}

// The last thread extracted, as JSON (for the console and tests: what the
// extractor produced, beyond what the reader shows).
export let lastThread = null;

function since(t0) {
  return Math.round((performance.now() - t0) * 10) / 10;
}

// collected is what a content-script collector returned: {content} for a
// whole page, or {html, json, stoppedBy} from a scrolling collector.
// clickedAt (epoch ms) tells whether the WASM had to be loaded for this
// click (a first click, or the worker was stopped since the last one).
handle('reader:unroll', async ({ url, collected, clickedAt }, sender) => {
  const t0 = performance.now();
  const [, settings] = await Promise.all([ready(), loadSettings()]);
  const tReady = since(t0);
  const t1 = performance.now();
  const thread = typeof collected.content === 'string'
    ? await call('extract', url, collected.content)
    : await call('extractCollected', url, JSON.stringify({ html: collected.html, json: collected.json, stoppedBy: collected.stoppedBy, followed: collected.followed ?? [] }));
  const tExtract = since(t1);
  lastThread = thread;
  await remember(sender, thread);
  const t2 = performance.now();
  const html = await call('render', thread, JSON.stringify(settings));
  return { thread, html, settings, timings: { wasmLoadedForThisClick: stats.loadedAt > clickedAt, wasmLoadMs: stats.loadMs, wasmWarmUp: stats.warmUp, wasmReady: tReady, extract: tExtract, render: since(t2) } };
}, { page: true });

// The X collector's question before any scrolling: does X's JSON the page
// fetched hold the whole chain, and which cursor would extend it?
handle('reader:x-continuations', async ({ url, collected }) => JSON.parse(await call('xContinuations', url, JSON.stringify(collected))), { page: true });

handle('reader:render', async ({ thread, settings }) => {
  const merged = clean(settings);
  await chrome.storage.local.set({ [SETTINGS_KEY]: merged });
  return { html: await call('render', thread, JSON.stringify(merged)), settings: merged };
}, { page: true });

handle('reader:export', async ({ thread, format }) => call('export', thread, format), { page: true });
