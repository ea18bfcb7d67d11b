// @ts-check
// Export and import: the whole library as one versioned JSON file (lossless:
// every field of every saved thread, with the edit stamps, so re-importing
// merges instead of duplicating), and as a zip of Markdown files with front
// matter for Obsidian-style vaults. Users' data must never be trapped.

import { all, mergeIn } from '../../shared/library-store.js';
import { api as recordOps } from '../../shared/record-ops.js';
import { zip } from './zip.js';
import { titleLengths } from '../../shared/contract.gen.js';

export const FORMAT = 'unspool-library';
export const FORMAT_VERSION = 1;

// exportJSON writes every live saved thread as its shared/sync SavedThread
// (thread, tags, note, read position and their edit clocks), so importing it
// anywhere — even back into the same library — merges by the sync rules and
// never duplicates. The server's seq is not part of an export.
export async function exportJSON() {
  const recs = (await all()).filter((r) => !r.deleted && r.thread).sort((a, b) => (a.key < b.key ? -1 : 1));
  return JSON.stringify({
    format: FORMAT, version: FORMAT_VERSION, exportedAt: new Date().toISOString(),
    threads: recs.map(({ key, seq, ...saved }) => saved),
  });
}

// nameOf says which record failed, in words a person can find it by.
function nameOf(r) {
  const t = r?.thread;
  const who = t?.author?.handle ? `@${t.author.handle}` : '';
  const first = typeof t?.posts?.[0]?.text === 'string' ? t.posts[0].text.split('\n')[0].slice(0, 40) : '';
  const id = typeof r?.id === 'string' ? r.id : 'a record without an id';
  return [id, who, first && `“${first}”`].filter(Boolean).join(' ');
}

// failures turns [{name, error}] into the sentence the user reads.
export function failures(failed, verb) {
  if (!failed.length) return '';
  const n = failed.length;
  const list = failed.slice(0, 5).map((f) => `${f.name} (${f.error})`).join('; ');
  return `${n} thread${n === 1 ? '' : 's'} could not be ${verb}: ${list}${n > 5 ? `; and ${n - 5} more` : ''}.`;
}

const IMPORT_BATCH = 200;

// importJSON merges an export into the library, record by record: one that
// is malformed, fails validation (every saved thread is validated in full
// by the merge, its thread too) or comes from a newer Unspool is skipped and
// named; everything else goes in. Reports counts in words.
/**
 * @param {string} text
 * @param {(done: number, total: number) => void} [onProgress]
 */
export async function importJSON(text, onProgress = () => {}) {
  let data;
  try { data = JSON.parse(text); } catch { throw new Error('This file is not an Unspool export (it is not JSON).'); }
  if (data?.format !== FORMAT) throw new Error('This file is not an Unspool library export.');
  if (!(data.version >= 1 && data.version <= FORMAT_VERSION)) {
    throw new Error(`This export is version ${data.version}; this Unspool reads up to version ${FORMAT_VERSION}. Update the extension.`);
  }
  if (!Array.isArray(data.threads)) throw new Error('This export has no thread list.');
  const failed = [];
  const good = [];
  for (const r of data.threads) {
    if (r && typeof r === 'object' && typeof r.id === 'string') good.push(r);
    else failed.push({ name: nameOf(r), error: 'not a saved thread' });
  }
  const names = new Map(good.map((r) => [r.id, nameOf(r)]));
  // Imported changes are local changes as far as sync is concerned. In
  // batches: one transaction per batch, and the page can draw in between.
  let added = 0, updated = 0, unchanged = 0;
  for (let i = 0; i < good.length; i += IMPORT_BATCH) {
    onProgress(i, good.length);
    const r = await mergeIn(good.slice(i, i + IMPORT_BATCH), { queue: true, origin: 'local' });
    added += r.added;
    updated += r.updated;
    unchanged += r.unchanged;
    for (const f of r.failed) failed.push({ name: names.get(f.key) ?? f.key, error: f.error.replace(/^sync: /, '') });
  }
  const parts = [`${added} added`, `${updated} updated`, `${unchanged} already there`];
  const message = `Imported: ${parts.join(', ')}.${failed.length ? ' ' + failures(failed, 'imported') : ''}`;
  return { added, updated, unchanged, skipped: failed.length, failed, message };
}

// ---------------------------------------------------------------- Markdown
// Each thread's Markdown, front matter included (the thread's fields and
// the library's: key, saved date, tags, note), is written by Go
// (unspool.exportSaved, shared/render WriteSavedMarkdown); its file name is
// built here from Go's title of the thread (unspool.threadTitle).

// Characters no part of a zip entry name keeps: path separators, what
// Windows or a vault refuses, Markdown link syntax, controls and bidi
// overrides (a name must read as it is).
const UNSAFE_NAME = /[\\/:*?"<>|#^[\]\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// namePart sanitises one part of an entry name: no separators, no "..",
// no leading dots or spaces (hidden files, "."), bounded length.
function namePart(s) {
  return String(s ?? '').replace(/https?:\/\/\S+/g, '').replace(UNSAFE_NAME, '').replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ').trim().slice(0, titleLengths.fileNamePart).replace(/^[.\s]+|[.\s]+$/g, '');
}

// entryName gives a zip entry name that every OS and vault accepts, built
// from sanitised parts only (title: the thread's title, unspool.threadTitle),
// unique (case-insensitively) within used.
export function entryName(rec, used, title) {
  const t = rec.thread;
  const who = namePart(t.author?.handle) || namePart(t.platform) || 'thread';
  const base = `${who} - ${namePart(title) || namePart(t.id) || 'untitled'}`;
  let name = `${base}.md`;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n}).md`;
  used.add(name.toLowerCase());
  return name;
}

// exportMarkdownZip builds the zip: {zip, files, failed, message}, loading
// the WASM if it is not yet. onProgress(done, total) is called as it goes;
// every YIELD_EVERY threads it lets the page breathe (each WASM call holds
// the main thread, and a big library is thousands of them).
const YIELD_EVERY = 25;
/** @param {(done: number, total: number) => void} [onProgress] */
export async function exportMarkdownZip(onProgress = () => {}) {
  const ops = await recordOps();
  const recs = (await all()).filter((r) => !r.deleted && r.thread).sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1));
  const used = new Set();
  const files = [], failed = [];
  for (const [i, rec] of recs.entries()) {
    if (i % YIELD_EVERY === 0) {
      onProgress(i, recs.length);
      await new Promise((r) => setTimeout(r, 0));
    }
    // One thread the renderer refuses is named, not allowed to stop the
    // export of every other one.
    let data, title;
    try {
      data = ops.exportSaved(rec);
      title = ops.title(JSON.stringify(rec.thread), titleLengths.fileNamePart);
    } catch (e) {
      failed.push({ name: nameOf(rec), error: e.message });
      continue;
    }
    files.push({ name: entryName(rec, used, title), data, date: new Date(rec.savedAt) });
  }
  return { zip: zip(files), files: files.length, failed, message: failures(failed, 'exported') };
}
