// @ts-check
// The reader's remembered settings (chrome.storage.local): what the overlay
// last chose, read by the background for every render and by the library's
// read page. The settings and their allowed values are Go's
// (shared/render Settings, through contract.gen.js).

import { defaultReaderSettings, readerSettings } from './contract.gen.js';

export const READER_SETTINGS_KEY = 'readerSettings';

// cleanReaderSettings keeps only known settings with allowed values: a stored
// value from an older version must not make every render fail (the renderer
// refuses what it does not know).
export function cleanReaderSettings(s) {
  const out = { ...defaultReaderSettings };
  for (const { name, choices } of readerSettings) if (choices.some((c) => c.value === s?.[name])) out[name] = s[name];
  return out;
}

// loadReaderSettings is the stored settings, cleaned (the defaults if none).
export async function loadReaderSettings() {
  const got = await chrome.storage.local.get(READER_SETTINGS_KEY);
  return cleanReaderSettings(got[READER_SETTINGS_KEY]);
}

// saveReaderSettings cleans s, stores it and returns what was stored.
export async function saveReaderSettings(s) {
  const clean = cleanReaderSettings(s);
  await chrome.storage.local.set({ [READER_SETTINGS_KEY]: clean });
  return clean;
}
