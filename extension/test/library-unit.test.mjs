// The library's pure modules under node: the search (tokens, prefixes, all
// words required, the narrowing cache never hiding a match) and the zip
// writer's CRC.
// Browsers: chromium only — no browser at all (pure modules under node): once is enough
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, indexRow, SearchIndex } from '../shared/search.js';
import { crc32 } from '../pages/library/zip.js';
import { Generator } from './library-data.mjs';

test('tokenize folds case and accents and splits on anything not a letter or digit', () => {
  assert.deepEqual(tokenize('Café DÉJÀ-vu, 2024! @ada #Tag'), ['cafe', 'deja', 'vu', '2024', 'ada', 'tag']);
  assert.deepEqual(tokenize('日本語のテキスト'), ['日本語のテキスト']);
  assert.deepEqual(tokenize(''), []);
});

function row(key, text, savedAt, extra = {}) {
  return indexRow({
    key, savedAt, tags: extra.tags ?? [], note: '',
    thread: { platform: 'x', id: key, author: { handle: extra.handle ?? 'ada', name: 'Ada' }, posts: [{ id: key, text }] },
  }, text);
}

test('search: every word must begin a word of the thread; newest saved first', () => {
  const idx = new SearchIndex([
    row('1', 'Unrolling threads is fun', '2024-01-01'),
    row('2', 'Threads of silk and wool', '2024-02-01', { tags: ['craft'] }),
    row('3', 'Nothing to see', '2024-03-01', { handle: 'bob' }),
  ]);
  const keys = (q, f) => idx.search(q, f).map((r) => r.key);
  assert.deepEqual(keys('thr'), ['2', '1']);
  assert.deepEqual(keys('threads unroll'), ['1']);
  assert.deepEqual(keys('hreads'), [], 'a prefix, not any substring');
  assert.deepEqual(keys(''), ['3', '2', '1']);
  assert.deepEqual(keys('', { handle: 'BOB' }), ['3']);
  assert.deepEqual(keys('', { tag: 'craft' }), ['2']);
  assert.deepEqual(keys('craft'), ['2'], 'tags are searchable');
});

test('search: the narrowing cache agrees with a fresh index on every keystroke', () => {
  const gen = new Generator(3);
  const rows = Array.from({ length: 300 }, (_, i) => {
    const t = gen.thread();
    return indexRow({ key: `x:${t.id}`, thread: t, tags: [], note: '', savedAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() }, t.posts[0]?.text);
  });
  const typed = new SearchIndex(rows);
  const queries = [];
  // Type, delete, retype: every prefix of a few phrases, then backwards.
  for (const phrase of ['the thread', 'media ven', 'a b']) {
    for (let i = 1; i <= phrase.length; i++) queries.push(phrase.slice(0, i));
    for (let i = phrase.length - 1; i >= 1; i--) queries.push(phrase.slice(0, i));
  }
  for (const q of queries) {
    const want = new SearchIndex(rows).search(q).map((r) => r.key);
    assert.deepEqual(typed.search(q).map((r) => r.key), want, `query ${JSON.stringify(q)}`);
  }
  // A row added or removed between keystrokes is seen at once.
  typed.search('zzq');
  typed.put(row('new', 'zzqx appears', '2030-01-01'));
  assert.deepEqual(typed.search('zzqx').map((r) => r.key), ['new']);
  typed.remove('new');
  assert.deepEqual(typed.search('zzqx').map((r) => r.key), []);
});

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('Markdown zip entry names are built from sanitised parts only, and unique', async () => {
  const { entryName } = await import('../pages/library/export.js');
  const used = new Set();
  const hostile = ['../../etc/passwd', '..\\..\\boot.ini', '.bashrc', '/abs', 'a\u0000b\u001bc', '\u202eexe.md', 'CON', 'x'.repeat(500), '', '..'];
  const names = [];
  for (const h of hostile) {
    for (const text of [`../${h}`, h, '']) {
      names.push(entryName({ thread: { platform: 'x', id: '..', author: { handle: h }, posts: [{ text }] } }, used, text));
    }
  }
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length, 'unique');
  for (const n of names) {
    assert.doesNotMatch(n, /[\\/\u0000-\u001f\u202a-\u202e]|\.\.|^[.\s]/, n);
    assert.ok(n.length <= 60 * 2 + 20 && n.endsWith('.md'), n);
  }
  // The front matter is Go's (shared/render TestWriteSavedMarkdown_LibraryFieldsInTheFrontMatter).
});

// A stand-in for the list element: the child operations place uses, and a
// count of the children it moved (a moved row loses a press or the focus).
class FakeList {
  constructor(kids) { this.kids = []; this.moved = 0; for (const k of kids) this.adopt(k, null); }
  get children() { return this.kids; }
  adopt(el, ref) {
    if (el.parent) el.parent.kids.splice(el.parent.kids.indexOf(el), 1);
    this.kids.splice(ref ? this.kids.indexOf(ref) : this.kids.length, 0, el);
    el.parent = this;
    el.remove = () => { this.kids.splice(this.kids.indexOf(el), 1); el.parent = null; };
  }
  insertBefore(el, ref) { if (el.parent === this) this.moved++; this.adopt(el, ref); }
  append(...els) { for (const el of els) this.insertBefore(el, null); }
}

test('rows.js place: any list to any other, moving only the rows off the longest run already in order', async () => {
  const { place } = await import('../pages/library/rows.js');
  const { rng } = await import('./library-data.mjs');
  const rand = rng(7);
  const els = Array.from({ length: 30 }, (_, i) => ({ id: i }));
  // The fewest moves: the rows kept are the longest run of the old order
  // that is still in order in the new one (a longest increasing subsequence).
  const fewest = (old, want) => {
    const at = new Map(old.map((e, i) => [e, i]));
    const seq = want.filter((e) => at.has(e)).map((e) => at.get(e));
    const best = seq.map(() => 1);
    for (let i = 0; i < seq.length; i++) for (let j = 0; j < i; j++) if (seq[j] < seq[i]) best[i] = Math.max(best[i], best[j] + 1);
    return seq.length - Math.max(0, ...best);
  };
  const pick = () => els.filter(() => rand() < 0.7).sort(() => rand() - 0.5);
  for (let round = 0; round < 300; round++) {
    const old = round % 3 ? pick() : els.slice(0, 10);
    // Some rounds are a small change of the old list: one row out, one in, one moved.
    let want = round % 2 ? pick() : [...old];
    if (!(round % 2) && want.length > 2) {
      want.splice(Math.floor(rand() * want.length), 1);
      want.splice(Math.floor(rand() * want.length), 0, want.splice(Math.floor(rand() * want.length), 1)[0]);
      const fresh = els.find((e) => !old.includes(e));
      if (fresh) want.splice(Math.floor(rand() * want.length), 0, fresh);
    }
    const list = new FakeList(old);
    const kept = old.filter((e) => want.includes(e));
    place(list, want);
    assert.deepEqual(list.children.map((e) => e.id), want.map((e) => e.id), `round ${round}`);
    assert.equal(list.moved, fewest(kept, want), `round ${round}: moves`);
  }
  // Rows added at the end (scrolling) move nothing.
  const list = new FakeList(els.slice(0, 10));
  place(list, els.slice(0, 25));
  assert.equal(list.moved, 0);
});
