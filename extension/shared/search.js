// @ts-check
// Client-side full-text search over every saved post.
//
// Each live thread has a summaries row (the few fields the library list
// shows) and a searchIndex row: `words`, the thread's unique normalised words
// joined by spaces (a string, because IndexedDB clones one string far faster
// than an array of hundreds). A query is a scan: every typed word must begin some word of the
// row ("unsp" finds "unspool"). Measured on 5,000 generated threads (~2 KB
// of words each), a full scan is ~5–15 ms, and an inverted index took ~1 s to
// build — longer than the page may take to open — so the scan it is, made
// cheaper as the user types: when the new query only extends the previous
// one, only the previous results are scanned. Rows are kept newest-saved
// first, so results need no sorting.

import { titleLengths } from './contract.gen.js';

// Letters and digits of any script; everything else separates words.
const WORD = /[\p{L}\p{N}]+/gu;
// Combining marks removed after NFKD, so "café" is found by "cafe".
const MARKS = /\p{M}/gu;

export function tokenize(text) {
  if (!text) return [];
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().match(WORD) ?? [];
}

function postTexts(post, out) {
  out.push(post.text ?? '');
  for (const m of post.media ?? []) out.push(m.alt ?? '');
  if (post.card) out.push(post.card.title ?? '', post.card.description ?? '', post.card.domain ?? '');
  if (post.quote) postTexts(post.quote, out);
  if (post.author) out.push(post.author.handle ?? '', post.author.name ?? '');
}

// listTitle is what the list shows as a thread's title: Go's title
// (unspool.threadTitle) at the list's length. ops is record-ops.js's api().
export const listTitle = (ops, thread) => ops.title(JSON.stringify(thread), titleLengths.list);

// indexRow derives what the list and the search need of a thread record,
// given its title (listTitle) and how many of its posts are new since it
// was read (record-ops newPosts): one object in memory, stored as two rows
// (splitRow).
export function indexRow(rec, title, fresh = 0) {
  const t = rec.thread;
  const texts = [t.author?.handle ?? '', t.author?.name ?? '', rec.note ?? '', ...(rec.tags ?? [])];
  for (const p of t.posts ?? []) postTexts(p, texts);
  const words = [...new Set(tokenize(texts.join('\n')))].join(' ');
  return {
    key: rec.key,
    platform: t.platform,
    handle: t.author?.handle ?? '',
    name: t.author?.name ?? '',
    first: title,
    date: t.posts?.[0]?.createdAt ?? t.capturedAt ?? '',
    posts: t.posts?.length ?? 0,
    tags: rec.tags ?? [],
    note: rec.note ?? '',
    savedAt: rec.savedAt,
    complete: t.complete !== false,
    read: rec.readPosition?.progress ?? 0,
    // The thread's own keep-current switch, synced with it; absent where
    // never set (keep-settings.js follows reads that as the default).
    ...(typeof rec.keepCurrent === 'boolean' ? { keepCurrent: rec.keepCurrent } : {}),
    fresh,
    words,
  };
}

function newestFirst(a, b) {
  return a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : a.key < b.key ? -1 : 1;
}

// hasPrefix: some word of the space-joined words starts with term.
function hasPrefix(words = '', term) {
  return words.startsWith(term) || words.includes(' ' + term);
}

// splitRow divides an indexRow into its summaries row and its searchIndex row.
export function splitRow(row) {
  const { words, ...summary } = row;
  return [summary, { key: row.key, words }];
}

export class SearchIndex {
  // rows may come without their words (summaries only): the list can be
  // drawn at once, and addWords completes them before the first search.
  constructor(rows = []) {
    this.rows = rows.slice().sort(newestFirst);
    this.byKey = new Map(this.rows.map((r) => [r.key, r]));
    this.last = null; // {query terms, rows matching them} of the previous search
  }

  // addWords attaches searchIndex rows ({key, words}) to their summaries.
  addWords(wordRows) {
    for (const w of wordRows) {
      const row = this.byKey.get(w.key);
      if (row) row.words = w.words;
    }
    this.last = null;
  }

  put(row) {
    this.remove(row.key);
    let lo = 0, hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newestFirst(this.rows[mid], row) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.rows.splice(lo, 0, row);
    this.byKey.set(row.key, row);
    this.last = null; // the new row is in no earlier result
  }

  remove(key) {
    const row = this.byKey.get(key);
    if (!row) return;
    this.rows.splice(this.rows.indexOf(row), 1);
    this.byKey.delete(key);
    this.last = null;
  }

  // matching returns the rows (newest first) in which every term begins a
  // word.
  matching(terms) {
    if (!terms.length) return this.rows;
    // The previous query's matches contain this query's when each of its
    // terms is a prefix of one of the new terms ("thre" → "threa", or a
    // word added): scan only those.
    const prev = this.last;
    const narrower = prev && prev.terms.every((p) => terms.some((t) => t.startsWith(p)));
    const pool = narrower ? prev.rows : this.rows;
    // Longest terms first: they reject a row soonest.
    const order = [...terms].sort((a, b) => b.length - a.length);
    const out = pool.filter((r) => order.every((t) => hasPrefix(r.words, t)));
    this.last = { terms, rows: out };
    return out;
  }

  // search returns the rows matching every word of query and the filter,
  // newest saved first. An empty query returns every row passing the filter.
  search(query, filter = {}) {
    const found = this.matching([...new Set(tokenize(query))]);
    if (!filter.handle && !filter.platform && !filter.tag) return found.slice();
    const handle = filter.handle?.toLowerCase();
    return found.filter((r) =>
      (!handle || r.handle.toLowerCase() === handle) &&
      (!filter.platform || r.platform === filter.platform) &&
      (!filter.tag || r.tags.includes(filter.tag)));
  }

  // facets lists the authors, platforms and tags present, for the filters.
  facets() {
    const authors = new Map(), platforms = new Set(), tags = new Map();
    for (const r of this.rows) {
      authors.set(r.handle, (authors.get(r.handle) ?? 0) + 1);
      platforms.add(r.platform);
      for (const t of r.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
    }
    return { authors, platforms: [...platforms].sort(), tags };
  }
}
