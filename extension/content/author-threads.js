// @ts-check
// "Threads by @author": on a profile page (X, Bluesky, Mastodon and servers
// with its API) the toolbar lists the author's threads instead of unrolling
// the page. This file gathers the profile's timeline responses as the page
// or its API serves them and draws the list; which posts start a thread,
// in what order and how long, is read by Go (unspool.authorThreads, through
// the background's author:list), never here.
//   X         the UserTweets responses the page itself fetched (kept by main-world/x-capture.js),
//             and the timeline cells the profile shows (their outerHTML: a page loaded before
//             the extension came has no captured responses, but its cells are there)
//   Bluesky   app.bsky.feed.getAuthorFeed from the public AppView (the background asks it)
//   Mastodon  GET /api/v1/accounts/lookup (the id read by Go: unspool.mastodonAccountId, through
//             author:mastodon-account), then /api/v1/accounts/:id/statuses on the page's own origin
// "Unroll" opens the reader on a thread: Bluesky's and Mastodon's collected
// here as their collectors would on the thread's page; X's on its own page,
// opened in this tab (X needs the page's own TweetDetail). "Save all"
// (Bluesky, Mastodon) collects each thread from this page as its collector
// would for the thread's own page (getPostThread; the status and its
// context) and has the background save it (author:save, which takes only
// threads of this list). X has no such request a profile page can make: the
// background opens each thread's own page in a tab beside this one, not
// shown, unrolls it there as usual, saves it and closes the tab
// (author:save-away), one thread at a time.
import './x-capture.js';
import './bluesky-collector.js';
import './mastodon-collector.js';
import './ui-host.js';
import { NO_AWAY_TAB } from '../shared/author-away.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.authorThreads) return;

  // Profile addresses, by platform (the address shapes only; a page that
  // merely looks like one gives no listing, and the usual unroll runs).
  const X_HOSTS = /^(?:(?:mobile\.)?x\.com|(?:mobile\.)?twitter\.com)$/i;
  const X_PROFILE = /^\/([A-Za-z0-9_]{1,15})(?:\/with_replies)?\/?$/; // /<handle>: the posts tab, or the replies tab
  // X's timeline cells, in the page's main column when it has one (the
  // side column's are not the profile's).
  const X_CELLS = '[data-testid="cellInnerDiv"]';
  const X_MAIN = '[data-testid="primaryColumn"]';
  const BSKY_HOSTS = /^(?:bsky\.app|staging\.bsky\.app|main\.bsky\.dev)$/i;
  const BSKY_PROFILE = /^\/profile\/([^/]+)\/?$/; // /profile/<handle or DID>
  const MASTO_PROFILE = /^\/@([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9.-]+))?\/?$/; // /@user, /@user@host
  const TIMEOUT_MS = 10_000;
  // Mastodon's own profile asks the same: the author's posts and their
  // replies to themselves, without replies to others.
  const MASTO_STATUSES = '?exclude_replies=true&limit=40';

  const PANEL_CSS = `
    :host { all: initial; position: fixed; z-index: 2147483647; top: 12px; right: 12px; }
    .panel { font: 14px/1.45 system-ui, sans-serif; color: #1d2030; background: #fbfaf7; width: min(420px, calc(100vw - 24px));
      max-height: calc(100vh - 24px); overflow: auto; border-radius: 12px; box-shadow: 0 6px 28px rgb(0 0 0 / .3); padding: 12px 16px; }
    h2 { font-size: 16px; margin: 0 0 8px; display: flex; justify-content: space-between; align-items: center; gap: 8px; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: flex; gap: 10px; align-items: center; padding: 8px 0; border-top: 1px solid #e4e1d8; }
    .text { flex: 1; min-width: 0; }
    .line { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .meta { color: #5b6070; font-size: 12px; }
    .empty, .status { color: #5b6070; margin: 8px 0; }
    .saved { color: #2d6a3e; font-size: 12px; }
    button { font: inherit; font-size: 13px; color: #f6f4ef; background: #20263a; border: 0; border-radius: 999px; padding: 4px 12px; cursor: pointer; }
    button.quiet { color: inherit; background: transparent; }
    button:focus-visible { outline: 2px solid #c0661c; outline-offset: 2px; }
  `;

  let panel = null;

  function profile() {
    const host = location.hostname;
    let m;
    if (X_HOSTS.test(host) && (m = X_PROFILE.exec(location.pathname))) return { platform: 'x', name: m[1] };
    if (BSKY_HOSTS.test(host) && (m = BSKY_PROFILE.exec(location.pathname))) return { platform: 'bluesky', name: decodeURIComponent(m[1]) };
    if ((m = MASTO_PROFILE.exec(location.pathname))) return { platform: 'mastodon', name: m[2] ? `${m[1]}@${m[2]}` : m[1] };
    return null;
  }

  async function getText(path) {
    const res = await fetch(new URL(path, location.origin), { credentials: 'omit', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res.text();
  }

  // xCells is the outerHTML of the timeline cells the X profile shows now
  // ("" when none): Go reads them (the list is virtualised: only those near
  // the viewport are in the page).
  function xCells() {
    const scope = document.querySelector(X_MAIN) ?? document;
    return [...scope.querySelectorAll(X_CELLS)].map((c) => c.outerHTML).join('\n');
  }

  // bodies gathers the profile's timeline responses; [] when there are none.
  async function bodies(p) {
    switch (p.platform) {
      case 'x':
        return U.xTimelineCaptured();
      case 'bluesky':
        return [await U.askWhole('author:bluesky-feed', { actor: p.name })];
      case 'mastodon': {
        // The account's id is what the statuses endpoint takes; Go reads it
        // from the lookup's answer (author:mastodon-account).
        const lookup = await getText(`/api/v1/accounts/lookup?acct=${encodeURIComponent(p.name)}`);
        const id = await U.askWhole('author:mastodon-account', { url: location.href, body: lookup });
        return [await getText(`/api/v1/accounts/${encodeURIComponent(id)}/statuses${MASTO_STATUSES}`)];
      }
    }
    return [];
  }

  function close() {
    if (!panel) return;
    panel = null;
    U.ui.close();
  }

  function button(label, onClick, quiet = false) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (quiet) b.className = 'quiet';
    b.addEventListener('click', onClick);
    return b;
  }

  function show(listing) {
    const root = U.ui.open();
    U.useSheets(root, [U.sheet(PANEL_CSS)]);
    panel = document.createElement('section');
    panel.className = 'panel';
    panel.setAttribute('role', 'dialog');
    const handle = listing.author?.handle ?? '';
    panel.setAttribute('aria-label', `Threads by @${handle}`);
    const h = document.createElement('h2');
    const title = document.createElement('span');
    title.textContent = `Threads by @${handle}`;
    const status = document.createElement('p');
    status.className = 'status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    const save = savers[listing.platform];
    const actions = document.createElement('span');
    if (save && listing.threads.length) actions.append(button('Save all', (e) => saveAll(listing, save, status, /** @type {HTMLButtonElement} */ (e.currentTarget))));
    actions.append(button('Close', close, true));
    h.append(title, actions);
    panel.append(h, status);
    if (!listing.threads.length) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = 'No threads among the posts this profile shows. Scroll further down, then press Unspool again.';
      panel.append(p);
    }
    const list = document.createElement('ol');
    for (const t of listing.threads) {
      const li = document.createElement('li');
      li.dataset.threadId = t.id;
      const text = document.createElement('div');
      text.className = 'text';
      const line = document.createElement('div');
      line.className = 'line';
      line.textContent = t.firstLine || '(no text)';
      line.title = t.firstLine;
      const meta = document.createElement('div');
      meta.className = 'meta';
      const when = t.createdAt && !t.createdAt.startsWith('0001') ? ` · ${new Date(t.createdAt).toLocaleDateString()}` : '';
      meta.textContent = `${t.posts}${t.more ? '+' : ''} posts${when}`;
      text.append(line, meta);
      li.append(text, button('Unroll', () => unroll(listing, t)));
      list.append(li);
    }
    panel.append(list);
    root.replaceChildren(panel);
    panel.querySelector('button')?.focus({ preventScroll: true });
  }

  // collectors: a listed thread as its platform's collector gathers it on
  // the thread's own page ({content} for the extractor).
  const collectors = {
    bluesky: async (t) => ({ content: await U.blueskyThread(t.url) }),
    mastodon: async (t) => ({ content: await U.mastodonThread(t.id) }),
  };

  // savers: how Save all saves one listed thread, collected whole: here as
  // its collector would on its own page, then author:save (Bluesky,
  // Mastodon); on its own page, in a tab the background opens for it (X).
  const saveHere = (collect) => async (t) => U.ask('author:save', { url: t.url, collected: await collect(t) });
  const savers = {
    bluesky: saveHere(collectors.bluesky),
    mastodon: saveHere(collectors.mastodon),
    x: (t) => U.ask('author:save-away', { url: t.url }),
  };

  // saveAll saves each listed thread in turn, each collected whole; one that
  // fails is named and the rest go on.
  async function saveAll(listing, save, status, btn) {
    btn.disabled = true;
    const failed = [];
    let saved = 0;
    const away = listing.platform === 'x' ? ' (on its own page, in a tab beside this one)' : '';
    for (const [i, t] of listing.threads.entries()) {
      status.textContent = `Saving ${i + 1} of ${listing.threads.length}${away}…`;
      try {
        const res = await save(t);
        saved++;
        const li = [...(panel?.querySelectorAll('li') ?? [])].find((x) => x.dataset.threadId === t.id)?.querySelector('.meta');
        if (li) {
          const mark = document.createElement('span');
          mark.className = 'saved';
          mark.textContent = ` · saved (${res.posts} posts${res.complete === false ? ', incomplete' : ''})`;
          li.append(mark);
        }
      } catch (err) {
        // The background cannot open a tab for any of them: said once.
        if (err.message.startsWith(NO_AWAY_TAB)) {
          status.textContent = err.message;
          btn.disabled = false;
          return;
        }
        failed.push(`${t.firstLine.slice(0, 40)}: ${err.message}`);
      }
    }
    status.textContent = `Saved ${saved} of ${listing.threads.length} threads.${failed.length ? ` Not saved: ${failed.join('; ')}` : ''}`;
    btn.disabled = false;
  }

  // unroll opens the reader on one listed thread: here, collected as on its
  // own page (Bluesky, Mastodon); X's on its own page, which the background
  // opens in this tab and unrolls (nothing waits: this page goes).
  function unroll(listing, t) {
    const collect = collectors[listing.platform];
    if (!collect) {
      chrome.runtime.sendMessage({ type: 'author:unroll', url: t.url }).catch(() => {});
      return;
    }
    close();
    U.start({ via: 'author', collector: { id: `author-${listing.platform}`, pageURL: () => t.url, collect: () => collect(t) } });
  }

  U.authorThreads = {
    get isOpen() {
      return panel !== null;
    },
    close,
    // toggle: on a profile page, lists its author's threads (or closes the
    // list) and returns true; elsewhere, or when the profile gives nothing to
    // read, returns false and the usual unroll runs.
    async toggle() {
      if (panel) {
        close();
        return true;
      }
      const p = profile();
      if (!p) return false;
      let listing;
      try {
        const got = await bodies(p);
        const html = p.platform === 'x' ? xCells() : '';
        if (!got.length && !html) return false;
        listing = await U.ask('author:list', { url: location.href, bodies: got, html });
      } catch (err) {
        console.warn(`unspool: no threads listed on this profile (${err.message}); unrolling the page instead`);
        return false;
      }
      show(listing);
      return true;
    },
  };
})();
