// The library list while the library changes elsewhere (a save or an edit
// in another tab, a sync pull: the background writes and the page hears it
// on its BroadcastChannel): a click the user is making at that moment still
// lands, and the redraw touches only the rows whose content changed — the
// focused button, the ticked boxes, a text selection, the scroll position
// and a half-typed author stay as they were.
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openProfile } from './library-helpers.mjs';
import { Generator } from './library-data.mjs';

const gen = new Generator(77);
const threads = Array.from({ length: 30 }, () => gen.thread());
const key = (t) => `${t.platform}:${t.id}`;
const row = (t) => `.row[data-key="${key(t)}"]`;

let A, elsewhere;
before(async () => {
  A = await openProfile();
  for (const t of threads) await A.send('library:save', { thread: t });
  // The other tab the outside changes are made from, as a second library
  // or reader tab would make them.
  elsewhere = await A.context.newPage();
  await elsewhere.goto(A.url('pages/options/options.html'));
});
after(async () => { await A?.close(); });

// edit sets a thread's tags from the other tab, through the background
// (which stores them and tells every open page).
const edit = (t, tags) => elsewhere.evaluate(async (m) => {
  const res = await chrome.runtime.sendMessage(m);
  if (!res?.ok) throw new Error(res?.error ?? 'no answer');
}, { type: 'library:edit', key: key(t), tags });

async function openLibrary() {
  const { page, url } = A;
  await page.bringToFront(); // the other tab opened over it: hidden tabs draw no frames
  await page.goto(url('pages/library/library.html'));
  await page.waitForSelector('html[data-ready]');
  // Each row element as first drawn, to tell a kept row from a new one.
  await page.evaluate(() => {
    window.firstRows = new Map([...document.querySelectorAll('#list .row')].map((li) => [li.dataset.key, li]));
  });
  return page;
}

// middleOf scrolls sel into the middle of the view and gives its centre.
const middleOf = (page, sel) => page.evaluate((s) => {
  const e = document.querySelector(s);
  e.scrollIntoView({ block: 'center' });
  const r = e.getBoundingClientRect();
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}, sel);

// pressAcrossChange presses the mouse on sel, lets the library change
// elsewhere (change) and waits until the page has drawn it (drawn), then
// releases: a click that spans the redraw, as a person's does when the sync
// lands at that moment.
async function pressAcrossChange(page, sel, change, drawn) {
  const at = await middleOf(page, sel);
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  try {
    await change();
    await page.waitForFunction(drawn.fn, drawn.arg, { timeout: 10_000 });
  } finally {
    await page.mouse.up();
  }
}

const tagShown = (t, tag) => ({ fn: ([s, g]) => Boolean(document.querySelector(`${s} .tag[data-tag="${g}"]`)), arg: [row(t), tag] });

test('a delete clicked while another thread changes elsewhere deletes', async () => {
  const page = await openLibrary();
  const [target, other] = [threads[27], threads[26]];
  await pressAcrossChange(page, `${row(target)} .delete`, () => edit(other, ['elsewhere']), tagShown(other, 'elsewhere'));
  await page.waitForFunction((s) => !document.querySelector(s), row(target), { timeout: 5_000 });
  assert.match(await page.textContent('#toast-text'), /Deleted 1 thread/);
  await page.click('#toast-undo');
  await page.waitForSelector(row(target));
});

test('a box ticked while its own thread changes elsewhere is ticked, on the same row', async () => {
  const page = await openLibrary();
  const target = threads[25];
  await pressAcrossChange(page, `${row(target)} .pick`, () => edit(target, ['mine']), tagShown(target, 'mine'));
  await page.waitForFunction((s) => document.querySelector(`${s} .pick`).checked, row(target), { timeout: 5_000 });
  assert.equal(await page.textContent('#bulk-count'), '1 selected');
  assert.ok(await page.evaluate((k) => window.firstRows.get(k) === document.querySelector(`.row[data-key="${k}"]`), key(target)),
    'the changed row was updated in place, not replaced');
});

