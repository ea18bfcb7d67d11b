// @ts-check
// The library page: every saved thread as a list, searched as you type,
// filtered by author, platform and tag, with an author view, bulk actions,
// delete with undo, and export/import. It reads IndexedDB directly: the
// small summaries first (the list is drawn from them), then the words for
// search; never the thread records. Rows are drawn FIRST at once and more
// as the user scrolls.

import { rows as loadRows, words as loadWords, remove, undoRemove, addTag, CHANNEL } from '../../shared/library-store.js';
import { SearchIndex } from '../../shared/search.js';
import { api as recordOps } from '../../shared/record-ops.js';
import { usage as mediaUsage } from './offline-media.js';
import { platformNames } from '../../shared/contract.gen.js';
import { Rows, setText } from './rows.js';
import { renderColumns } from './author-listing.js'; // saved and not-yet-saved threads of the author

// Loaded when used, not at open: exports and the WASM host.
const exporter = () => import('./export.js');

const FIRST = 40;         // rows drawn at once: more than a screenful, few enough to draw in a few ms
const PAGE = 100;         // rows added as the end of the list comes into view
const UNDO_MS = 10_000;   // how long "Undo" stays offered after a delete
const AUTHOR_SUGGESTIONS = 50;

// This page's own elements by id (inputs, buttons, templates: each used as
// what it is).
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const state = {
  index: new SearchIndex(),
  wordsLoaded: false,
  wordsReady: Promise.resolve(),
  results: [],
  shown: 0,
  selected: new Set(),
  filter: { handle: '', platform: '', tag: '' },
};

// ---------------------------------------------------------------- rendering

const rows = new Rows($('list'), $('row'), (key) => state.selected.has(key));

function showMore(n = PAGE) {
  const end = Math.min(state.shown + n, state.results.length);
  rows.show(state.results.slice(0, end));
  state.shown = end;
  setText($('more'), end < state.results.length ? `Showing ${end} of ${state.results.length}…` : '');
}

// render draws the results; keep (a refresh after a change elsewhere, a
// delete) keeps as many rows as were shown, so the reader's scroll
// position stays. Rows are updated in place (rows.js), never all redrawn.
function render(keep = false) {
  const n = keep ? Math.max(FIRST, state.shown) : FIRST;
  state.shown = 0;
  showMore(n);
  const total = state.index.rows.length;
  const found = state.results.length;
  setText($('count'), found === total ? `${total} saved thread${total === 1 ? '' : 's'}` : `${found} of ${total}`);
  $('empty').hidden = total !== 0;
  $('no-results').hidden = total === 0 || found !== 0;
  $('select-all').checked = found > 0 && state.results.every((r) => state.selected.has(r.key));
  renderBulk();
}

function renderBulk() {
  $('bulk').hidden = state.selected.size === 0;
  $('bulk-count').textContent = `${state.selected.size} selected`;
}

// fillSelect rebuilds a filter's options only when they changed: a refresh
// must not close or reset a list the user has open.
const optionsShown = new WeakMap();
function fillSelect(sel, entries, current) {
  const sig = JSON.stringify(entries);
  if (optionsShown.get(sel) !== sig) {
    optionsShown.set(sel, sig);
    const first = sel.options[0];
    sel.replaceChildren(first);
    for (const [value, label] of entries) sel.add(new Option(label, value, false, value === current));
  }
  if (sel.value !== current) sel.value = current;
}

// fillAuthors offers the most-saved authors (and those matching what is
// typed) when the author field is used.
function fillAuthors() {
  const typed = $('f-author').value.replace(/^@/, '').toLowerCase();
  const list = [...(state.authors ?? [])]
    .filter(([h]) => !typed || h.toLowerCase().includes(typed))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, AUTHOR_SUGGESTIONS);
  $('f-authors').replaceChildren(...list.map(([h, n]) => new Option(`${n} saved`, `@${h}`)));
}

function renderFilters() {
  const { authors, platforms, tags } = state.index.facets();
  // Authors: a field with suggestions rather than a list of every author —
  // a big library has thousands, which no one scrolls through and which
  // took longer to build than the rest of the page.
  state.authors = authors;
  fillSelect($('f-platform'), platforms.map((p) => [p, platformNames[p] ?? p]), state.filter.platform);
  fillSelect($('f-tag'), [...tags].sort((a, b) => a[0].localeCompare(b[0])).map(([t, n]) => [t, `#${t} (${n})`]), state.filter.tag);
  const h = state.filter.handle;
  $('author-view').hidden = !h;
  if (h) {
    const row = state.index.rows.find((r) => r.handle === h);
    setText($('author-title'), `All saved threads by ${row?.name ? row.name + ' ' : ''}@${h}`);
  }
  renderColumns($('author-columns'), h, h ? state.index.rows.filter((r) => r.handle.toLowerCase() === h.toLowerCase()) : []).catch(() => {});
}

