import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadUnspool } from './load.mjs';

test('extract throws a JS Error with a message when nothing can be extracted', async () => {
  const unspool = await loadUnspool();
  assert.throws(() => unspool.extract('https://x.com/a/status/1', '<html><body></body></html>'),
    (e) => e instanceof Error && /cannot read threads/.test(e.message));
  assert.throws(() => unspool.extract('not a url', '<p>'), /not an http\(s\) URL/);
  assert.throws(() => unspool.extract('https://x.com/a/status/1', '{"data":'), /not valid JSON/);
  assert.throws(() => unspool.extract(1), /takes two strings/);
});
