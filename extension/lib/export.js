// Export and import: the whole library as one versioned JSON file (lossless:
// every field of every saved thread, with the edit stamps, so re-importing
// merges instead of duplicating), and as a zip of Markdown files with front
// matter for Obsidian-style vaults. Users' data must never be trapped.

import { all, mergeIn } from './library.js';
import { zip } from './zip.js';

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

function validRecord(r) {
  return r && typeof r.id === 'string' && r.thread && Array.isArray(r.thread.posts) &&
    r.id === `${r.thread.platform}:${r.thread.id}` && r.clocks && typeof r.clocks === 'object';
}

const IMPORT_BATCH = 200;

// importJSON merges an export into the library. Reports counts in words.
export async function importJSON(text, onProgress = () => {}) {
  let data;
  try { data = JSON.parse(text); } catch { throw new Error('This file is not an Unspool export (it is not JSON).'); }
  if (data?.format !== FORMAT) throw new Error('This file is not an Unspool library export.');
  if (!(data.version >= 1 && data.version <= FORMAT_VERSION)) {
    throw new Error(`This export is version ${data.version}; this Unspool reads up to version ${FORMAT_VERSION}. Update the extension.`);
  }
  if (!Array.isArray(data.threads)) throw new Error('This export has no thread list.');
  const good = data.threads.filter(validRecord);
  const skipped = data.threads.length - good.length;
  // Imported changes are local changes as far as sync is concerned. In
  // batches: one transaction per batch, and the page can draw in between.
  let added = 0, updated = 0, unchanged = 0;
  for (let i = 0; i < good.length; i += IMPORT_BATCH) {
    onProgress(i, good.length);
    const r = await mergeIn(good.slice(i, i + IMPORT_BATCH), { queue: true, origin: 'local' });
    added += r.added;
    updated += r.updated;
    unchanged += r.unchanged;
  }
  const parts = [`${added} added`, `${updated} updated`, `${unchanged} already there`];
  if (skipped) parts.push(`${skipped} unreadable, skipped`);
  return { added, updated, unchanged, skipped, message: `Imported: ${parts.join(', ')}.` };
}

// ---------------------------------------------------------------- Markdown

function yamlString(s) { return JSON.stringify(String(s ?? '')); } // JSON strings are valid YAML

export function frontMatter(rec) {
  const t = rec.thread;
  const lines = [
    '---',
    `title: ${yamlString((t.posts[0]?.text ?? '').split('\n')[0].slice(0, 120))}`,
    `author: ${yamlString(t.author?.name)}`,
    `handle: ${yamlString('@' + (t.author?.handle ?? ''))}`,
    `platform: ${t.platform}`,
    `url: ${yamlString(t.url)}`,
    `id: ${yamlString(t.id)}`,
    `date: ${t.posts[0]?.createdAt ?? ''}`,
    `saved: ${rec.savedAt}`,
    `posts: ${t.posts.length}`,
    `complete: ${t.complete !== false}`,
    `tags: [${(rec.tags ?? []).map(yamlString).join(', ')}]`,
  ];
  if (rec.note) lines.push(`note: ${yamlString(rec.note)}`);
  lines.push('---', '');
  return lines.join('\n');
}

// A file name that every OS and vault accepts, unique within the archive.
function fileName(rec, used) {
  const t = rec.thread;
  const title = (t.posts[0]?.text ?? '').split('\n')[0]
    .replace(/https?:\/\/\S+/g, '').replace(/[\\/:*?"<>|#^[\]\u0000-\u001f]/g, '').replace(/\s+/g, ' ').trim().slice(0, 60).trim();
  let base = `${t.author?.handle ?? t.platform} - ${title || t.id}`;
  let name = `${base}.md`;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n}).md`;
  used.add(name.toLowerCase());
  return name;
}

// exportMarkdownZip builds the zip. toMarkdown(threadJSON) is the renderer's
// Markdown export (unspool.export(thread, "markdown") through the WASM).
// onProgress(done, total) is called as it goes; every YIELD_EVERY threads it
// lets the page breathe (each WASM call holds the main thread, and a big
// library is thousands of them).
const YIELD_EVERY = 25;
export async function exportMarkdownZip(toMarkdown, onProgress = () => {}) {
  const recs = (await all()).filter((r) => !r.deleted && r.thread).sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1));
  const used = new Set();
  const files = [];
  for (const [i, rec] of recs.entries()) {
    if (i % YIELD_EVERY === 0) {
      onProgress(i, recs.length);
      await new Promise((r) => setTimeout(r, 0));
    }
    let body = await toMarkdown(JSON.stringify(rec.thread));
    // The renderer may write its own front matter; ours carries the
    // library's fields (tags, note, saved date), so it replaces it.
    if (body.startsWith('---\n')) {
      const end = body.indexOf('\n---\n', 4);
      if (end > 0) body = body.slice(end + 5).replace(/^\n+/, '');
    }
    files.push({ name: fileName(rec, used), data: frontMatter(rec) + '\n' + body, date: new Date(rec.savedAt) });
  }
  return zip(files);
}
