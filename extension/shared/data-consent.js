// @ts-check
// Firefox's consent to send data (the manifest's
// browser_specific_settings.gecko.data_collection_permissions). Unrolling
// sends nothing a page would not (declared required: "none"). Sync and
// shares send saved threads (sealed) and published ones (in plain text) to
// the server the user entered, and Mozilla's policies count transmission,
// not only collection by the maker: so Firefox asks the user before sync is
// turned on (optional: the kinds below), and sync and publishing stop, in
// words, while that consent is withdrawn (about:addons → Permissions).
// Chromium has no such permission: there the answer is always yes.

const declared = () => chrome.runtime.getManifest().browser_specific_settings?.gecko?.data_collection_permissions?.optional ?? [];
// Firefox's own namespace, whose permissions take data_collection (typed
// here as Chrome's, which do not).
/** @type {any} */
const firefox = globalThis.browser;
// Firefox alone has runtime.getBrowserInfo (and reads the declaration).
const asksConsent = () => typeof firefox?.runtime?.getBrowserInfo === 'function' && declared().length > 0;

export const CONSENT_REFUSED = 'Sync sends your saved threads (sealed) to the sync server you entered, and Firefox needs your permission for that: sync stays off.';
export const CONSENT_WITHDRAWN = 'Firefox\'s permission to send your saved threads to the sync server is off (Add-ons → Unspool → Permissions): syncing and publishing wait until you allow it again, e.g. by pressing Sync now.';

// askConsent asks for the consent where the browser wants it, resolving to
// whether it is given. Call it first thing in a click handler: Firefox asks
// only on a user's action, and an await before it loses that.
/** @returns {Promise<boolean>} */
export function askConsent() {
  if (!asksConsent()) return Promise.resolve(true);
  return firefox.permissions.request({ data_collection: declared() });
}

// hasConsent is whether data may be sent to the sync server now.
/** @returns {Promise<boolean>} */
export async function hasConsent() {
  if (!asksConsent()) return true;
  return firefox.permissions.contains({ data_collection: declared() });
}

// requireConsent throws CONSENT_WITHDRAWN unless data may be sent.
export async function requireConsent() {
  if (!(await hasConsent())) throw new Error(CONSENT_WITHDRAWN);
}