// update runs the query and redraws; each call is timed so the benchmark can
// read the per-keystroke cost from the page's performance entries.
function update(start = performance.now(), keep = false) {
  // Words arrive just after the list is drawn; a query typed before that
  // runs when they are there (and its measure includes the wait).
  if ($('q').value.trim() && !state.wordsLoaded) {
    state.wordsReady.then(() => update(start, keep));
    return;
  }
  state.results = state.index.search($('q').value, state.filter);
  render(keep);
  void $('list').offsetHeight; // include the layout of the new rows in the measure
  performance.measure('search', { start });
}

// loadIndex builds the index from the summaries (enough to draw the list),
// then attaches the words for search without holding up the first paint.
async function loadIndex() {
  // Both reads start now; the list is drawn from the summaries as soon as
  // they arrive, and the words (5x larger) join the index when they do.
  const [rowsP, wordsP] = [loadRows(), loadWords()];
  const rows = await rowsP;
  performance.mark('library-rows');
  state.index = new SearchIndex(rows);
  state.wordsLoaded = false;
  const index = state.index;
  state.wordsReady = wordsP.then((w) => {
    index.addWords(w);
    if (state.index === index) state.wordsLoaded = true;
  });
}

// showStorage adds what "Keep media offline" stores on this device to the
// count line (after the list: it never delays it). Files of threads deleted
// since are dropped here.
async function showStorage() {
  const u = await mediaUsage(undefined, { live: new Set(state.index.byKey.keys()) });
  const mb = (u.bytes / 1024 / 1024).toFixed(u.bytes < 1024 * 1024 ? 2 : 1);
  $('storage').textContent = u.threads ? `Media kept offline: ${u.threads} thread${u.threads === 1 ? '' : 's'}, ${u.files} files, ${mb} MB` : '';
}

function syncURL() {
  const p = new URLSearchParams();
  if ($('q').value) p.set('q', $('q').value);
  for (const [k, v] of Object.entries(state.filter)) if (v) p.set(k, v);
  history.replaceState(null, '', p.size ? `?${p}` : location.pathname);
}

// showAuthor puts the author filter in its field. Only when the filter is
// set (not on every refresh): what the user is typing there stays.
function showAuthor() {
  $('f-author').value = state.filter.handle ? `@${state.filter.handle}` : '';
}

function setFilter(k, v) {
  state.filter[k] = v;
  if (k === 'handle') showAuthor();
  renderFilters();
  update();
  syncURL();
}

// ---------------------------------------------------------------- actions

let toastTimer;
function toast(text, undo) {
  clearTimeout(toastTimer);
  $('toast-text').textContent = text;
  $('toast-undo').hidden = !undo;
  $('toast-undo').onclick = undo ? async () => { $('toast').hidden = true; await undo(); } : null;
  $('toast').hidden = false;
  toastTimer = setTimeout(() => { $('toast').hidden = true; }, undo ? UNDO_MS : 5000);
}

async function deleteKeys(keys) {
  const before = await remove(keys);
  for (const r of before) { state.index.remove(r.key); state.selected.delete(r.key); }
  rows.forget((k) => state.index.byKey.has(k));
  renderFilters();
  update(performance.now(), true);
  const n = before.length;
  toast(`Deleted ${n} thread${n === 1 ? '' : 's'}.`, async () => {
    await undoRemove(before);
    await reload();
    toast(`Restored ${n} thread${n === 1 ? '' : 's'}.`);
  });
}

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

const today = () => new Date().toISOString().slice(0, 10);

async function reload() {
  await loadIndex();
  for (const k of [...state.selected]) if (!state.index.byKey.has(k)) state.selected.delete(k);
  rows.forget((k) => state.index.byKey.has(k));
  renderFilters();
  update(performance.now(), true);
  showStorage().catch(() => {});
}

