// @ts-check
// Bluesky's public AppView, asked by the background for the Bluesky
// collector (content/bluesky-collector.js):
//
//   GET https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread
//       ?uri=at://<actor>/app.bsky.feed.post/<rkey>&depth=1000&parentHeight=1000
//
// From the background, not the content script: Firefox holds a content
// script's fetch to the page's own connect-src (bsky.app's does not name the
// AppView), Chromium does not; the background's request is the same in
// both. The address is fixed here: the message names only the post, and
// both of its parts are checked against what Bluesky allows in them, so
// nothing a page sends can change the host, the path or the other
// parameters. No cookies, no referrer.
import { handle, REFUSED } from './messages.js';

export const APPVIEW = 'https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread';
// The whole thread, however deep: getPostThread caps both at 1000.
const DEPTH = 1000;
const TIMEOUT_MS = 10_000;

// The post's author: a handle (a domain name, at most 253 characters) or a
// DID (did:<method>:<id>, at most 2 KB in the DID spec). Neither holds '/',
// '?', '#' or '@', so the at:// URI cannot be bent into another record.
const ACTOR = /^(?:[A-Za-z0-9.-]{1,253}|did:[a-z]+:[A-Za-z0-9._:%-]{1,2000})$/;
// A record key (atproto's record-key syntax: 1–512 of these characters,
// never "." or "..").
const RKEY = /^(?!\.{1,2}$)[A-Za-z0-9._:~-]{1,512}$/;
// Where a Bluesky post page is: only those pages may ask (the web app's
// hosts, as the collector matches them).
const PAGE_HOSTS = new Set(['bsky.app', 'staging.bsky.app', 'main.bsky.dev']);

// threadURL is the AppView request for the post, or throws on a name that is
// not a Bluesky actor or record key.
export function threadURL(actor, rkey) {
  if (typeof actor !== 'string' || !ACTOR.test(actor)) throw new Error(`not a Bluesky handle or DID: ${String(actor).slice(0, 80)}`);
  if (typeof rkey !== 'string' || !RKEY.test(rkey)) throw new Error(`not a Bluesky record key: ${String(rkey).slice(0, 80)}`);
  const u = new URL(APPVIEW);
  u.searchParams.set('uri', `at://${actor}/app.bsky.feed.post/${rkey}`);
  u.searchParams.set('depth', String(DEPTH));
  u.searchParams.set('parentHeight', String(DEPTH));
  return u;
}

// fetchThread returns the AppView's answer as text: only a thread (an error
// object or anything else is an error, and the collector reads the page).
export async function fetchThread(actor, rkey) {
  const u = threadURL(actor, rkey);
  let res, text;
  try {
    res = await fetch(u, {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.ok) text = await res.text();
  } catch (err) {
    if (err?.name === 'TimeoutError') throw new Error(`the Bluesky AppView did not answer within ${TIMEOUT_MS / 1000} s`, { cause: err });
    throw new Error(`the Bluesky AppView could not be reached (${err?.message ?? err})`, { cause: err });
  }
  if (!res.ok) throw new Error(`the Bluesky AppView answered ${res.status}`);
  let thread;
  try {
    thread = JSON.parse(text)?.thread;
  } catch {
    throw new Error('the Bluesky AppView sent something other than JSON');
  }
  if (!thread) throw new Error('the Bluesky AppView sent no thread');
  return text;
}

// fromBlueskyPage is the messages.js page check: a content script on a
// Bluesky page (sender.url is the frame's address as the browser knows it).
export function fromBlueskyPage(msg, sender) {
  let host = '';
  try {
    host = new URL(sender.url).hostname;
  } catch {
    // no address: refused below like any other host
  }
  if (!PAGE_HOSTS.has(host)) throw new Error(`${msg.type}: ${REFUSED} (only a Bluesky page asks for a Bluesky thread)`);
}

handle('reader:bluesky-thread', ({ actor, rkey }) => fetchThread(actor, rkey), { page: fromBlueskyPage });

// A profile's posts, for "Threads by @author" (content/author-threads.js):
//
//   GET https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed
//       ?actor=<handle or DID>&filter=posts_and_author_threads&limit=100
//
// asked by a content script on a Bluesky profile page, under the same rules
// as the thread: a fixed address, the actor checked, no cookies, no referrer.
// The answer goes to Go as text (author:list), which says when it is not a feed.
export const AUTHOR_FEED = 'https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed';
// What bsky.app's profile asks for: the author's posts and their own
// threads, a page of up to 100 (the most getAuthorFeed gives at once).
const FEED_FILTER = 'posts_and_author_threads';
const FEED_LIMIT = 100;

// feedURL is the AppView request for actor's feed, or throws on a name that
// is not a Bluesky handle or DID (so no page can bend the address).
export function feedURL(actor) {
  if (typeof actor !== 'string' || !ACTOR.test(actor)) throw new Error(`not a Bluesky handle or DID: ${String(actor).slice(0, 80)}`);
  const u = new URL(AUTHOR_FEED);
  u.searchParams.set('actor', actor);
  u.searchParams.set('filter', FEED_FILTER);
  u.searchParams.set('limit', String(FEED_LIMIT));
  return u;
}

export async function fetchFeed(actor) {
  const u = feedURL(actor);
  let res;
  try {
    res = await fetch(u, { credentials: 'omit', referrerPolicy: 'no-referrer', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    if (err?.name === 'TimeoutError') throw new Error(`the Bluesky AppView did not answer within ${TIMEOUT_MS / 1000} s`, { cause: err });
    throw new Error(`the Bluesky AppView could not be reached (${err?.message ?? err})`, { cause: err });
  }
  if (!res.ok) throw new Error(`the Bluesky AppView answered ${res.status}`);
  return res.text(); // read by Go (author:list), which says when it is not a feed
}

handle('author:bluesky-feed', ({ actor }) => fetchFeed(actor), { page: fromBlueskyPage });
