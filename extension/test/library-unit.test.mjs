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
