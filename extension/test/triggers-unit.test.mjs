// The background's start of an unroll (triggers.js) under node, with the
// browser's tabs and scripting calls played by the test: a tab without the
// content scripts gets them, a page that has not yet learnt of the click's
// grant is asked again, and a page that refuses scripts for good is left
// alone with a warning. In the browsers, every unroll test goes through
// this path (the toolbar pressed for real).
// Browsers: chromium only — no browser at all (a module under node): once is enough
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';

const calls = [];
let refusals = [];
let receiving = false;
globalThis.chrome = {
  runtime: { id: 'unspool', getURL: (p) => `chrome-extension://unspool/${p}` },
  tabs: {
    sendMessage: async (tabId, msg) => {
      calls.push(['send', msg.type]);
      if (!receiving) throw new Error('Could not establish connection. Receiving end does not exist.');
      return { ok: true, started: true };
    },
  },
  scripting: {
    executeScript: async (injection) => {
      calls.push(['execute', injection.files ? 'bundle' : 'probe']);
      const refusal = refusals.shift();
      if (refusal) throw new Error(refusal);
      if (injection.files) receiving = true;
      return [{ result: false }];
    },
  },
};
const warnings = [];
console.warn = (m) => warnings.push(m);
const { unroll } = await import('../background/triggers.js');

const NOT_YET = 'Cannot access contents of the page. Extension manifest must request permission to access the respective host.';
const tab = { id: 7, url: 'https://mastodon.example/@alice/1' };

beforeEach(() => {
  calls.length = 0;
  warnings.length = 0;
  refusals = [];
  receiving = false;
});

test('a tab without the content scripts gets them, then the start message', async () => {
  assert.deepEqual(await unroll(tab, 'action'), { ok: true, started: true });
  assert.deepEqual(calls, [['send', 'content:unroll'], ['execute', 'probe'], ['execute', 'bundle'], ['send', 'content:unroll']]);
  assert.deepEqual(warnings, []);
});

test("a page that has not yet learnt of the click's grant is asked again, and the unroll starts", async () => {
  refusals = [NOT_YET, NOT_YET];
  assert.deepEqual(await unroll(tab, 'action'), { ok: true, started: true });
  assert.deepEqual(calls.filter(([k]) => k === 'execute').map(([, what]) => what), ['probe', 'probe', 'probe', 'bundle']);
  assert.deepEqual(warnings, []);
});

test('a page that never grants is given up after a bounded wait, with a warning', async () => {
  refusals = Array(10).fill(NOT_YET);
  const t0 = performance.now();
  const answer = await unroll(tab, 'action');
  assert.equal(answer.ok, false);
  assert.match(answer.error, /Cannot access contents of the page/);
  assert.equal(calls.filter(([k]) => k === 'execute').length, 4, 'the first try and three more');
  assert.ok(performance.now() - t0 < 2000, 'under a second or two of waiting');
  assert.equal(warnings.length, 1);
});

test('a page that refuses scripts for another reason is not asked again', async () => {
  refusals = ['Cannot access a chrome:// URL'];
  const answer = await unroll({ id: 8, url: 'chrome://settings' }, 'action');
  assert.deepEqual(answer, { ok: false, error: 'Cannot access a chrome:// URL' });
  assert.equal(calls.filter(([k]) => k === 'execute').length, 1);
});
