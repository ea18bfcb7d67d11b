// @ts-check
// "Threads by @author": what a profile page's content script asks of the
// background (content/author-threads.js draws the list).
//   author:list          the profile's timeline responses → unspool.authorThreads
//                        (Go reads X's, Bluesky's and Mastodon's JSON; this file never does)
//   author:mastodon-account  a Mastodon profile's account lookup answer → the
//                        account id its statuses request takes (unspool.mastodonAccountId)
//   author:bluesky-feed  (in bluesky-appview.js) the AppView's getAuthorFeed for the profile
//   author:unroll        opens one listed thread in the same tab and unrolls it there
//   author:save          saves one listed thread the content script collected
//                        (Save all), and only a thread that tab's list holds
//   author:save-away     (X) saves one listed thread collected on its own page,
//                        in a tab opened for it beside the profile and closed after
//
// Each list is remembered: per tab in chrome.storage.session (which threads
// that tab may save: a compromised page can save what its own profile lists,
// as it could unroll and save each one, and learns nothing of the library),
// and per author in chrome.storage.local (the library's author view shows
// the threads not saved yet beside the saved ones; LISTINGS_KEPT authors).
import { call, ready } from '../shared/wasm-host.js';
import { handle, REFUSED } from './messages.js';
import * as library from '../shared/library-store.js';
import { inject, unroll } from './triggers.js';
import { NO_AWAY_TAB } from '../shared/author-away.js';

const LOAD_TIMEOUT_MS = 30_000;

export const LISTING_PREFIX = 'authorListing:';
const LISTINGS_KEPT = 50;
const listedSlot = (sender) => `listed:${sender.tab.id}:${sender.frameId ?? 0}`;
const listedURLsSlot = (sender) => `listedURLs:${sender.tab.id}:${sender.frameId ?? 0}`;

// keepListing stores the author's listing for the library (the newest
// LISTINGS_KEPT authors) and which threads this tab may save.
async function keepListing(listing, sender) {
  const keys = await Promise.all(listing.threads.map((t) => call('canonicalId', listing.platform, t.id)));
  const name = `${LISTING_PREFIX}${listing.platform}:${listing.author.handle.toLowerCase()}`;
  await chrome.storage.local.set({ [name]: { ...listing, keys, listedAt: new Date().toISOString() } });
  const all = /** @type {Record<string, {listedAt?: string}>} */ (await chrome.storage.local.get(null));
  const old = Object.keys(all).filter((k) => k.startsWith(LISTING_PREFIX)).sort((a, b) => (all[b].listedAt ?? '').localeCompare(all[a].listedAt ?? '')).slice(LISTINGS_KEPT);
  if (old.length) await chrome.storage.local.remove(old);
  if (sender?.tab) await chrome.storage.session.set({ [listedSlot(sender)]: keys, [listedURLsSlot(sender)]: listing.threads.map((t) => t.url) });
}

// author:list {url, bodies, html?} — html: an X profile's rendered cells.
handle('author:list', async ({ url, bodies, html = '' }, sender) => {
  if (typeof url !== 'string' || !Array.isArray(bodies) || bodies.some((b) => typeof b !== 'string') || typeof html !== 'string') throw new Error('author:list takes {url, bodies: [strings], html?: string}');
  await ready();
  const listing = JSON.parse(await call('authorThreads', url, bodies, html));
  await keepListing(listing, sender);
  return listing;
}, { page: true });

handle('author:mastodon-account', async ({ url, body }) => {
  if (typeof url !== 'string' || typeof body !== 'string') throw new Error('author:mastodon-account takes {url, body}');
  await ready();
  return call('mastodonAccountId', url, body);
}, { page: true });

// author:save {url, collected: {content}} — one thread of the list, as the
// platform's collector gathered it: extracted here, saved only when it is a
// thread this tab's list holds.
/** @returns {Promise<string[]>} the library keys this tab's list holds */
const listedHere = async (sender) => /** @type {string[]} */ ((await chrome.storage.session.get(listedSlot(sender)))[listedSlot(sender)] ?? []);

// listsThreads is author:save's page check: this tab has listed threads.
async function listsThreads(msg, sender) {
  if (!(await listedHere(sender)).length) throw new Error(`${msg.type}: ${REFUSED} (no list of threads in this tab)`);
}

