// @ts-check
// Keep current: saved threads brought up to date when their author adds
// posts, edits or deletes one, without the user collecting them again.
//
// Bluesky, Mastodon (and the servers that speak its API) and Misskey: every
// INTERVAL_MIN, on chrome.alarms, each thread kept current (keep-settings.js
// follows: its own switch, else saved less than N days ago) is read again
// with public requests (one, but for Misskey) —
//   Bluesky:  the AppView's getPostThread for the saved post (bluesky-appview.js)
//   Mastodon: GET <server>/api/v1/statuses/<first post>/context, whose
//             descendants are the rest of the thread as the server has it
//             now; every other reading GET <server>/api/v1/statuses/<first
//             post> instead, for that post's own edits; a 404 of either says
//             the first post is gone (Go's extract.MastodonReading)
//   Misskey:  POST <server>/api/notes/show, …/conversation, …/children for
//             the saved note (shared/misskey-api.js), on the server it was
//             read on
// — with no cookies and no referrer: what leaves the browser is the post's
// own address. At most one request per thread per interval; a 429 or 5xx
// answer puts that thread off (Retry-After honoured, else doubling from the
// interval up to a day); nothing is asked while the browser is offline. The
// answers are read by Go (unspool.extract, mastodonReading), never here,
// and merged by Go's rules (library-store refresh → shared/sync Refresh).
//
// X: nothing is fetched. keep-x.js hands this module what an X page
// captured itself (onXCaptures).
//
// New posts are counted on the library's rows and on the toolbar badge
// (the sum over the library), and marked in the library's reader.
import { handle } from './messages.js';
import { callAhead } from '../shared/wasm-host.js';
import { onAheadCaptures } from './reader-api.js';
import * as library from '../shared/library-store.js';
import { fetchThread } from './bluesky-appview.js';
import { misskeyNote, MisskeyAPIError } from '../shared/misskey-api.js';
import { settings, follows } from '../shared/keep-settings.js';

export const ALARM = 'unspool-keep-current';
export const INTERVAL_MIN = 60;
const INTERVAL_MS = INTERVAL_MIN * 60_000;
const MAX_BACKOFF_MS = 24 * 60 * 60_000;
const TIMEOUT_MS = 10_000;
// When each thread may be read next, how many times in a row it failed,
// and how many readings it had (Mastodon alternates its two requests by
// it): {[key]: {next, fails, turn}}, on this device.
const STATE_KEY = 'keepCurrentState';

// The platforms read again here; X's threads come from its pages
// (onXCaptures), others are not read again.
const READ_AGAIN = ['bluesky', 'mastodon', 'misskey'];

