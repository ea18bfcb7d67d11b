// @ts-check
// Share: publish one thread as a public reader page on the sync
// server, unpublish it, copy its link. Runs in the background worker and
// answers "share:…" messages from the reader toolbar (content/share-actions.js)
// and the library's pages (pages/library/share-controls.js).
//
// Publishing is the one place where a thread leaves the device as plaintext,
// so it is always an explicit act on one thread. It needs sync to be on: the
// library's auth key is what the server knows the publisher by (and what
// lets only this library unpublish the page).
//
// Which threads are published is remembered locally (meta "shares", by
// thread key) and refreshed from the server's list, so another device's
// publish shows here too.

import { getMeta, setMeta } from '../shared/db.js';
import { handle } from './messages.js';
import { onlyShownThread } from './shown.js';
import * as library from '../shared/library-store.js';
import { api as recordOps } from '../shared/record-ops.js';
import { requireConsent } from '../shared/data-consent.js';

const META = 'shares';
const REFRESH_MS = 60_000; // the server's list is read again at most this often

export const SYNC_OFF = 'Publishing needs sync: turn sync on in Unspool\'s options first (the page is published under your library\'s key, so only you can unpublish it).';

async function syncConfig() {
  const cfg = await getMeta('sync', null);
  if (!cfg?.server || !cfg?.libraryId || !cfg?.authKey) throw new Error(SYNC_OFF);
  return cfg;
}

async function api(cfg, method, path, body) {
  let res;
  try {
    res = await fetch(`${cfg.server}/v1/libraries/${cfg.libraryId}/shares${path}`, {
      method,
      headers: { Authorization: `Bearer ${cfg.authKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  } catch {
    throw new Error(`Can't reach the server (${new URL(cfg.server).host}); nothing was changed.`);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const words = {
    401: 'The server no longer accepts this library\'s key; check sync in the options.',
    413: 'This thread is too large to publish.',
    429: 'The server asked us to slow down; try again in a minute.',
  }[res.status] ?? `The server refused (${res.status}${data?.error?.message ? `: ${data.error.message}` : ''}).`;
  throw Object.assign(new Error(words), { status: res.status });
}

// A share as the UI sees it: the absolute page URL on the sync server.
function view(cfg, s) {
  return { slug: s.slug, url: cfg.server + s.url, indexable: s.indexable, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

async function known() { return getMeta(META, { at: 0, owner: '', byKey: {} }); }

// owner names the library a cached list belongs to: turning sync off and
// joining another library (or server) must not show the old one's shares.
const ownerOf = (cfg) => `${cfg.server} ${cfg.libraryId}`;

// refresh reads the server's list when the local copy is older than
// REFRESH_MS (or force), so a publish or unpublish on another device shows.
async function refresh(cfg, { force = false } = {}) {
  const k = await known();
  if (!force && k.owner === ownerOf(cfg) && Date.now() - k.at < REFRESH_MS) return k;
  const { shares } = await api(cfg, 'GET', '');
  const byKey = {};
  const ops = await recordOps();
  for (const s of shares) byKey[ops.canonicalId(s.platform, s.threadId)] = view(cfg, s);
  const next = { at: Date.now(), owner: ownerOf(cfg), byKey };
  await setMeta(META, next);
  return next;
}

async function remember(cfg, key, share) {
  const k = await known();
  const mine = k.owner === ownerOf(cfg);
  const byKey = mine ? { ...k.byKey } : {};
  if (share) byKey[key] = share;
  else delete byKey[key];
  await setMeta(META, { at: mine ? k.at : 0, owner: ownerOf(cfg), byKey });
}

// threadOf takes {thread} (JSON string or object, from the reader) or
// {key} (a saved thread, from the library).
async function threadOf({ thread, key }) {
  if (thread) return typeof thread === 'string' ? JSON.parse(thread) : thread;
  const rec = key ? await library.get(key) : null;
  if (!rec || rec.deleted || !rec.thread) throw new Error('This thread is not in your library.');
  return rec.thread;
}

async function keyOf({ thread, key }) {
  return key ?? library.threadKey(thread);
}

// status answers {sync, published, share?, message}: what the buttons show.
export async function status(msg) {
  const key = await keyOf(msg);
  let cfg;
  try { cfg = await syncConfig(); } catch (e) { return { sync: false, published: false, message: e.message }; }
  let k;
  try { k = await refresh(cfg); } catch { k = await known(); } // offline: what we knew
  const share = k.owner === ownerOf(cfg) ? k.byKey[key] : undefined;
  return { sync: true, published: !!share, share, message: share ? `Published at ${share.url}` : 'Not published.' };
}

// publish sends the thread; publishing it again updates the page in place
// (same link).
export async function publish(msg) {
  const cfg = await syncConfig();
  await requireConsent();
  const thread = await threadOf(msg);
  const res = await api(cfg, 'POST', '', { thread, ...(msg.indexable ? { indexable: true } : {}) });
  const share = view(cfg, res);
  await remember(cfg, await library.threadKey(thread), share);
  return { sync: true, published: true, share, message: `Published: ${share.url}` };
}

// unpublish takes the page down: from then on its link answers "gone".
export async function unpublish(msg) {
  const cfg = await syncConfig();
  const key = await keyOf(msg);
  const share = (await refresh(cfg)).byKey[key];
  if (share) {
    try {
      await api(cfg, 'DELETE', `/${share.slug}`);
    } catch (e) {
      if (e.status !== 404) throw e; // 404: already unpublished elsewhere
    }
  }
  await remember(cfg, key, null);
  return { sync: true, published: false, message: 'Unpublished: the link no longer shows the thread.' };
}

// The reader (a content script) may ask these of the thread it shows only.
handle('share:status', status, { page: onlyShownThread });
handle('share:publish', publish, { page: onlyShownThread });
handle('share:unpublish', unpublish, { page: onlyShownThread });
handle('share:refresh', async () => {
  const cfg = await syncConfig();
  return (await refresh(cfg, { force: true })).byKey;
});