handle('author:save', async ({ url, collected }, sender) => {
  if (typeof url !== 'string' || typeof collected?.content !== 'string') throw new Error('author:save takes {url, collected: {content}}');
  await ready();
  const thread = await call('extract', url, collected.content);
  const key = await library.threadKey(thread);
  if (!(await listedHere(sender)).includes(key)) throw new Error(`author:save: ${REFUSED} (only a thread of this profile's list)`);
  return library.save(JSON.parse(thread));
}, { page: listsThreads });

// sameOrigin is the page check of author:unroll: a profile may open only an
// address of its own site (what its own links could do).
function sameOrigin(msg, sender) {
  let to, from;
  try {
    to = new URL(msg.url);
    from = new URL(sender.url);
  } catch {
    throw new Error(`${msg.type}: ${REFUSED} (not an address)`);
  }
  if (to.origin !== from.origin || !/^https?:$/.test(to.protocol)) throw new Error(`${msg.type}: ${REFUSED} (only an address of the page's own site)`);
}

// loaded resolves when tabId has finished loading (or after LOAD_TIMEOUT_MS);
// with at, when it has finished loading that address (a new tab completes
// its about:blank first in Firefox), also if it had before this was asked.
function loaded(tabId, { at = null } = {}) {
  return new Promise((resolve) => {
    const done = () => {
      chrome.tabs.onUpdated.removeListener(onUpdated);
      clearTimeout(timer);
      resolve(undefined);
    };
    const there = (tab) => tab.status === 'complete' && (!at || tab.url === at);
    const onUpdated = (id, info, tab) => id === tabId && info.status === 'complete' && there(tab) && done();
    const timer = setTimeout(done, LOAD_TIMEOUT_MS);
    chrome.tabs.onUpdated.addListener(onUpdated);
    if (at) chrome.tabs.get(tabId).then((t) => there(t) && done(), done);
  });
}

handle('author:unroll', async ({ url }, sender) => {
  const tabId = sender.tab.id;
  const done = loaded(tabId);
  await chrome.tabs.update(tabId, { url });
  await done;
  // Answered before the unroll ends: the page that asked is gone.
  unroll(await chrome.tabs.get(tabId), 'author').catch(() => {});
  return { opened: url };
}, { page: sameOrigin });

// author:save-away {url} — X's Save all. X gives a whole thread only to its
// own page, and the extension requests nothing of X on its own: each listed
// thread is opened in a tab beside the profile, not shown, where the usual
// unroll collects it (X's JSON the page fetched, its cursors followed with
// the page's own request); the thread is saved like any other, and the tab
// closed. One at a time: the profile's Save all waits for each answer.
const AWAY_BUDGET_MS = 60_000;

/** @returns {Promise<string[]>} the thread addresses this tab's list holds */
const listedURLsHere = async (sender) => /** @type {string[]} */ ((await chrome.storage.session.get(listedURLsSlot(sender)))[listedURLsSlot(sender)] ?? []);

// listsThisURL is author:save-away's page check: only an address of this
// tab's own list, on the page's own site.
async function listsThisURL(msg, sender) {
  sameOrigin(msg, sender);
  if (!(await listedURLsHere(sender)).includes(msg.url)) throw new Error(`${msg.type}: ${REFUSED} (only a thread of this profile's list)`);
}

handle('author:save-away', async ({ url }, sender) => {
  const origin = `${new URL(url).origin}/*`;
  if (!(await chrome.permissions.contains({ origins: [origin] }))) {
    throw new Error(`${NO_AWAY_TAB}: Unspool may not read ${new URL(url).host} in a tab it opens (grant it in the browser's extension settings, or unroll each thread from the list)`);
  }
  const tab = await chrome.tabs.create({ url, active: false, windowId: sender.tab.windowId, index: sender.tab.index + 1 });
  try {
    await loaded(tab.id, { at: url });
    await inject(tab.id);
    const res = await chrome.tabs.sendMessage(tab.id, { type: 'content:collect-thread', budgetMs: AWAY_BUDGET_MS });
    if (!res?.ok) throw new Error(res?.error ?? 'the thread\'s page did not answer');
    const thread = JSON.parse(res.value.thread);
    const saved = await library.save(thread);
    return { ...saved, complete: thread.complete };
  } finally {
    chrome.tabs.remove(tab.id).catch(() => {});
  }
}, { page: listsThisURL });
