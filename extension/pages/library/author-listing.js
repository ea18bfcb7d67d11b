// @ts-check
// The author view's two columns: the author's threads saved here, beside
// those a profile page listed ("Threads by @author", background/
// author-threads.js keeps each author's latest list in chrome.storage.local)
// that are not saved yet — each with a link to unroll it on its page. A
// listed thread is matched to a saved one by its library key, which the
// background computed with the library's own canonicalId.
const PREFIX = 'authorListing:';

/** @typedef {{platform: string, author: {handle: string}, threads: {id: string, url: string, firstLine: string, posts: number, more: boolean}[], keys?: string[]}} Listing */

// listingsOf returns the stored lists whose author is handle (any platform).
/** @returns {Promise<Listing[]>} */
export async function listingsOf(handle) {
  const all = /** @type {Record<string, Listing>} */ (await chrome.storage.local.get(null));
  const h = handle.toLowerCase();
  return Object.entries(all).filter(([k, v]) => k.startsWith(PREFIX) && v?.author?.handle?.toLowerCase() === h).map(([, v]) => v);
}

function item(text, meta, href) {
  const li = document.createElement('li');
  const line = document.createElement(href ? 'a' : 'span');
  line.textContent = text || '(no text)';
  if (href) {
    /** @type {HTMLAnchorElement} */ (line).href = href;
    /** @type {HTMLAnchorElement} */ (line).target = '_blank';
    /** @type {HTMLAnchorElement} */ (line).rel = 'noopener noreferrer';
  }
  const m = document.createElement('span');
  m.className = 'count';
  m.textContent = ` ${meta}`;
  li.append(line, m);
  return li;
}

// renderColumns fills box with the saved rows of the author (as the search
// index holds them) and the listed threads not among them; hidden when no
// profile of this author was listed.
// A refresh after a change elsewhere draws the columns again only when what
// they show changed (a link being clicked stays in the page).
const drawn = new WeakMap();
export async function renderColumns(box, handle, savedRows) {
  const listings = handle ? await listingsOf(handle) : [];
  const saved = new Set(savedRows.map((r) => r.key));
  const unsaved = listings.flatMap((l) => l.threads.map((t, i) => ({ ...t, key: l.keys?.[i] }))).filter((t) => t.key && !saved.has(t.key));
  const sig = JSON.stringify([listings.length, savedRows.map((r) => [r.first, r.posts]), unsaved.map((t) => [t.firstLine, t.posts, t.more, t.url])]);
  if (drawn.get(box) === sig) return;
  drawn.set(box, sig);
  box.replaceChildren();
  box.hidden = listings.length === 0;
  if (!listings.length) return;
  const col = (title, id, items) => {
    const sec = document.createElement('section');
    sec.id = id;
    const h = document.createElement('h3');
    h.textContent = title;
    const ol = document.createElement('ol');
    ol.append(...items);
    sec.append(h, ol);
    return sec;
  };
  box.append(
    col(`Saved (${savedRows.length})`, 'author-saved', savedRows.map((r) => item(r.first, `${r.posts} posts`))),
    col(`On the profile, not saved yet (${unsaved.length})`, 'author-unsaved', unsaved.map((t) => item(t.firstLine, `${t.posts}${t.more ? '+' : ''} posts`, t.url))),
  );
}
