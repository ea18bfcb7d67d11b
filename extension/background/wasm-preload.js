// @ts-check
// No cold first click: when a tab shows a thread page the extension may be
// asked to unroll (an X status page: x.com and twitter.com are host
// permissions, so their tabs' addresses are visible here), the WASM is
// loaded and warmed up in the background once the page has loaded, at the
// lowest priority, and the content scripts are put in the page, so the
// first click finds both ready. It is released after
// HOLD_MS without a call: a warm instance holds tens of MB (measured in
// bench/extension-unroll.mjs), which an idle browser should not keep.
//
// Bluesky and Mastodon posts are not preloaded: their addresses are only
// visible with permissions the extension does not ask for ("tabs", or
// every Mastodon server as a host). Their first click still overlaps the
// load with the API request their collectors make.
//
// A Chrome service worker stops after 30 s without events; while a
// preloaded WASM is held it is kept running by a cheap extension call every
// KEEPALIVE_MS, and only then.
import { inject } from './triggers.js';
import { isHeld, isLoaded, lastCallAt, ready, release } from '../shared/wasm-host.js';

// X status pages, as the collector recognises them (content/x-collector.js).
const THREAD_PAGE = /^https:\/\/(?:x\.com|(?:mobile\.)?twitter\.com)\/[A-Za-z0-9_]{1,15}\/status(?:es)?\/\d+/;
export const HOLD_MS = 3 * 60_000;
const KEEPALIVE_MS = 20_000;

let preloadedAt = 0;
let keepalive = null;

// idle runs fn at the scheduler's background priority where there is one.
const idle = (fn) => (globalThis.scheduler?.postTask ? globalThis.scheduler.postTask(fn, { priority: 'background' }) : setTimeout(fn, 0));

export function preload() {
  preloadedAt = performance.now();
  if (!isLoaded()) idle(() => ready().catch(() => {}));
  keepalive ??= setInterval(check, KEEPALIVE_MS);
}

// check releases the WASM once neither a call nor a preload asked for it
// within HOLD_MS and nothing holds it (a sync), else keeps the worker alive a
// little longer.
function check() {
  if (isHeld() || performance.now() - Math.max(preloadedAt, lastCallAt) < HOLD_MS) {
    chrome.runtime.getPlatformInfo(() => void chrome.runtime.lastError);
    return;
  }
  clearInterval(keepalive);
  keepalive = null;
  release();
}

export const isThreadPage = (url) => typeof url === 'string' && THREAD_PAGE.test(url);

// prepare readies tab for a click on its thread: the WASM, and the content
// scripts (an X tab's address is visible here because X is a host
// permission, which also lets them be injected without a click).
function prepare(tab) {
  preload();
  idle(() => inject(tab.id).catch(() => {})); // a tab closed or navigated away meanwhile
}

export function listen() {
  chrome.tabs.onUpdated.addListener((_tabId, change, tab) => {
    // A load, or X's in-app navigation to another post.
    if ((change.status === 'complete' || change.url) && tab.status === 'complete' && isThreadPage(tab.url)) prepare(tab);
  });
  // Back to a thread tab after the WASM was released (or the worker stopped).
  chrome.tabs.onActivated.addListener(({ tabId }) => {
    chrome.tabs.get(tabId).then((tab) => isThreadPage(tab.url) && tab.status === 'complete' && preload(), () => {});
  });
  // A thread page that finished loading before these listeners existed (the
  // extension just installed or updated, or its first start still evaluating
  // its modules) sent its event to no one: look at the tabs in view now.
  chrome.tabs.query({ active: true }).then(
    (tabs) => tabs.filter((tab) => tab.status === 'complete' && isThreadPage(tab.url)).forEach(prepare),
    () => {},
  );
}
