// @ts-check
// Keep current's settings. On this device (chrome.storage.local): the
// global switch and the window of days. With each thread, synced like its
// tags (the library record's keepCurrent, shared/sync: the last switch by
// the sync clock wins on every device): the thread's own switch where the
// user set one. Read by the background (background/keep-current.js), the
// options page and the library's reader.

export const SETTINGS_KEY = 'keepCurrent';        // {on, days}
// Where each thread's switch was kept on this device before it synced
// ({[library key]: true | false}): adoptDeviceSwitches moves it into the
// records once.
export const THREADS_KEY = 'keepCurrentThreads';
export const DEFAULTS = Object.freeze({ on: true, days: 14 });
const DAY_MS = 24 * 60 * 60 * 1000;

export async function settings() {
  /** @type {any} */
  const got = (await chrome.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] ?? {};
  const days = Number.isInteger(got.days) && got.days > 0 && got.days <= 365 ? got.days : DEFAULTS.days;
  return { on: got.on !== false, days };
}

export async function setSettings(s) {
  await chrome.storage.local.set({ [SETTINGS_KEY]: { ...(await settings()), ...s } });
}

// adoptDeviceSwitches writes the switches this device kept for itself into
// their records (where the record has none yet: one set on another device
// since is newer), then forgets them. library is library-store.js.
export async function adoptDeviceSwitches(library) {
  /** @type {any} */
  const kept = (await chrome.storage.local.get(THREADS_KEY))[THREADS_KEY];
  if (!kept) return 0;
  let n = 0;
  for (const [key, on] of Object.entries(kept)) {
    if (typeof on !== 'boolean') continue;
    const rec = await library.get(key);
    if (rec && !rec.deleted && typeof rec.keepCurrent !== 'boolean' && !rec.clocks?.keepCurrent) {
      await library.setKeepCurrent(key, on);
      n++;
    }
  }
  await chrome.storage.local.remove(THREADS_KEY);
  return n;
}

// follows says whether a saved thread is kept current: the thread's own
// switch where set, else on for threads saved less than s.days ago. entry
// is a live library record or its list row (both have key, savedAt and,
// where set, keepCurrent).
export function follows(entry, s, now = Date.now()) {
  if (!s.on || !entry?.key) return false;
  if (typeof entry.keepCurrent === 'boolean') return entry.keepCurrent;
  const saved = Date.parse(entry.savedAt);
  return Number.isFinite(saved) && now - saved < s.days * DAY_MS;
}