function wire() {
  $('q').addEventListener('input', () => { update(); syncURL(); });
  $('f-author').addEventListener('focus', fillAuthors);
  $('f-author').addEventListener('input', (e) => {
    fillAuthors();
    const h = e.target.value.trim().replace(/^@/, '');
    // Filter once the field names an author saved here (or is emptied).
    if (!h || state.authors?.has(h)) setFilter('handle', h);
  });
  $('f-platform').addEventListener('change', (e) => setFilter('platform', e.target.value));
  $('f-tag').addEventListener('change', (e) => setFilter('tag', e.target.value));
  $('author-back').addEventListener('click', () => setFilter('handle', ''));

  $('list').addEventListener('click', (e) => {
    const li = e.target.closest('.row');
    if (!li) return;
    const key = li.dataset.key;
    if (e.target.closest('.author')) setFilter('handle', e.target.closest('.author').dataset.handle);
    else if (e.target.closest('.tag')) setFilter('tag', e.target.closest('.tag').dataset.tag);
    else if (e.target.closest('.delete')) deleteKeys([key]);
  });
  $('list').addEventListener('change', (e) => {
    if (!e.target.classList.contains('pick')) return;
    const key = e.target.closest('.row').dataset.key;
    if (e.target.checked) state.selected.add(key); else state.selected.delete(key);
    renderBulk();
  });
  $('select-all').addEventListener('change', (e) => {
    for (const r of state.results) if (e.target.checked) state.selected.add(r.key); else state.selected.delete(r.key);
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('.row .pick'))) box.checked = e.target.checked;
    renderBulk();
  });
  $('bulk-delete').addEventListener('click', () => deleteKeys([...state.selected]));
  $('bulk-clear').addEventListener('click', () => { state.selected.clear(); render(true); });
  $('bulk-tag-add').addEventListener('click', async () => {
    const tag = $('bulk-tag').value.trim().replace(/^#/, '');
    if (!tag) return;
    await addTag([...state.selected], tag);
    $('bulk-tag').value = '';
    toast(`Tagged ${state.selected.size} thread${state.selected.size === 1 ? '' : 's'} #${tag}.`);
    await reload();
  });

  $('export-json').addEventListener('click', async () => {
    const { exportJSON } = await exporter();
    download(new Blob([await exportJSON()], { type: 'application/json' }), `unspool-library-${today()}.json`);
  });
  $('export-md').addEventListener('click', async () => {
    try {
      const { exportMarkdownZip } = await exporter();
      const { zip, message } = await exportMarkdownZip((done, total) => toast(`Writing Markdown… ${done} of ${total} threads`));
      download(zip, `unspool-markdown-${today()}.zip`);
      toast(`Markdown export ready (${(zip.size / 1024 / 1024).toFixed(1)} MB).${message ? ' ' + message : ''}`);
    } catch (e) {
      toast(`Markdown export failed: ${e.message}`);
    }
  });
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      const { importJSON } = await exporter();
      const res = await importJSON(await file.text(), (done, total) => toast(`Importing… ${done} of ${total} threads`));
      toast(res.message);
      await reload();
    } catch (err) {
      toast(err.message);
    }
  });

  // Another page or the background worker (a save from the reader, a sync)
  // changed the library: refresh, coalescing bursts.
  let pending;
  const bc = new BroadcastChannel(CHANNEL);
  bc.onmessage = () => {
    clearTimeout(pending);
    pending = setTimeout(reload, 150);
  };

  // Edits need the WASM (the shared merge rules); start loading it when the
  // pointer or keyboard first reaches the list, so the first delete or tag
  // does not wait for it — and opening the page does not pay for it.
  const warm = () => recordOps().catch(() => {});
  $('list').addEventListener('pointerover', warm, { once: true });
  $('list').addEventListener('focusin', warm, { once: true });

  // Rows are added as the end of the list comes into view.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && state.shown < state.results.length) showMore();
  }, { rootMargin: '600px' }).observe($('more'));
}

async function start() {
  const params = new URLSearchParams(location.search);
  $('q').value = params.get('q') ?? '';
  state.filter.handle = params.get('handle') ?? '';
  state.filter.platform = params.get('platform') ?? '';
  state.filter.tag = params.get('tag') ?? '';
  wire();
  await loadIndex();
  showAuthor();
  renderFilters();
  update();
  performance.mark('library-ready');
  document.documentElement.dataset.ready = '1';
  showStorage().catch(() => {});
}

start().catch((e) => {
  $('empty').hidden = false;
  $('empty').replaceChildren(Object.assign(document.createElement('p'), { textContent: `The library could not be opened: ${e.message}` }));
});