test('a redraw touches only the changed row; focus, ticks, selection, scroll and a half-typed author stay', async () => {
  const page = await openLibrary();
  // Newest saved first: threads[28] is the second row, ticked before the
  // page is scrolled; the others are further down.
  const [focused, ticked, changed, selected] = [threads[20], threads[28], threads[15], threads[10]];
  await page.check(`${row(ticked)} .pick`);
  await page.evaluate(([f, s]) => {
    // Scrolled so the list is partly above the view.
    window.scrollTo(0, document.querySelector(f).getBoundingClientRect().top + window.scrollY - 200);
    document.querySelector(`${f} .delete`).focus();
    // A person selected the title of a row to copy it.
    const first = document.querySelector(`${s} .first`);
    getSelection().selectAllChildren(first);
    window.mutatedRows = new Set();
    new MutationObserver((ms) => {
      for (const m of ms) {
        const target = m.target instanceof Element ? m.target : m.target.parentElement;
        window.mutatedRows.add(target?.closest('.row')?.dataset.key ?? `list:${m.type}`);
      }
    }).observe(document.getElementById('list'), { subtree: true, childList: true, attributes: true, characterData: true });
  }, [row(focused), row(selected)]);
  // Half an author typed in the filter field (the focus goes back to the
  // row below, where the user's keys go).
  await page.evaluate(() => { document.getElementById('f-author').value = '@zz'; });
  await page.evaluate((f) => document.querySelector(`${f} .delete`).focus(), row(focused));
  const before = await page.evaluate(() => ({ y: Math.round(window.scrollY), selection: String(getSelection()) }));
  assert.ok(before.y > 0 && before.selection.length > 0);

  await edit(changed, ['reread']);
  await page.waitForFunction(...Object.values(tagShown(changed, 'reread')), { timeout: 10_000 });
  // Another moment for anything the refresh does after drawing the row.
  await page.waitForTimeout(300);

  const after = await page.evaluate(([f, t]) => ({
    y: Math.round(window.scrollY),
    selection: String(getSelection()),
    focus: document.activeElement === document.querySelector(`${f} .delete`),
    ticked: document.querySelector(`${t} .pick`).checked,
    author: document.getElementById('f-author').value,
    kept: [...window.firstRows].filter(([k, li]) => document.querySelector(`.row[data-key="${k}"]`) === li).length,
    rows: window.firstRows.size,
    mutated: [...window.mutatedRows],
  }), [row(focused), row(ticked)]);
  assert.deepEqual(after.mutated, [key(changed)], 'only the changed row was touched');
  assert.equal(after.kept, after.rows, 'every row element kept');
  assert.equal(after.y, before.y, 'scroll position');
  assert.equal(after.selection, before.selection, 'text selection');
  assert.ok(after.focus, 'focus stays on the button');
  assert.ok(after.ticked, 'the ticked box stays ticked');
  assert.equal(after.author, '@zz', 'what was typed in the author field');

  // The focused button still does what Enter on it does.
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => !document.querySelector(s), row(focused), { timeout: 5_000 });
  await page.click('#toast-undo');
  await page.waitForSelector(row(focused));
});

test('search and the author view stay applied while the library changes elsewhere', async () => {
  const page = await openLibrary();
  const [a, b] = [threads[29], threads[28]];
  const handle = a.author.handle;
  const byAuthor = threads.filter((t) => t.author.handle === handle).map(key).sort();
  await page.locator(`${row(a)} .author`).click();
  await page.waitForSelector('#author-view:not([hidden])');
  const shown = () => page.$$eval('#list .row', (rows) => rows.map((r) => r.dataset.key).sort());
  assert.deepEqual(await shown(), byAuthor);

  // A thread by someone else changes: the view is unchanged.
  if (b.author.handle !== handle) {
    await edit(b, ['other']);
    await page.waitForTimeout(600);
    assert.deepEqual(await shown(), byAuthor);
  }
  // One of the author's threads changes: shown, changed, still only theirs.
  await edit(a, ['theirs']);
  await page.waitForSelector(`${row(a)} .tag[data-tag="theirs"]`);
  assert.deepEqual(await shown(), byAuthor);
  assert.match(await page.textContent('#author-title'), new RegExp(`@${handle}`));

  // A search with a tag's word: a new match appears in place, in order.
  await page.click('#author-back');
  await page.fill('#q', 'theirs');
  await page.waitForFunction((k) => [...document.querySelectorAll('#list .row')].map((r) => r.dataset.key).join() === k, key(a));
  await edit(b, ['theirs']);
  await page.waitForFunction((k) => [...document.querySelectorAll('#list .row')].map((r) => r.dataset.key).sort().join() === k,
    [key(a), key(b)].sort().join(), { timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.getElementById('q').value), 'theirs');
});
