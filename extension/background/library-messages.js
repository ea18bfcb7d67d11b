// @ts-check
// The library's and sync's part of the background worker, registered from
// background/main.js by one import. It answers the reader's Save button and the
// library/options pages ("library:…", "sync:…" messages through the shared
// router), adds "Open library" to the toolbar button's menu, and runs sync:
// soon after each local change, periodically by chrome.alarms, and on retry
// after a failure. Listeners are added at the top level, synchronously, so a
// service worker woken by an alarm or a message finds them.

import { handle } from './messages.js';
import { onlyShownThread } from './shown.js';
import { ready } from '../shared/wasm-host.js';
import * as library from '../shared/library-store.js';
import * as sync from './sync.js';
import { useWasm } from '../shared/record-ops.js';
import { adoptDeviceSwitches } from '../shared/keep-settings.js';

useWasm(ready);

const MENU_LIBRARY = 'unspool-open-library';

// library:save {thread, tags?, note?} — the reader's Save button (and its
// shortcut). thread is the Thread JSON string the reader got from the WASM,
// or the parsed object.
handle('library:save', async ({ thread, tags, note }) => {
  const t = typeof thread === 'string' ? JSON.parse(thread) : thread;
  return library.save(t, { tags, note });
}, { page: onlyShownThread });

// library:status {key|thread} — whether a thread is saved and its tags and
// note (the reader's "Tags & note" starts from them).
handle('library:status', async ({ key, thread }) => {
  const k = key ?? await library.threadKey(thread);
  const rec = await library.get(k);
  return { saved: !!rec && !rec.deleted, tags: rec?.tags ?? [], note: rec?.note ?? '' };
}, { page: onlyShownThread });

// library:edit {thread|key, tags?, note?} — set a saved thread's tags (the
// whole set) and note.
handle('library:edit', async ({ key, thread, tags, note }) => {
  const k = key ?? await library.threadKey(thread);
  if (tags !== undefined) await library.setTags(k, tags);
  if (note !== undefined) await library.setNote(k, note);
  return { message: 'Tags and note saved.' };
}, { page: onlyShownThread });

handle('sync:status', () => sync.status());
handle('sync:enable', ({ server, createToken }) => sync.enable(server, createToken));
handle('sync:join', ({ server, code }) => sync.join(server, code));
handle('sync:disable', () => sync.disable());
handle('sync:delete-remote', () => sync.deleteRemote());
handle('sync:code', () => sync.code());
handle('sync:now', () => sync.syncNow('manual'));

// A local write (from any context) wants a sync soon.
library.onLocalChange(() => sync.soon());
handle('library:changed', () => { sync.soon(); });

chrome.alarms.onAlarm.addListener((alarm) => sync.onAlarm(alarm));

chrome.runtime.onInstalled.addListener(() => {
  // The toolbar button's own menu (right-click on the icon). Remove first:
  // onInstalled runs again on update and reload.
  chrome.contextMenus.remove(MENU_LIBRARY, () => {
    void chrome.runtime.lastError; // absent on first install: nothing to remove
    chrome.contextMenus.create({ id: MENU_LIBRARY, title: 'Open library', contexts: ['action'] });
  });
  sync.schedule();
  upgrade().catch((err) => console.warn(`unspool: library upgrade: ${err.message}`));
});

// upgrade brings what an earlier version kept another way to this one's
// (on install and on every update): the keep-current switches this device
// kept for itself go into their records (and sync), then records saved
// under a key their thread no longer has move to it, switches and all.
async function upgrade() {
  await adoptDeviceSwitches(library);
  await library.relocate();
}
chrome.runtime.onStartup.addListener(() => sync.schedule());

// Each time the worker starts (browser start, or woken by any event):
// changes left in the outbox go out now rather than at the next alarm.
sync.resume();

chrome.contextMenus.onClicked.addListener((info) => {
  if (info.menuItemId === MENU_LIBRARY) chrome.tabs.create({ url: chrome.runtime.getURL('pages/library/library.html') });
});
