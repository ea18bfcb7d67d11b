// @ts-check
// The three ways to unroll: the toolbar button, the context-menu item and
// the keyboard command. All end in unroll(tab): inject the content scripts
// into the tab (activeTab grants that for the tab the user acted on; x.com
// and twitter.com are also host permissions, for the MAIN-world capture) and
// tell them to start. The WASM starts loading as soon as collection has
// started, so it is ready (and warmed up) by the time collection ends.
import { ready } from '../shared/wasm-host.js';

export const MENU_ID = 'unspool-unroll';
export const COMMAND = 'unroll-thread';

// The content scripts, bundled at build time (build.sh build_content) from
// content/main.js and what it imports, so their order is their imports'.
export const CONTENT_BUNDLE = 'content.bundle.js';

// inject puts the content scripts into tabId unless they are there.
// Unrolls do it on demand; thread pages of sites the extension holds host
// permissions for (X) get them ahead of the click (wasm-preload.js), so the
// first click does not wait for the bundle to be evaluated.
export async function inject(tabId) {
  const [present] = await executeAfterGrant({ target: { tabId }, func: () => typeof globalThis.unspoolContent?.start === 'function' });
  if (!present?.result) await executeAfterGrant({ target: { tabId }, files: [CONTENT_BUNDLE] });
}

// The page's refusal when the extension may not touch it. A click grants
// activeTab in the browser process at once, but the page's renderer learns
// of the grant by a message of its own, which can arrive after the
// injection asking it: seen in Chromium under load, the click's tab showed
// its address (granted) while the injection was refused with this error,
// and nothing opened. A page that truly refuses (no grant, a policy) still
// refuses after the waits; chrome:// pages and the web store fail with
// other words and are not retried.
const NOT_GRANTED_YET = /Cannot access contents of the page/;
const GRANT_WAITS_MS = [50, 150, 400];

async function executeAfterGrant(injection) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await chrome.scripting.executeScript(injection);
    } catch (err) {
      if (attempt >= GRANT_WAITS_MS.length || !NOT_GRANTED_YET.test(err?.message ?? '')) throw err;
      await new Promise((res) => setTimeout(res, GRANT_WAITS_MS[attempt]));
    }
  }
}

// unroll starts an unroll in tab; `via` names the trigger (for logs/tests).
// strategy "scroll" makes the X collector skip X's JSON (benchmarks compare).
/**
 * @param {chrome.tabs.Tab} tab
 * @param {string} via
 * @param {{strategy?: string}} [options]
 */
export async function unroll(tab, via, { strategy } = {}) {
  if (!tab?.id) return { ok: false, error: 'no tab' };
  const clickedAt = performance.timeOrigin + performance.now(); // comparable across extension contexts
  const start = { type: 'content:unroll', via, clickedAt, strategy };
  let answer;
  try {
    // A tab unrolled before still has the content scripts: tell them to
    // start (no second injection of every file on each click). A tab
    // without them (first time, reloaded page) refuses the message.
    answer = await chrome.tabs.sendMessage(tab.id, start);
  } catch {
    try {
      await inject(tab.id);
      answer = await chrome.tabs.sendMessage(tab.id, start);
    } catch (err) {
      // chrome:// pages, the web store and PDF viewers refuse scripts:
      // nothing to unroll there. The action stays usable for the next tab.
      console.warn(`unspool: cannot unroll in this tab (${err.message})`);
      return { ok: false, error: err.message };
    }
  }
  // The page is collecting now; load the WASM meanwhile. Not before: its
  // start-up and warm-up keep this worker busy, and would hold back the
  // injection and the start message. Errors surface at extraction.
  ready().catch(() => {});
  return answer;
}

export function onActionClicked(tab) {
  return unroll(tab, 'action');
}

export function onMenuClicked(info, tab) {
  if (info.menuItemId === MENU_ID) return unroll(tab, 'menu');
}

export function onCommand(command, tab) {
  if (command === COMMAND) return unroll(tab, 'command');
}

export function installMenu() {
  // onInstalled runs again on update and reload, when the item may exist:
  // that error is read (and so not reported) and the item kept. Other
  // features add their own items; nothing here removes them.
  chrome.contextMenus.create(
    { id: MENU_ID, title: 'Unroll thread', contexts: ['page', 'link', 'selection', 'image', 'video'] },
    () => void chrome.runtime.lastError,
  );
}

export function listen() {
  chrome.action.onClicked.addListener(onActionClicked);
  chrome.contextMenus.onClicked.addListener(onMenuClicked);
  chrome.commands.onCommand.addListener(onCommand);
  chrome.runtime.onInstalled.addListener(installMenu);
}
