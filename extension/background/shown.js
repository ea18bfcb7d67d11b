// @ts-check
// Which thread each tab's reader shows: the one the background itself
// extracted for that tab (reader:unroll). A content script may save, tag,
// read the status of, or publish that thread and no other — so a compromised
// page can act on what it shows, never reach into the rest of the library.
// Kept in chrome.storage.session: it outlives a stopped service worker, is
// never written to disk, and content scripts cannot read it (its default
// access level is trusted contexts only).
import { REFUSED } from './messages.js';
import { threadKey } from '../shared/library-store.js';

const slot = (sender) => `shown:${sender.tab.id}:${sender.frameId ?? 0}`;

export async function remember(sender, threadJSON) {
  if (!sender?.tab) return;
  await chrome.storage.session.set({ [slot(sender)]: await threadKey(threadJSON) });
}

// onlyShownThread is a messages.js page check: the message names its thread
// by {thread} (never by a library key) and it is the one this tab shows.
export async function onlyShownThread(msg, sender) {
  if (msg.key !== undefined || !msg.thread) throw new Error(`${msg.type}: ${REFUSED} (only the thread the reader shows)`);
  const s = slot(sender);
  const got = (await chrome.storage.session.get(s))[s];
  if (!got || got !== (await threadKey(msg.thread))) throw new Error(`${msg.type}: ${REFUSED} (only the thread the reader shows)`);
}

// showsAThread is a messages.js page check: this tab's reader shows a thread
// (what the reader asks for its own use, naming no thread).
export async function showsAThread(msg, sender) {
  const s = slot(sender);
  if (!(await chrome.storage.session.get(s))[s]) throw new Error(`${msg.type}: ${REFUSED} (no thread is shown in this tab)`);
}

export function listen() {
  chrome.tabs.onRemoved.addListener((tabId) => {
    chrome.storage.session.get(null).then((all) => {
      const gone = Object.keys(all).filter((k) => k.startsWith(`shown:${tabId}:`));
      if (gone.length) return chrome.storage.session.remove(gone);
    }).catch(() => {});
  });
}
