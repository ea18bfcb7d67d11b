// @ts-check
// The list's rows, one element per record key for the life of the page.
// The list is redrawn after every change anywhere (a save in another tab, a
// sync pull, a keystroke in the search): each redraw reuses the key's
// element, rewrites only the rows whose shown content changed, and moves
// only the rows whose place changed. A row the user is pressing, the
// focused button, ticked boxes, a text selection and the scroll position
// are then those of the same elements after the redraw as before; a whole
// new list would drop a click made at that moment on a row no longer in
// the page.

import { platformNames } from '../../shared/contract.gen.js';

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
function fmtDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateFmt.format(d);
}

// shown is what a row shows of a summary: a row whose shown fields are the
// same is left alone (a sync brings new summary objects for every thread,
// most of them unchanged).
const shown = (r) => JSON.stringify([r.handle, r.name, r.platform, r.date, r.posts, r.complete, r.read, r.fresh, r.first, r.tags]);

// setText writes text only when it differs: an unchanged node stays the
// same node (a selection in it survives, a screen reader hears nothing; an
// aria-live count is not announced again).
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// fill writes summary r into row li, new or drawn before.
function fill(li, r) {
  const author = li.querySelector('.author');
  const label = r.name || `@${r.handle}`;
  const handle = r.name ? ` @${r.handle}` : '';
  if (author.firstChild?.nodeValue !== label || (author.querySelector('.handle')?.textContent ?? '') !== handle) {
    author.textContent = label;
    if (handle) {
      const h = document.createElement('span');
      h.className = 'handle';
      h.textContent = handle;
      author.append(h);
    }
  }
  author.dataset.handle = r.handle;
  li.querySelector('.pick').setAttribute('aria-label', `Select the thread by @${r.handle}`);
  li.querySelector('.delete').setAttribute('aria-label', `Delete the thread by @${r.handle}`);
  setText(li.querySelector('.platform'), platformNames[r.platform] ?? r.platform);
  const date = li.querySelector('.date');
  date.dateTime = r.date;
  setText(date, fmtDate(r.date));
  setText(li.querySelector('.posts'), `${r.posts} post${r.posts === 1 ? '' : 's'}`);
  li.querySelector('.incomplete').hidden = r.complete;
  const read = li.querySelector('.read');
  read.hidden = !(r.read > 0);
  setText(read, r.read > 0 ? (r.read >= 0.98 ? 'read' : `${Math.round(r.read * 100)}% read`) : '');
  const fresh = li.querySelector('.fresh');
  fresh.hidden = !(r.fresh > 0);
  setText(fresh, r.fresh > 0 ? `${r.fresh} new` : '');
  const first = li.querySelector('.first');
  setText(first, r.first || '(no text)');
  first.href = `read.html?key=${encodeURIComponent(r.key)}`;
  fillTags(li.querySelector('.tags'), r.tags);
}

// fillTags keeps the buttons of tags still there (one may have the focus).
function fillTags(box, tags) {
  const had = new Map([...box.children].map((b) => [b.dataset.tag, b]));
  const want = tags.map((t) => {
    let b = had.get(t);
    if (!b) {
      b = document.createElement('button');
      b.type = 'button';
      b.className = 'tag';
      b.dataset.tag = t;
      b.textContent = `#${t}`;
      b.title = `Only threads tagged ${t}`;
    }
    return b;
  });
  place(box, want);
}

// keptInOrder returns the indexes of seq (positions, -1 for none) that form
// its longest increasing run: the elements that need not move.
function keptInOrder(seq) {
  const tails = []; // tails[k]: index in seq ending the best run of length k+1
  const prev = new Array(seq.length);
  for (let i = 0; i < seq.length; i++) {
    if (seq[i] < 0) continue;
    let lo = 0, hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const keep = new Set();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

// place makes parent's children exactly want, in order, removing the
// others and moving as few of the rest as can be.
export function place(parent, want) {
  const wanted = new Set(want);
  for (const el of [...parent.children]) if (!wanted.has(el)) el.remove();
  const at = new Map([...parent.children].map((el, i) => [el, i]));
  // The common case (nothing moved, rows added at the end) needs no search.
  let same = 0;
  while (same < want.length && at.get(want[same]) === same) same++;
  if (same === at.size) {
    if (same < want.length) parent.append(...want.slice(same));
    return;
  }
  const keep = keptInOrder(want.map((el) => at.get(el) ?? -1));
  let next = null;
  for (let i = want.length - 1; i >= 0; i--) {
    if (!keep.has(i)) parent.insertBefore(want[i], next);
    next = want[i];
  }
}

export class Rows {
  /**
   * @param {HTMLElement} list the <ol> the rows are drawn in
   * @param {HTMLTemplateElement} template one row, empty
   * @param {(key: string) => boolean} selected whether a row's box is ticked
   */
  constructor(list, template, selected) {
    this.list = list;
    this.template = template;
    this.selected = selected;
    /** @type {Map<string, {li: HTMLElement, shown: string}>} */
    this.byKey = new Map();
  }

  // row returns key's element with r's content, built or brought up to date.
  row(r) {
    let e = this.byKey.get(r.key);
    const s = shown(r);
    if (!e) {
      const li = /** @type {HTMLElement} */ (this.template.content.firstElementChild.cloneNode(true));
      li.dataset.key = r.key;
      e = { li, shown: '' };
      this.byKey.set(r.key, e);
    }
    if (e.shown !== s) {
      fill(e.li, r);
      e.shown = s;
    }
    const pick = /** @type {HTMLInputElement} */ (e.li.querySelector('.pick'));
    const on = this.selected(r.key);
    if (pick.checked !== on) pick.checked = on;
    return e.li;
  }

  // show draws the summaries in order, as the list's only rows.
  show(summaries) {
    const active = document.activeElement;
    const focusHere = active instanceof HTMLElement && this.list.contains(active) ? active : null;
    place(this.list, summaries.map((r) => this.row(r)));
    // A row that had to move took the focus with it out of the page for a
    // moment: give it back.
    if (focusHere?.isConnected && document.activeElement !== focusHere) focusHere.focus({ preventScroll: true });
  }

  // forget drops the elements of keys no longer in the library.
  forget(has) {
    for (const k of this.byKey.keys()) if (!has(k)) this.byKey.delete(k);
  }
}
