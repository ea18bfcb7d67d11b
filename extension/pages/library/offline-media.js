// @ts-check
// The files of a saved thread, kept on this device when the user asks
// ("Keep media offline" in the library's reader): pictures, posters and the
// clips the reader plays, so the thread reads whole without a network. They
// are fetched only on that press, never synced (each device decides), and
// counted in the library's storage line.
//
// Which addresses are the thread's files is the renderer's rule
// (shared/render: only https URLs from the thread's structured media), so
// they are read from the rendered reader's markup, never from the thread
// again. An HLS clip (Bluesky) is kept as its highest rendition: the
// playlist's text and each segment, played back from blob: URLs.
import { done, req } from '../../shared/db.js';

const DB_NAME = 'unspool-media';
const STORE = 'files'; // {id: key + '\n' + url, key, url, size, blob} or, for HLS, {…, playlist, base}
const PARALLEL = 4; // fetches at once: a thread of 25 clips should not open 25 connections

// What names a file in the rendered reader. A photo's link is its full
// size, which also serves its thumbnail (one file kept per photo).
const FILES = [
  ['a.u-photo', 'href'],
  ['img:not(a.u-photo img)', 'src'],
  ['video[poster]', 'poster'],
  ['.u-media[src]', 'src'],
];
const HLS = 'video[data-u-hls]';

let opened;
function db() {
  opened ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id' }).createIndex('key', 'key');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }).catch((e) => { opened = undefined; throw e; });
  return opened;
}

const https = (s) => {
  try {
    return new URL(s).protocol === 'https:' ? new URL(s).href : '';
  } catch {
    return '';
  }
};

// filesOf lists the https files the rendered reader under root names:
// {files: [url…], hls: [playlist url…]}.
export function filesOf(root) {
  const files = new Set();
  for (const [sel, attr] of FILES) for (const el of root.querySelectorAll(sel)) files.add(https(el.getAttribute(attr)));
  const hls = new Set([...root.querySelectorAll(HLS)].map((v) => https(v.dataset.uHls)));
  files.delete('');
  hls.delete('');
  return { files: [...files], hls: [...hls] };
}

async function fetchBlob(url) {
  const res = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!res.ok) throw new Error(`${new URL(url).host} answered ${res.status}`);
  return res.blob();
}

async function fetchText(url) {
  return (await fetchBlob(url)).text();
}

// URI lines of a playlist, and the URI="…" of its #EXT-X-MAP (fMP4's init).
const uriLines = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const MAP_URI = /#EXT-X-MAP:.*?URI="([^"]+)"/g;

// rendition fetches an HLS playlist; a master playlist gives its variant of
// the highest BANDWIDTH. Returns {text, base} of a media playlist.
async function rendition(url) {
  const text = await fetchText(url);
  if (!text.includes('#EXT-X-STREAM-INF')) return { text, base: url };
  const lines = text.split('\n').map((l) => l.trim());
  let best = null;
  lines.forEach((l, i) => {
    if (!l.startsWith('#EXT-X-STREAM-INF')) return;
    const bw = Number(/BANDWIDTH=(\d+)/.exec(l)?.[1] ?? 0);
    const uri = lines.slice(i + 1).find((n) => n && !n.startsWith('#'));
    if (uri && (!best || bw > best.bw)) best = { bw, uri };
  });
  if (!best) throw new Error('the playlist names no rendition');
  const variant = new URL(best.uri, url).href;
  return { text: await fetchText(variant), base: variant };
}

const segmentsOf = ({ text, base }) =>
  [...uriLines(text), ...[...text.matchAll(MAP_URI)].map((m) => m[1])].map((u) => https(new URL(u, base).href)).filter(Boolean);

