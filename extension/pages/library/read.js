// @ts-check
// One saved thread, read offline: rendered from the stored Thread by the
// WASM renderer in this page (no network, no background round trip), with
// the thread's tags and note editable and delete with undo.

import { get, setTags, setNote, setReadPosition, setKeepCurrent, remove, undoRemove, markSeen } from '../../shared/library-store.js';
import { settings as keepSettings, follows } from '../../shared/keep-settings.js';
import { call } from '../../shared/wasm-host.js';
import { api } from '../../shared/record-ops.js';
import { listTitle } from '../../shared/search.js';
import { loadReaderSettings } from '../../shared/reader-settings.js';
import { keep, drop, usage, served } from './offline-media.js';

// This page's own elements by id (inputs, buttons, templates: each used as
// what it is).
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const key = new URLSearchParams(location.search).get('key') ?? '';
const POSITION_SAVE_MS = 800;             // after scrolling stops
const PIN_MS = 3000;                      // how long a restored position is held while pictures load

function fail(message) {
  const p = document.createElement('p');
  p.className = 'read-error';
  p.textContent = message;
  $('reader').replaceChildren(p);
  $('offline').hidden = true; // nothing to keep
}

// show puts the renderer's fragment (its own <style> and markup) in a shadow
// root so its styles and the page's do not mix. The fragment is the Go
// renderer's escaped output; DOMParser builds it without running scripts.
// Files kept offline are served from their stored copies (swapped in before
// the fragment joins the page, so the network is never asked for them).
let release = () => {};
async function show(html) {
  const host = $('reader');
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const media = document.createElement('style');
  media.textContent = globalThis.unspoolMedia.CSS;
  release();
  release = await served(key, doc);
  root.replaceChildren(...doc.head.childNodes, media, ...doc.body.childNodes);
  // Clips play and pictures open full size as in the overlay; this page's
  // own policy (the manifest's) does not restrict media.
  globalThis.unspoolMedia.enhance(root, { loadHls });
}

const kb = (bytes) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

// offlineMedia wires "Keep media offline": the thread's files are fetched
// and stored on this device only on that press, and dropped on the next.
async function offlineMedia() {
  const button = $('offline');
  const said = (u, failed = []) => {
    button.textContent = u.files ? 'Remove offline media' : 'Keep media offline';
    button.setAttribute('aria-pressed', String(u.files > 0));
    $('offline-state').textContent = (u.files ? `Media kept offline: ${u.files} file${u.files === 1 ? '' : 's'}, ${kb(u.bytes)}.` : '') +
      (failed.length ? ` ${failed.length} could not be kept (${failed[0].error}).` : '');
  };
  said(await usage(key));
  // The button is in the bar from the start, disabled until its state is
  // known: shown late, it would shift the share controls beside it under a
  // click already aimed at them.
  button.disabled = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      if ((await usage(key)).files) {
        await drop([key]);
        said(await usage(key));
      } else {
        $('offline-state').textContent = 'Keeping media offline…';
        const got = await keep(key, $('reader').shadowRoot);
        said(got, got.failed);
      }
    } catch (e) {
      $('offline-state').textContent = `Media could not be kept: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  });
}

// loadHls loads the vendored HLS player library on the first HLS play.
let hlsLoading = null;
function loadHls() {
  hlsLoading ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '../../vendor/hls.light.min.js';
    s.onload = () => resolve(globalThis.Hls);
    s.onerror = () => reject(new Error('the HLS player could not be loaded'));
    document.head.append(s);
  });
  return hlsLoading;
}

// The renderer draws the posts in the thread's order, one section each.
const sections = () => [...($('reader').shadowRoot?.querySelectorAll('section.u-post') ?? [])];
const barHeight = () => document.querySelector('.read-bar').getBoundingClientRect().height;

// trackPosition reopens the thread where it was left (on any device: the
// position syncs) and records the post at the top of the screen when the
// reader stops scrolling.
function trackPosition(rec) {
  const posts = rec.thread.posts;
  const at = posts.findIndex((p) => p.id === rec.readPosition?.postId);
  if (at > 0) {
    const pin = () => {
      sections()[at]?.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -barHeight());
    };
    pin();
    // Pictures above the post take their size as they load (or fail,
    // offline) and push it down: keep it pinned while the page settles,
    // until the reader scrolls themselves.
    let settled = false;
    const stop = () => { settled = true; };
    for (const ev of ['wheel', 'keydown', 'touchstart', 'mousedown']) window.addEventListener(ev, stop, { once: true, passive: true });
    const ro = new ResizeObserver(() => { if (!settled) pin(); });
    ro.observe($('reader'));
    setTimeout(() => { settled = true; ro.disconnect(); }, PIN_MS);
  }
  let last = rec.readPosition?.postId;
  let timer;
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const top = barHeight() + 1;
      const i = sections().findIndex((s) => s.getBoundingClientRect().bottom > top);
      const postId = posts[Math.max(0, i)]?.id;
      if (!postId || postId === last) return;
      last = postId;
      const doc = document.documentElement;
      const progress = Math.min(1, Math.round(((window.scrollY + window.innerHeight) / doc.scrollHeight) * 100) / 100);
      setReadPosition(key, { postId, progress }).catch(() => {});
    }, POSITION_SAVE_MS);
  }, { passive: true });
}

async function start() {
  const rec = await get(key);
  if (!rec || rec.deleted || !rec.thread) return fail('This thread is not in your library (it may have been deleted).');
  const t = rec.thread;
  $('original').href = t.url;
  $('tags').value = rec.tags.join(', ');
  $('note').value = rec.note ?? '';
  let settings = {};
  try { settings = await loadReaderSettings(); } catch { /* defaults */ }
  // Posts keep current added since the thread was last read are marked
  // (the renderer's newSince); opening it is reading it, on every device.
  const fresh = (await api()).newPosts(rec);
  try {
    await show(await call('render', JSON.stringify(t), JSON.stringify({ ...settings, ...(fresh.count ? { newSince: fresh.since } : {}) })));
    // The tab names the thread as the library's list does (Go's title).
    document.title = `${t.author?.name || '@' + t.author?.handle} — ${listTitle(await api(), t)}`;
  } catch (e) {
    return fail(`This thread could not be shown: ${e.message}`);
  }
  if (fresh.count) markSeen(key).catch(() => {});
  const ks = await keepSettings();
  $('keep').checked = follows(rec, ks);
  $('keep').disabled = !ks.on;
  $('keep').addEventListener('change', async () => {
    await setKeepCurrent(key, $('keep').checked);
    $('saved-state').textContent = $('keep').checked ? 'This thread is kept current.' : 'This thread is no longer kept current.';
  });
  trackPosition(rec);
  await offlineMedia();
  document.documentElement.dataset.ready = '1';

  const said = (text) => { $('saved-state').textContent = text; };
  $('tags').addEventListener('change', async () => {
    await setTags(key, $('tags').value.split(',').map((s) => s.trim().replace(/^#/, '')).filter(Boolean));
    said('Tags saved.');
  });
  $('note').addEventListener('change', async () => {
    await setNote(key, $('note').value);
    said('Note saved.');
  });
  $('delete').addEventListener('click', async () => {
    const before = await remove([key]);
    $('toast-text').textContent = 'Deleted from your library.';
    $('toast-undo').hidden = false;
    $('toast').hidden = false;
    $('toast-undo').onclick = async () => {
      await undoRemove(before);
      $('toast').hidden = true;
    };
  });
}

start().catch((e) => fail(`The library could not be opened: ${e.message}`));
