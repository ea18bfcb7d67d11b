// The X extraction API as the extension and outside checks call it:
// unspool.extract on every X golden case (real fixtures and made ones) and
// unspool.extractCollected on the merge cases, compared with the Go goldens
// in shared/extract/testdata (capturedAt aside: the WASM stamps real time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, readSource, root } from './load.mjs';

const testdata = path.join(root, 'shared/extract/testdata');

// cases(source) lists {name, url, content|collected, expected} for one
// source folder; a source outside the repository is read by readSource.
function cases(source) {
  const dir = path.join(testdata, source);
  return fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'url.txt'))).map((name) => {
    const at = (f) => path.join(dir, name, f);
    const c = { name: `${source}/${name}`, url: fs.readFileSync(at('url.txt'), 'utf8').trim() };
    for (const f of ['source.html', 'source.json', 'collected.json']) {
      if (fs.existsSync(at(f))) c[f === 'collected.json' ? 'collected' : 'content'] = fs.readFileSync(at(f), 'utf8');
    }
    if (!('content' in c) && !('collected' in c)) Object.assign(c, readSource(fs.readFileSync(at('source.txt'), 'utf8')));
    c.expected = JSON.parse(fs.readFileSync(at('expected.json'), 'utf8'));
    return c;
  });
}

function same(got, expected, name) {
  const a = JSON.parse(got);
  assert.match(a.capturedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${name}: capturedAt is RFC 3339`);
  delete a.capturedAt;
  const b = { ...expected };
  delete b.capturedAt;
  assert.deepStrictEqual(a, b, `${name} differs from its golden`);
}

for (const source of ['x-dom', 'x-graphql']) {
  test(`extract: every ${source} case matches its golden`, async (t) => {
    const unspool = await loadUnspool();
    const all = cases(source);
    assert.ok(all.length >= 6, `only ${all.length} ${source} cases`);
    for (const c of all) {
      await t.test(c.name, { skip: c.skip }, () => {
        if (c.missing) assert.fail(c.missing);
        same(unspool.extract(c.url, c.content), c.expected, c.name);
      });
    }
  });
}

test('extractCollected: the merge cases match their goldens', async (t) => {
  const unspool = await loadUnspool();
  const all = cases('x-collected');
  assert.ok(all.length >= 3);
  for (const c of all) {
    await t.test(c.name, () => same(unspool.extractCollected(c.url, c.collected), c.expected, c.name));
  }
});

test('extractCollected: the page cells and the TweetDetail of one thread merge into it', async () => {
  const unspool = await loadUnspool();
  const [merged] = cases('x-collected').filter((c) => c.name.endsWith('made-pair-merged'));
  const { html, json } = JSON.parse(merged.collected);
  const fromDOM = JSON.parse(unspool.extractCollected(merged.url, JSON.stringify({ html, json: [], stoppedBy: 'end' })));
  const both = JSON.parse(unspool.extractCollected(merged.url, merged.collected));
  assert.deepEqual(both.posts.map((p) => p.id), fromDOM.posts.map((p) => p.id), 'same chain from cells alone');
  assert.ok(both.complete && fromDOM.complete);
  // Only GraphQL knows a video's mp4; the merge takes it.
  const video = (t) => t.posts.flatMap((p) => p.media).find((m) => m.type === 'video');
  assert.match(video(both).url, /^https:\/\/video\.twimg\.com\/.*\.mp4$/);
  assert.match(video(fromDOM).url, /^https:\/\/x\.com\/loom_weaver\/status\/\d+$/);
  // A stop at the limit is a gap, in words.
  const limited = JSON.parse(unspool.extractCollected(merged.url, JSON.stringify({ html, json: [], stoppedBy: 'limit' })));
  assert.equal(limited.complete, false);
  assert.match(limited.gaps.join(' '), /post limit/);
});

test('xContinuations: names the cursor to follow until the JSON holds the whole chain', async () => {
  const unspool = await loadUnspool();
  const [c] = cases('x-collected').filter((x) => x.name.endsWith('made-continued'));
  const { json, followed } = JSON.parse(c.collected);
  const step = (n) => JSON.parse(unspool.xContinuations(c.url, JSON.stringify({ html: [], json: json.slice(0, n), followed: followed.slice(0, n - 1) })));
  const first = step(1);
  assert.deepEqual([first.complete, first.posts, first.next.map((x) => [x.cursor, x.kind])], [false, 12, [['made-showmore-1', 'ShowMore']]]);
  assert.equal(first.next[0].post, c.expected.posts[11].id, 'the cursor continues the last post held');
  const second = step(2);
  assert.deepEqual([second.complete, second.posts, second.next.map((x) => x.cursor)], [false, 24, ['made-showmore-2']]);
  const done = step(3);
  assert.deepEqual([done.complete, done.posts, done.next, done.last], [true, 30, [], c.expected.posts.at(-1).id]);
  // The extension passes the captures as an object (no JSON around
  // bodies that are JSON already): the same answers.
  for (const n of [1, 2, 3]) {
    const asObject = JSON.parse(unspool.xContinuations(c.url, { json: json.slice(0, n), followed: followed.slice(0, n - 1) }));
    assert.deepEqual(asObject, step(n), `look ${n} with an object`);
  }
  const { capturedAt: _a, ...fromObject } = JSON.parse(unspool.extractCollected(c.url, { json, followed, stoppedBy: 'end' }));
  const { capturedAt: _b, ...fromJSON } = JSON.parse(unspool.extractCollected(c.url, JSON.stringify({ html: [], json, followed, stoppedBy: 'end' })));
  assert.deepEqual(fromObject, fromJSON);
  assert.throws(() => unspool.xContinuations(c.url, { json: 'x' }), /collectedJSON is not .*json is not an array/);
  assert.throws(() => unspool.xContinuations(c.url, { json: [1] }), /json holds a value that is not a string/);
  assert.throws(() => unspool.extractCollected(c.url, { json, stoppedBy: 3 }), /stoppedBy is not a string/);
  assert.throws(() => unspool.xContinuations(c.url, '{"json": "x"}'), /collectedJSON is not/);
  assert.throws(() => unspool.xContinuations('https://example.com/a/status/1', '{"json":[]}'), /X pages only/);
  assert.throws(() => unspool.xContinuations(c.url), /takes two strings/);
});

test('extract and extractCollected throw Errors with clear messages', async () => {
  const unspool = await loadUnspool();
  const url = 'https://x.com/loom_weaver/status/1';
  assert.throws(() => unspool.extractCollected(url, '{"html": 1}'), /collectedJSON is not/);
  assert.throws(() => unspool.extractCollected(url, 'nope'), /collectedJSON is not/);
  assert.throws(() => unspool.extractCollected(url, '{"html":[],"json":[]}'), /nothing was collected/);
  assert.throws(() => unspool.extractCollected(url, '{"html":["<p>"],"stoppedBy":"bored"}'), /stoppedBy "bored"/);
  assert.throws(() => unspool.extractCollected('https://x.com/home', '{"html":["<p>"]}'), /not the address of an X post/);
  assert.throws(() => unspool.extractCollected('https://example.com/a/status/1', '{"html":["<p>"]}'), /X pages only/);
  assert.throws(() => unspool.extractCollected(url), /takes two strings/);
  assert.throws(() => unspool.extract(url, '<div data-testid="cellInnerDiv"><article data-testid="tweet"></article></div>'),
    (e) => e instanceof Error && /does not hold post 1/.test(e.message));
});

test('a render right after extract (the remembered thread) matches a render of the same JSON decoded afresh', async () => {
  const unspool = await loadUnspool();
  const [c] = cases('x-dom').filter((x) => x.name.endsWith('made-pair'));
  const json = unspool.extract(c.url, c.content);
  const remembered = unspool.render(json);
  const decoded = unspool.render(JSON.stringify(JSON.parse(json))); // another string: decoded again
  assert.equal(remembered, decoded);
  assert.match(remembered, /<article/);
});
