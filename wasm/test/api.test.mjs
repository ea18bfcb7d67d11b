import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, root } from './load.mjs';

test('extract throws a JS Error with a message when nothing can be extracted', async () => {
  const unspool = await loadUnspool();
  assert.throws(() => unspool.extract('https://x.com/a/status/1', '<html><body></body></html>'),
    (e) => e instanceof Error && /cannot read threads/.test(e.message));
  assert.throws(() => unspool.extract('not a url', '<p>'), /not an http\(s\) URL/);
  assert.throws(() => unspool.extract('https://x.com/a/status/1', '{"data":'), /not valid JSON/);
  assert.throws(() => unspool.extract(1), /takes two strings/);
});

test('mastodonRequest and mastodonReading: one request per reading, its answer read against the saved thread', async () => {
  const unspool = await loadUnspool();
  const dir = 'shared/extract/testdata/mastodon/made-status-context-selfthread-3';
  const src = fs.readFileSync(path.join(root, dir, 'source.json'), 'utf8');
  const saved = unspool.extract(fs.readFileSync(path.join(root, dir, 'url.txt'), 'utf8').trim(), src);
  const t = JSON.parse(saved);
  assert.deepEqual([0, 1].map((turn) => JSON.parse(unspool.mastodonRequest(saved, turn))), [
    { kind: 'context', url: `https://mastodon.social/api/v1/statuses/${t.id}/context` },
    { kind: 'status', url: `https://mastodon.social/api/v1/statuses/${t.id}` },
  ]);
  const { status, context } = JSON.parse(src);
  const fresh = JSON.parse(unspool.mastodonReading(saved, 'context', JSON.stringify({ ancestors: [], descendants: [status, ...context.descendants] })));
  assert.deepEqual(fresh.posts.map((p) => p.id), t.posts.map((p) => p.id));
  assert.equal(fresh.posts[0].text, t.posts[0].text);
  assert.deepEqual(JSON.parse(unspool.mastodonReading(saved, 'gone', '')).posts.map((p) => p.id), t.posts.slice(1).map((p) => p.id));
  assert.throws(() => unspool.mastodonRequest(saved, '0'), /takes a string and a number/);
  assert.throws(() => unspool.mastodonRequest(JSON.stringify({ ...t, url: 'https://other.example/@halcy/1' }), 0), /ids are not those of other\.example/);
  assert.throws(() => unspool.mastodonReading(saved, 'replies', '{}'), /not context, status or gone/);
});

test('collectIdle collects once there is garbage, and not again right after', async () => {
  const unspool = await loadUnspool();
  const page = fs.readFileSync(path.join(root, 'shared/extract/testdata/x-dom/made-bench-100/source.html'), 'utf8');
  const url = fs.readFileSync(path.join(root, 'shared/extract/testdata/x-dom/made-bench-100/url.txt'), 'utf8').trim();
  unspool.extract(url, page); // garbage: the heap moves into its cycle
  let collected = 0;
  for (let i = 0; i < 50 && !collected; i++) {
    collected += unspool.collectIdle() ? 1 : 0;
    if (!collected) unspool.extract(url, page);
  }
  assert.equal(collected, 1, 'extractions make garbage, so an idle collection comes before the runtime’s own');
  assert.equal(unspool.collectIdle(), false, 'right after a collection there is nothing to collect');
});
