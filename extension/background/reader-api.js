// @ts-check
// What the in-page reader asks of the background: extraction and rendering
// with the WASM, exports, and the reader settings. Timings of each step go
// back with the answer so the page can report click→reader figures.
import { call, callAhead, ready, stats } from '../shared/wasm-host.js';
import { handle } from './messages.js';
import { remember, showsAThread } from './shown.js';
import { loadReaderSettings, saveReaderSettings } from '../shared/reader-settings.js';

// The last thread extracted, as JSON (for the console and tests: what the
// extractor produced, beyond what the reader shows).
export let lastThread = null;

function since(t0) {
  return Math.round((performance.now() - t0) * 10) / 10;
}

// X's JSON sent during one unroll (content/x-capture.js xSession), by
// tab and session id (a tab reaches only its own sessions): each look sends
// only the bodies captured since the last one, and the unroll that ends the
// session sends none of them again. A session is dropped when its unroll is done,
// or after SESSION_MS (a cancelled unroll), and the oldest goes when more
// than MAX_SESSIONS are open.
const xSessions = new Map(); // `${tabId} ${session}` → {json: [], followed: [], at}
const SESSION_MS = 10 * 60_000;
const MAX_SESSIONS = 8;

// sessionBodies adds add's {json, followed} to the session and returns all
// of the session's; null when the session is unknown but the sender
// believes it holds captures up to since > 0 (the worker restarted since):
// the sender then resends everything.
function sessionBodies(sender, session, since, add) {
  const now = Date.now();
  for (const [id, s] of xSessions) if (now - s.at > SESSION_MS) xSessions.delete(id);
  const key = `${sender.tab?.id} ${session}`;
  let s = xSessions.get(key);
  if (!s) {
    if (since > 0) return null;
    s = { json: [], followed: [], at: now };
    xSessions.set(key, s);
    while (xSessions.size > MAX_SESSIONS) xSessions.delete(xSessions.keys().next().value);
  }
  s.json.push(...strings(add?.json));
  s.followed.push(...strings(add?.followed));
  s.at = now;
  return s;
}

// xSessionsHeld lists the open sessions (tests, the console): the tab,
// how many bodies and bytes each holds.
export const xSessionsHeld = () => [...xSessions].map(([key, s]) => ({ tab: Number(key.split(' ')[0]), bodies: s.json.length, bytes: s.json.reduce((n, b) => n + b.length, 0) }));

const strings = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

// collected is what a content-script collector returned: {content} for a
// whole page, or {html, json, stoppedBy, followed} from the X collector —
// with session set, json and followed hold only what the session lacks.
// clickedAt (epoch ms) tells whether the WASM had to be loaded for this
// click (a first click, or the worker was stopped since the last one).
handle('reader:unroll', async ({ url, collected, clickedAt }, sender) => {
  const t0 = performance.now();
  let captures = null;
  if (typeof collected.content !== 'string') {
    const bodies = typeof collected.session === 'string' ? sessionBodies(sender, collected.session, collected.since, collected) : { json: strings(collected.json), followed: strings(collected.followed) };
    if (!bodies) return { resend: true };
    captures = { html: strings(collected.html), json: bodies.json, followed: bodies.followed, stoppedBy: typeof collected.stoppedBy === 'string' ? collected.stoppedBy : '' };
    xSessions.delete(`${sender.tab?.id} ${collected.session}`);
  }
  return unroll({ url, captures, content: collected.content, clickedAt, settings: loadReaderSettings() }, sender, t0);
}, { page: true });

// unroll extracts the thread from captures (or a whole page's content),
// renders it with the reader's settings (a promise: read while the WASM
// works) and records what the tab shows; t0 is when the request came.
async function unroll({ url, captures, content, clickedAt, settings: settingsRead }, sender, t0) {
  const [, settings] = await Promise.all([ready(), settingsRead]);
  const tReady = since(t0);
  const t1 = performance.now();
  const thread = captures ? await call('extractCollected', url, captures) : await call('extract', url, content);
  const tExtract = since(t1);
  lastThread = thread;
  // The tab's record of what it shows is written while the WASM renders
  // (storage is another process); the answer waits for both.
  const t2 = performance.now();
  let tRender = 0;
  const rendered = call('render', thread, JSON.stringify(settings)).then((html) => {
    tRender = since(t2);
    return html;
  });
  const [html] = await Promise.all([rendered, remember(sender, thread)]);
  return { thread, html, settings, timings: { wasmLoadedForThisClick: stats.loadedAt > clickedAt, wasmLoadMs: stats.loadMs, wasmWarmUp: stats.warmUp, wasmReady: tReady, extract: tExtract, render: tRender, handlerMs: since(t0) } };
}

// The X collector's question before any scrolling: does X's JSON the page
// fetched hold the whole chain, and which cursor would extend it? Asked
// again after each answer, within a session; asked ahead of the click too
// (ahead), as the page captures X's answers. A look of the click asks with
// unroll (the click's clickedAt): when the chain is complete, the answer
// carries the unrolled thread too (unrolled, as reader:unroll answers), so
// the click's last look and its unroll are one round trip.
handle('reader:x-continuations', async (msg, sender) => {
  const bodies = sessionBodies(sender, msg.session, msg.since, msg.collected);
  if (!bodies) return { resend: true };
  const unrolling = msg.ahead !== true && typeof msg.unroll === 'number';
  const settings = unrolling ? loadReaderSettings() : null;
  await ready();
  const t1 = performance.now();
  const chain = JSON.parse(await (msg.ahead === true ? callAhead : call)('xContinuations', msg.url, { json: bodies.json, followed: bodies.followed }));
  const wasmMs = since(t1);
  if (!unrolling || !chain.complete) return { ...chain, wasmMs };
  xSessions.delete(`${sender.tab?.id} ${msg.session}`);
  const captures = { html: [], json: bodies.json, followed: bodies.followed, stoppedBy: 'end' };
  return { ...chain, wasmMs, unrolled: await unroll({ url: msg.url, captures, content: null, clickedAt: msg.unroll, settings }, sender, performance.now()) };
}, { page: true });

handle('reader:render', async ({ thread, settings }) => {
  const merged = await saveReaderSettings(settings);
  return { html: await call('render', thread, JSON.stringify(merged)), settings: merged };
}, { page: true });

handle('reader:export', async ({ thread, format }) => call('export', thread, format), { page: true });

// The vendored HLS player library (vendor/README.md), put into the tab
// that asks on its first HLS play: into the content scripts' world, where the
// reader is, never the page's. The tab was acted on (activeTab), and only a
// tab whose reader shows a thread may ask.
export const HLS_PLAYER = 'vendor/hls.light.min.js';
handle('reader:player', async (_msg, sender) => {
  await chrome.scripting.executeScript({ target: { tabId: sender.tab.id, frameIds: [sender.frameId ?? 0] }, files: [HLS_PLAYER] });
}, { page: showsAThread });