// pool runs fn over items, PARALLEL at a time; returns the errors by item.
async function pool(items, fn) {
  const failed = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed.push({ url: item, error: e.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return failed;
}

async function put(rows) {
  const tx = (await db()).transaction(STORE, 'readwrite');
  for (const r of rows) tx.objectStore(STORE).put(r);
  await done(tx);
}

// keep fetches and stores the files root names for thread key. Returns
// usage(key) and the files that could not be kept ({url, error}): a host
// that refuses (or does not allow reading from another origin) loses
// nothing but that file.
export async function keep(key, root) {
  const { files, hls } = filesOf(root);
  const row = (url, fields) => ({ id: `${key}\n${url}`, key, url, ...fields });
  const failed = await pool(files, async (url) => {
    const blob = await fetchBlob(url);
    await put([row(url, { size: blob.size, blob })]);
  });
  for (const url of hls) {
    try {
      const r = await rendition(url);
      const segments = segmentsOf(r);
      const blobs = new Map();
      const lost = await pool(segments, async (s) => blobs.set(s, await fetchBlob(s)));
      if (lost.length) throw new Error(lost[0].error);
      await put([
        row(url, { size: r.text.length, playlist: r.text, base: r.base }),
        ...[...blobs].map(([s, blob]) => row(s, { size: blob.size, blob })),
      ]);
    } catch (e) {
      failed.push({ url, error: e.message });
    }
  }
  return { ...(await usage(key)), failed };
}

// drop removes the files kept for keys.
export async function drop(keys) {
  const tx = (await db()).transaction(STORE, 'readwrite');
  const index = tx.objectStore(STORE).index('key');
  for (const key of keys) {
    index.openKeyCursor(IDBKeyRange.only(key)).onsuccess = (e) => {
      const c = e.target.result;
      if (!c) return;
      tx.objectStore(STORE).delete(c.primaryKey);
      c.continue();
    };
  }
  await done(tx);
}

// usage counts what is kept: for one thread ({files, bytes}), or for all
// of them ({threads, files, bytes}). Keys not in live (when given) are
// threads deleted since: their files are dropped and not counted.
/**
 * @param {string} [key]
 * @param {{live?: Set<string>}} [options]
 */
export async function usage(key, { live } = {}) {
  const store = (await db()).transaction(STORE).objectStore(STORE);
  const rows = await req(key ? store.index('key').getAll(IDBKeyRange.only(key)) : store.getAll());
  const gone = live ? [...new Set(rows.map((r) => r.key))].filter((k) => !live.has(k)) : [];
  if (gone.length) await drop(gone);
  const kept = rows.filter((r) => !gone.includes(r.key));
  return { threads: new Set(kept.map((r) => r.key)).size, files: kept.length, bytes: kept.reduce((n, r) => n + r.size, 0) };
}

// served replaces, under root, each kept file's address by a blob: URL of
// its stored copy (an HLS clip's by a playlist whose segments are stored
// copies). Returns a function that releases the blob: URLs.
export async function served(key, root) {
  const rows = await req((await db()).transaction(STORE).objectStore(STORE).index('key').getAll(IDBKeyRange.only(key)));
  if (!rows.length) return () => {};
  const made = [];
  const blobURL = (blob) => {
    const u = URL.createObjectURL(blob);
    made.push(u);
    return u;
  };
  const byURL = new Map(rows.filter((r) => r.blob).map((r) => [r.url, r]));
  const local = new Map();
  const of = (url) => {
    const u = https(url);
    if (!byURL.has(u)) return null;
    if (!local.has(u)) local.set(u, blobURL(byURL.get(u).blob));
    return local.get(u);
  };
  for (const [sel, attr] of FILES) {
    for (const el of root.querySelectorAll(sel)) {
      const u = of(el.getAttribute(attr));
      if (!u) continue;
      el.setAttribute(attr, u);
      if (el.matches('a.u-photo')) el.querySelector('img')?.setAttribute('src', u);
    }
  }
  for (const r of rows.filter((x) => x.playlist)) {
    const rewrite = (uri) => of(new URL(uri, r.base).href) ?? uri;
    const text = r.playlist
      .split('\n')
      .map((l) => (l.trim() && !l.startsWith('#') ? rewrite(l.trim()) : l.replace(MAP_URI, (m, uri) => m.replace(uri, rewrite(uri)))))
      .join('\n');
    const u = blobURL(new Blob([text], { type: 'application/vnd.apple.mpegurl' }));
    for (const v of root.querySelectorAll(HLS)) if (https(v.dataset.uHls) === r.url) v.dataset.uHls = u;
  }
  return () => made.forEach((u) => URL.revokeObjectURL(u));
}