// A Bluesky post page: the AppView request is made of its two parts
// (bluesky-appview.js checks them again).
const BLUESKY_POST = /^https:\/\/(?:bsky\.app|staging\.bsky\.app|main\.bsky\.dev)\/profile\/([^/?#]+)\/post\/([^/?#]+)/;

// An answer that says "not now": the thread is put off, not dropped.
class Busy extends Error {
  constructor(status, retryAfterMs) {
    super(`the server answered ${status}`);
    this.retryAfterMs = retryAfterMs;
  }
}

// retryAfterMs reads how long a 429 or 503 asks to wait: Retry-After
// (seconds or a date), else Mastodon's X-RateLimit-Reset (a date; it is
// the one its CORS answers let a script read); null when neither says.
function retryAfterMs(res) {
  for (const name of ['retry-after', 'x-ratelimit-reset']) {
    const v = res.headers.get(name);
    if (v === null) continue;
    const s = Number(v);
    const ms = name === 'retry-after' && Number.isFinite(s) ? s * 1000 : Date.parse(v) - Date.now();
    if (Number.isFinite(ms)) return Math.max(0, ms);
  }
  return null;
}

// getText fetches url; gone is what a 404 gives instead of the text.
async function getText(url, gone) {
  const res = await fetch(url, {
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (res.status === 429 || res.status >= 500) throw new Busy(res.status, retryAfterMs(res));
  if (res.status === 404 && gone !== undefined) return gone;
  if (!res.ok) throw new Error(`${new URL(url).host} answered ${res.status}`);
  return res.text();
}

// reading reads a saved thread again at its source, with one request, the
// turn-th time: the fresh Thread JSON from the Go extractors, or null for a
// platform read only from its pages.
export async function reading(t, turn = 0) {
  if (t.platform === 'bluesky') {
    const m = BLUESKY_POST.exec(t.url);
    if (!m) throw new Error(`not a Bluesky post address: ${t.url}`);
    let content;
    try {
      content = await fetchThread(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    } catch (err) {
      const status = Number(/answered (\d{3})/.exec(err?.message ?? '')?.[1]);
      if (status === 429 || status >= 500) throw new Busy(status, null);
      throw err;
    }
    return callAhead('extract', t.url, content);
  }
  if (t.platform === 'mastodon') {
    // Go says what to ask (and refuses a thread its address's server
    // cannot answer for), and reads the answer against the saved thread.
    const saved = JSON.stringify(t);
    const req = JSON.parse(await callAhead('mastodonRequest', saved, turn));
    const GONE = {};
    const body = await getText(req.url, GONE);
    return body === GONE ? callAhead('mastodonReading', saved, 'gone', '') : callAhead('mastodonReading', saved, req.kind, body);
  }
  if (t.platform === 'misskey') {
    // The server the thread was read on names the author's profile
    // (shared/extract missAuthor: https://<server>/@user[@their server]);
    // a remote author's note keeps its origin's address in t.url, and the
    // ids are that server's. The opened note is asked again there, as the
    // collector asked it, and its note page is the extractor's page.
    const origin = new URL(t.author?.url ?? '').origin;
    if (!origin.startsWith('https://')) throw new Error(`not an https server: ${t.author?.url}`);
    const id = String(t.focalId || t.id);
    try {
      return callAhead('extract', new URL(`/notes/${id}`, origin).href, await misskeyNote(origin, id));
    } catch (err) {
      if (err instanceof MisskeyAPIError && (err.status === 429 || err.status >= 500)) throw new Busy(err.status, null);
      throw err;
    }
  }
  return null;
}

// run reads again every thread that is due and merges what changed.
// Returns {checked, updated, added, skipped, failed: [{key, error}]}.
export async function run({ force = false } = {}) {
  const out = { checked: 0, updated: 0, added: 0, skipped: 0, failed: [] };
  const s = await settings();
  if (!s.on) return { ...out, off: true };
  if (globalThis.navigator?.onLine === false) return { ...out, offline: true };
  // The list's rows say which threads are due (live ones, small); only
  // those records are read.
  const rows = await library.rows();
  const state = (await chrome.storage.local.get(STATE_KEY))[STATE_KEY] ?? {};
  const now = Date.now();
  for (const row of rows) {
    if (!follows(row, s) || !READ_AGAIN.includes(row.platform)) continue;
    const st = { next: 0, fails: 0, turn: 0, ...state[row.key] };
    if (!force && st.next > now) {
      out.skipped++;
      continue;
    }
    const rec = await library.get(row.key);
    if (!rec?.thread || rec.deleted) continue;
    out.checked++;
    try {
      const fresh = await reading(rec.thread, st.turn);
      const ch = await library.refresh(rec.key, JSON.parse(fresh));
      if (ch && (ch.added || ch.edited || ch.removed || ch.restored)) out.updated++;
      out.added += ch?.added ?? 0;
      // A little under the interval, so the next alarm finds it due.
      state[rec.key] = { next: now + INTERVAL_MS * 0.9, fails: 0, turn: st.turn + 1 };
    } catch (err) {
      const fails = st.fails + 1;
      const wait = err instanceof Busy
        ? Math.min(MAX_BACKOFF_MS, Math.max(err.retryAfterMs ?? 0, INTERVAL_MS * 2 ** (fails - 1)))
        : INTERVAL_MS * 0.9;
      // A refused answer of one request does not hold back the other.
      state[rec.key] = { next: now + wait, fails: err instanceof Busy ? fails : 0, turn: err instanceof Busy ? st.turn : st.turn + 1 };
      out.failed.push({ key: rec.key, error: String(err?.message ?? err) });
    }
  }
  // Threads no longer in the library are forgotten.
  const live = new Set(rows.map((r) => r.key));
  for (const k of Object.keys(state)) if (!live.has(k)) delete state[k];
  await chrome.storage.local.set({ [STATE_KEY]: state });
  return out;
}

// onXCaptures merges what an X page captured (TweetDetail bodies) into the
// saved thread they hold, if it is kept current. url is the page's
// address. Returns the changes, or null when no kept thread is there.
export async function onXCaptures(url, json) {
  const s = await settings();
  if (!s.on || !json.length) return null;
  const rows = await library.rows();
  // Which kept X threads the captures could hold: X's data of any post of
  // a thread names its first post (the thread's id: the key after shared/sync
  // CanonicalIDSeparator ":") among the ancestors. Only then is the WASM
  // asked.
  const kept = rows.filter((r) => r.platform === 'x' && follows(r, s) && json.some((b) => b.includes(`"${r.key.slice(r.key.indexOf(':') + 1)}"`)));
  if (!kept.length) return null;
  const fresh = JSON.parse(await callAhead('extractCollected', url, { html: [], json, followed: [], stoppedBy: '' }));
  // An edited first post has a new id on X; the thread is kept under its
  // first version's (the reading lists it among previousIds).
  const ids = [fresh.id, ...(fresh.posts?.[0]?.previousIds ?? [])];
  const keys = await Promise.all(ids.map((id) => library.threadKey({ platform: fresh.platform, id })));
  const key = keys.find((k) => kept.some((r) => r.key === k));
  if (!key) return null;
  return library.refresh(key, fresh);
}

// What an X thread page captured reaches the background ahead of any click
// (content/x-collector.js looks ahead as the page loads): a moment after the
// last of it, it is merged in. Nothing is asked of X for this.
const X_SETTLE_MS = 1000;
const xPending = new Map(); // tab id → timer
onAheadCaptures((sender, url, json) => {
  const tab = sender.tab?.id ?? -1;
  clearTimeout(xPending.get(tab));
  xPending.set(tab, setTimeout(() => {
    xPending.delete(tab);
    onXCaptures(url, json).catch((err) => console.warn(`unspool: keep current (X): ${err.message}`));
  }, X_SETTLE_MS));
});

// badge shows how many posts are new since read, over the library.
export async function badge() {
  const n = (await library.rows()).reduce((sum, r) => sum + (r.fresh ?? 0), 0);
  await chrome.action.setBadgeText({ text: n ? String(Math.min(n, 999)) : '' });
  return n;
}

export function schedule() {
  chrome.alarms.get(ALARM).then((a) => { if (!a) return chrome.alarms.create(ALARM, { periodInMinutes: INTERVAL_MIN }); }, () => {});
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) run().catch((err) => console.warn(`unspool: keep current: ${err.message}`));
});
chrome.runtime.onInstalled.addListener(schedule);
chrome.runtime.onStartup.addListener(schedule);
let badgeTimer;
library.onChange(() => {
  clearTimeout(badgeTimer);
  badgeTimer = setTimeout(() => badge().catch(() => {}), 300);
});
// Pages' writes (a thread opened and read, a delete) reach the worker by
// the library's channel.
try {
  new BroadcastChannel(library.CHANNEL).onmessage = () => { badge().catch(() => {}); };
} catch { /* no BroadcastChannel: the badge follows the worker's own writes */ }

// keep:run — the options page's "Check now" (the alarm's work at once).
handle('keep:run', () => run({ force: true }));
schedule(); // an existing install updated in place gets its alarm too
