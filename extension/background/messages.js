// @ts-check
// One router for runtime messages to the background. Each feature registers
// the message types it answers; a handler returns a value (or a promise of
// one) and the sender gets {ok: true, value} or {ok: false, error}. Types are
// namespaced by feature ("reader:…", "library:…", "sync:…", "share:…").
//
// Who may send what. A content script runs in the page's renderer process,
// which browsers tell extensions to treat as compromised: anything the page
// can run, it can run. So a handler answers only the extension's own pages
// (options, library; their URL is under chrome.runtime.getURL('')) unless it
// is registered with {page: …}: the few things the in-page reader needs, and
// for those `page` may narrow the message further (to the thread that tab is
// showing, see shown.js). A refusal changes nothing and says why.
const handlers = new Map();

export const REFUSED = 'this request is not accepted from a web page';

// handle registers fn for type. page: false (the default) — only the
// extension's own pages; true — content scripts too; a function (msg, sender)
// — content scripts too, after it returns (or resolves) without throwing.
/**
 * @param {string} type
 * @param {(msg: any, sender: chrome.runtime.MessageSender) => unknown} fn
 * @param {{page?: boolean | ((msg: any, sender: chrome.runtime.MessageSender) => unknown)}} [options]
 */
export function handle(type, fn, { page = false } = {}) {
  if (handlers.has(type)) throw new Error(`message type ${type} is handled twice`);
  handlers.set(type, { fn, page });
}

// types lists every registered type (the hostile-content-script test sends
// each one, so a new handler cannot go untested for who may call it).
export const types = () => [...handlers.keys()];

// fromExtensionPage: a page of this extension (not a content script, whose
// sender.url is the web page's address, nor another extension).
export function fromExtensionPage(sender) {
  const base = chrome.runtime.getURL('');
  return sender?.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(base);
}

// admit throws when sender may not send msg (what dispatch runs first).
export async function admit(type, msg, sender) {
  const h = handlers.get(type);
  if (!h) throw new Error(`unknown message ${type}`);
  if (sender?.id !== chrome.runtime.id) throw new Error(REFUSED);
  if (fromExtensionPage(sender)) return h;
  if (!h.page || !sender.tab) throw new Error(`${type}: ${REFUSED}`);
  if (typeof h.page === 'function') await h.page(msg, sender);
  return h;
}

export function listen() {
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (!msg || !handlers.has(msg.type)) return false; // not ours: let another listener answer
    Promise.resolve()
      .then(() => admit(msg.type, msg, sender))
      .then((h) => h.fn(msg, sender))
      .then((value) => sendResponse({ ok: true, value }), (err) => sendResponse({ ok: false, error: String(err?.message ?? err) }));
    return true; // the answer comes asynchronously
  });
}
