// unspool.authorThreads, as the extension calls it on a profile page: the
// page address and the timeline responses it captured, as an array of
// strings (or that array as JSON text), and on X the profile's rendered
// cells. Every case of shared/extract/testdata/author with responses gives
// its expected-listing.json; one with real cells (source.txt) too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, readSource, root } from './load.mjs';

const testdata = path.join(root, 'shared/extract/testdata/author');

function read(dir) {
  const at = (f) => path.join(testdata, dir, f);
  const bodies = fs.readdirSync(path.join(testdata, dir)).filter((f) => /^body-\d+\.json$/.test(f)).sort().map((f) => fs.readFileSync(at(f), 'utf8'));
  const ref = fs.existsSync(at('source.txt')) ? fs.readFileSync(at('source.txt'), 'utf8') : null;
  return { url: fs.readFileSync(at('url.txt'), 'utf8').trim(), bodies, ref, expected: JSON.parse(fs.readFileSync(at('expected-listing.json'), 'utf8')) };
}

test('authorThreads: every profile case lists its golden threads, from an array or its JSON', async () => {
  const unspool = await loadUnspool();
  const dirs = fs.readdirSync(testdata).filter((d) => read(d).bodies.length);
  assert.ok(dirs.length >= 3);
  for (const dir of dirs) {
    const c = read(dir);
    assert.deepEqual(JSON.parse(unspool.authorThreads(c.url, c.bodies)), c.expected, dir);
    assert.deepEqual(JSON.parse(unspool.authorThreads(c.url, JSON.stringify(c.bodies))), c.expected, dir);
    assert.equal(c.expected.threads.length, 3, dir);
  }
});

test('authorThreads: an X profile\'s rendered cells alone list its threads', async (t) => {
  const unspool = await loadUnspool();
  const c = read('x-dom-rvinowise-selfthread-3cells');
  const { content: html, skip, missing } = readSource(c.ref);
  if (skip) return t.skip(skip);
  assert.ok(!missing, missing);
  assert.deepEqual(JSON.parse(unspool.authorThreads(c.url, [], html)), c.expected);
  assert.equal(c.expected.threads[0].posts, 3);
  assert.throws(() => unspool.authorThreads(c.url, [], 7), /takes a string, an array of strings/);
  assert.throws(() => unspool.authorThreads('https://bsky.app/profile/a.example', ['{"feed":[]}'], html), /on X profiles only/);
});

test('authorThreads throws a clear Error on bad arguments and bad bodies', async () => {
  const unspool = await loadUnspool();
  assert.throws(() => unspool.authorThreads('https://x.com/a'), /takes a string, an array of strings/);
  assert.throws(() => unspool.authorThreads('https://x.com/a', [1]), /not a string/);
  assert.throws(() => unspool.authorThreads('https://x.com/a', '[1'), /takes a string, an array of strings/);
  assert.throws(() => unspool.authorThreads('https://x.com/a', ['{"data":{}}']), /not a user timeline/);
  assert.throws(() => unspool.authorThreads('https://x.com/a', []), /nothing was captured/);
});

test('mastodonAccountId reads the profile account id from a recorded lookup, and refuses another account', async () => {
  const unspool = await loadUnspool();
  const dir = path.join(root, 'shared/extract/testdata/author-lookup/mastodonpy-account-lookup');
  const at = (f) => fs.readFileSync(path.join(dir, f), 'utf8').trim();
  assert.equal(unspool.mastodonAccountId(at('url.txt'), at('source.json')), at('expected.txt'));
  assert.throws(() => unspool.mastodonAccountId('http://localhost:3000/@someone_else', at('source.json')), /named no account @someone_else/);
  assert.throws(() => unspool.mastodonAccountId(at('url.txt')), /takes/);
});
