// Client-side full-text search over every saved post.
//
// Each live thread has one searchIndex row: the few fields the library list
// shows, and `words`, the thread's unique normalised words joined by spaces
// (a string, because IndexedDB clones one string far faster than an array of
// hundreds). In memory, SearchIndex keeps a sorted vocabulary with a posting
// list of row numbers per word, so a query is a binary search per typed word
// plus a walk over the matching postings: every typed word is a prefix
// ("unsp" finds "unspool"), all words must match, results newest-saved first.

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

// firstLine is what the list shows as a thread's title.
export function firstLine(thread) {
  const text = thread.posts?.[0]?.text ?? '';
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 160 ? line.slice(0, 159) + '…' : line;
}

// indexRow derives a thread record's searchIndex row.
export function indexRow(rec) {
  const t = rec.thread;
  const texts = [t.author?.handle ?? '', t.author?.name ?? '', rec.note ?? '', ...(rec.tags ?? [])];
  for (const p of t.posts ?? []) postTexts(p, texts);
  const words = [...new Set(tokenize(texts.join('\n')))].join(' ');
  return {
    key: rec.key,
    platform: t.platform,
    handle: t.author?.handle ?? '',
    name: t.author?.name ?? '',
    first: firstLine(t),
    date: t.posts?.[0]?.createdAt ?? t.capturedAt ?? '',
    posts: t.posts?.length ?? 0,
    tags: rec.tags ?? [],
    note: rec.note ?? '',
    savedAt: rec.savedAt,
    complete: t.complete !== false,
    words,
  };
}

export class SearchIndex {
  constructor(rows = []) {
    this.rows = [];
    this.byKey = new Map();
    this.vocab = null; // built lazily: sorted words and their postings
    for (const r of rows) this.put(r);
  }

  put(row) {
    const i = this.byKey.get(row.key);
    if (i === undefined) {
      this.byKey.set(row.key, this.rows.length);
      this.rows.push(row);
    } else this.rows[i] = row;
    this.vocab = null;
  }

  remove(key) {
    const i = this.byKey.get(key);
    if (i === undefined) return;
    // Swap-remove keeps row numbers dense.
    const last = this.rows.pop();
    this.byKey.delete(key);
    if (i < this.rows.length) {
      this.rows[i] = last;
      this.byKey.set(last.key, i);
    }
    this.vocab = null;
  }

  // build makes the word → rows structure. The library page calls it right
  // after the first paint so the first keystroke does not pay for it.
  build() {
    const postings = new Map();
    this.rows.forEach((row, n) => {
      for (const w of row.words.split(' ')) {
        if (!w) continue;
        const list = postings.get(w);
        if (list) list.push(n);
        else postings.set(w, [n]);
      }
    });
    const words = [...postings.keys()].sort();
    this.vocab = { words, lists: words.map((w) => postings.get(w)) };
  }

  // matching returns a Uint8Array marking the rows in which some word starts
  // with prefix.
  matching(prefix) {
    const { words, lists } = this.vocab;
    const marks = new Uint8Array(this.rows.length);
    let lo = 0, hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < words.length && words[i].startsWith(prefix); i++) {
      for (const n of lists[i]) marks[n] = 1;
    }
    return marks;
  }

  // search returns the rows matching every word of query and the filter,
  // newest saved first. An empty query returns every row passing the filter.
  search(query, filter = {}) {
    const terms = [...new Set(tokenize(query))];
    let candidates;
    if (terms.length) {
      if (!this.vocab) this.build();
      // Longest terms first: they match fewest rows, so later passes are cheap.
      terms.sort((a, b) => b.length - a.length);
      let acc = null;
      for (const t of terms) {
        const m = this.matching(t);
        if (acc) for (let i = 0; i < acc.length; i++) acc[i] &= m[i];
        else acc = m;
      }
      candidates = [];
      for (let i = 0; i < acc.length; i++) if (acc[i]) candidates.push(this.rows[i]);
    } else candidates = this.rows.slice();
    const out = candidates.filter((r) =>
      (!filter.handle || r.handle.toLowerCase() === filter.handle.toLowerCase()) &&
      (!filter.platform || r.platform === filter.platform) &&
      (!filter.tag || r.tags.includes(filter.tag)));
    out.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
    return out;
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
