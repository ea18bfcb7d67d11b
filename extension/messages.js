// One router for runtime messages to the background. Each feature registers
// the message types it answers; a handler returns a value (or a promise of
// one) and the sender gets {ok: true, value} or {ok: false, error}. Types are
// namespaced by feature ("reader:…", later "library:…", "sync:…").
const handlers = new Map();

export function handle(type, fn) {
  if (handlers.has(type)) throw new Error(`message type ${type} is handled twice`);
  handlers.set(type, fn);
}

export function listen() {
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    const fn = msg && handlers.get(msg.type);
    if (!fn) return false; // not ours: let another listener answer
    Promise.resolve()
      .then(() => fn(msg, sender))
      .then((value) => sendResponse({ ok: true, value }), (err) => sendResponse({ ok: false, error: String(err?.message ?? err) }));
    return true; // the answer comes asynchronously
  });
}
