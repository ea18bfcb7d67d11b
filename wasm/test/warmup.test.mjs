// The extension's warm-up (extension/shared/wasm-warmup.js) on the real
// WASM: every round looks at X's answers, extracts and renders the JSON
// golden and the scrolled page. A warm-up that
// throws stops silently in the extension (it only loses the speed-up), so
// this is where a golden that no longer extracts shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadUnspool } from './load.mjs';
import { startWarmUp } from '../../extension/shared/wasm-warmup.js';
import { url, collected } from '../../extension/shared/warmup.gen.js';

test('the warm-up runs all its rounds on its golden page', async () => {
  const unspool = await loadUnspool();
  const thread = JSON.parse(unspool.extractCollected(url, collected));
  assert.ok(thread.posts.length >= 2, `the warm-up page extracts to ${thread.posts.length} posts`);
  const report = await new Promise((resolve) => startWarmUp(unspool, { stop: () => false, report: resolve }));
  assert.equal(report.gaveWay, false);
  assert.equal(report.rounds, 6, 'a round that throws ends the warm-up early');
});
