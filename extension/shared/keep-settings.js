// @ts-check
// Keep current's settings, on this device (chrome.storage.local): the
// global switch and the window of days, and each thread's own switch where
// the user set one. Read by the background (background/keep-current.js),
// the options page and the library's reader.

export const SETTINGS_KEY = 'keepCurrent';        // {on, days}
export const THREADS_KEY = 'keepCurrentThreads';  // {[library key]: true | false}
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

/** @returns {Promise<Record<string, boolean>>} */
export async function threadSwitches() {
  // @ts-ignore: whatever was stored; follows reads only booleans from it
  return (await chrome.storage.local.get(THREADS_KEY))[THREADS_KEY] ?? {};
}

export async function setThread(key, on) {
  await chrome.storage.local.set({ [THREADS_KEY]: { ...(await threadSwitches()), [key]: Boolean(on) } });
}

// follows says whether a saved thread is kept current: the thread's own
// switch where set, else on for threads saved less than s.days ago. entry
// is a live library record or its list row (both have key and savedAt).
export function follows(entry, s, switches, now = Date.now()) {
  if (!s.on || !entry?.key) return false;
  if (typeof switches[entry.key] === 'boolean') return switches[entry.key];
  const saved = Date.parse(entry.savedAt);
  return Number.isFinite(saved) && now - saved < s.days * DAY_MS;
}
