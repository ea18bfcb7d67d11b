// The reader's Save button, for real, in Chromium or Firefox: unroll a
// thread on "x.com" (the extension's test pages through the host mapping),
// press Save in the reader, and find the thread in the library page; S
// saves again and says nothing was new; "Tags & note" asks for both and
// stores them.
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inReader, openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';
import { staticPage } from './pages.mjs';

const made = staticPage(12);
let b;
before(async () => { b = await openBrowser(made.routes); });
after(async () => { await b?.close(); });

const saved = async (page) => page.evaluate(async () => {
  const { all } = await import('/shared/library-store.js');
  return (await all()).map((r) => ({ key: r.key, posts: r.thread?.posts.length, deleted: r.deleted }));
});

test('Save in the reader puts the thread in the library; S saves again and says so', async () => {
  const page = await openPage(b, made.url);
  await pressAction(b, page);
  const reader = await waitForReader(page, 60_000);
  assert.ok(reader.buttons.includes('Save to your library (S)'), `the reader has a Save button (${reader.buttons.join(', ')})`);

  const clicked = await inReader(page, function () {
    const btn = [...this.querySelectorAll('button')].find((x) => x.textContent.trim() === 'Save');
    btn?.click();
    return !!btn;
  });
  assert.ok(clicked);

  const lib = await b.context.newPage();
  await lib.goto(b.extensionURL('pages/library/library.html'));
  let got;
  for (let i = 0; i < 50 && !(got = await saved(lib)).length; i++) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(got, [{ key: `x:${made.expected.ids[0]}`, posts: made.expected.ids.length, deleted: false }]);
  // The reader says what happened, in words.
  const said = async () => inReader(page, function () { return this.querySelector('[aria-live]')?.textContent ?? ''; });
  for (let i = 0; i < 50 && !/Saved 12 posts/.test(await said()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await said(), /Saved 12 posts/);

  // The shortcut: S while the reader is open.
  await page.bringToFront();
  await page.keyboard.press('s');
  for (let i = 0; i < 50 && !/nothing new/.test(await said()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await said(), /Already saved — nothing new/);
  assert.equal((await saved(lib)).length, 1, 'saved once');

  // Tags & note: two prompts, answered as a person would.
  const answers = ['essays, to-read', 'read again on Sunday'];
  const onDialog = (d) => d.accept(answers.shift());
  page.on('dialog', onDialog);
  await inReader(page, function () {
    [...this.querySelectorAll('button')].find((x) => x.textContent.trim() === 'Tags & note').click();
  });
  for (let i = 0; i < 50 && !/Tags and note saved/.test(await said()); i++) await new Promise((r) => setTimeout(r, 100));
  page.off('dialog', onDialog);
  const rec = await lib.evaluate(async (k) => (await import('/shared/library-store.js')).get(k), `x:${made.expected.ids[0]}`);
  assert.deepEqual(rec.tags, ['essays', 'to-read']);
  assert.equal(rec.note, 'read again on Sunday');

  await lib.goto(b.extensionURL('pages/library/library.html'));
  await lib.waitForSelector('html[data-ready]');
  assert.equal(await lib.locator('#list .row').count(), 1);
  assert.equal(await lib.locator('#list .row .tag').count(), 2);
  assert.deepEqual(b.errors, [], 'console errors in pages or the service worker');
});
