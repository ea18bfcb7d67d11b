// @ts-check
// The background entry point (Chrome service worker, Firefox event page):
// it only wires features together. Listeners are added synchronously at the
// top level so a service worker woken by an event finds them registered.
import * as triggers from './triggers.js';
import * as messages from './messages.js';
import * as readerApi from './reader-api.js';
import * as preload from './wasm-preload.js';
import * as wasm from '../shared/wasm-host.js';
import * as shown from './shown.js';
import './library-messages.js'; // the library and sync
import './share.js'; // publishing a thread as a public page
import './bluesky-appview.js'; // the Bluesky collector's request
import * as keepCurrent from './keep-current.js'; // saved threads kept up to date
import './author-threads.js'; // "Threads by @author" on profile pages

triggers.listen();
messages.listen();
preload.listen();
shown.listen();

// Tests and the console reach the handlers the browser would call (a
// keyboard shortcut cannot be pressed from a test), and what the WASM holds.
globalThis.unspoolBackground = {
  triggers,
  lastThread: () => readerApi.lastThread,
  xSessionsHeld: readerApi.xSessionsHeld,
  messageTypes: messages.types,
  keepCurrent: { run: keepCurrent.run, badge: keepCurrent.badge },
  wasm: { isLoaded: wasm.isLoaded, memoryBytes: wasm.memoryBytes, stats: wasm.stats, release: wasm.release },
};
