// The Firefox side of the browser tests' driver (see harness.mjs for the
// interface): Debian's firefox-esr through puppeteer-core over WebDriver
// BiDi (no geckodriver, no downloaded browser). The extension is installed
// as a temporary add-on; https pages reach the local server through a small
// CONNECT proxy (Firefox has no --host-resolver-rules); what a user presses
// in the browser's own window (toolbar button, Alt+Shift+U, context menu) is
// pressed there with Firefox's EventUtils, reached through BiDi's chrome
// scope (--remote-allow-system-access). Pages are wrapped so the tests use
// the one page API they use with Chromium (playwright's names).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { extensionDir } from './browser.mjs';
import { startServer } from './server.mjs';

export const firefoxPath = '/usr/bin/firefox-esr';
const manifest = JSON.parse(fs.readFileSync(path.join(process.env.UNSPOOL_EXTENSION_DIR ?? extensionDir, 'manifest.json'), 'utf8'));
const GECKO_ID = manifest.browser_specific_settings.gecko.id;
// Firefox names the toolbar widget and menu items after the add-on id.
const WIDGET = `${GECKO_ID.replace(/[^a-z0-9_-]/gi, '_')}-browser-action`;
const MENU_PREFIX = `${GECKO_ID.replace(/[^a-z0-9_-]/gi, '_')}-menuitem-`;
// A fixed internal UUID: extension pages at a known moz-extension:// origin.
const UUID = 'a3d1c0de-5e1f-4e57-8b1d-0000000000fe';

// Firefox's own chatter on a closed network (remote settings, telemetry,
// the remote agent) is not the extension's: stdout lines that are errors of
// the extension's pages or event page are those naming its origin.
const EXTENSION_ERROR = new RegExp(`^(JavaScript error: |console\\.error: ).*moz-extension://${UUID}`);

// CONNECT proxy: every tunnel goes to the local HTTPS server, which answers
// by the Host header like Chromium's host mapping would. Every https page
// goes through it, so refusing tunnels (setOffline) is the network gone
// for them, as playwright's context.setOffline is in Chromium.
async function startProxy(httpsPort) {
  const sockets = new Set();
  let offline = false;
  const proxy = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.once('data', (head) => {
      if (!/^CONNECT /.test(head.toString('latin1'))) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      if (offline) {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        return;
      }
      const up = net.connect(httpsPort, '127.0.0.1', () => {
        sockets.add(up);
        up.on('close', () => sockets.delete(up));
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(up);
        up.pipe(client);
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  // close ends the open tunnels too (a server waits for them otherwise).
  const close = () => new Promise((r) => {
    proxy.close(r);
    for (const s of sockets) s.destroy();
  });
  // setOffline also ends the open tunnels: a kept-alive connection would
  // otherwise still answer.
  const setOffline = (on) => {
    offline = on;
    if (on) for (const s of sockets) s.destroy();
  };
  return { port: proxy.address().port, close, setOffline };
}

const prefs = (proxyPort, downloads) => ({
  'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }),
  'network.proxy.type': 1,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': proxyPort,
  'network.proxy.no_proxies_on': '',
  // The extension's console (event page included) on stdout: BiDi's log
  // carries nothing from moz-extension pages.
  'devtools.console.stdout.content': true,
  'browser.dom.window.dump.enabled': true,
  'browser.download.folderList': 2,
  'browser.download.dir': downloads,
  'browser.download.useDownloadDir': true,
  'browser.download.start_downloads_in_tmp_dir': false,
  'browser.download.always_ask_before_handling_new_types': false,
  'browser.download.alwaysOpenPanel': false,
  // A temporary add-on is uninstalled when Firefox closes: keep its
  // IndexedDB and origin, so a profile opened again (a browser restart) has
  // the library it had.
  'extensions.webextensions.keepStorageOnUninstall': true,
  'extensions.webextensions.keepUuidOnUninstall': true,
  // permissions.request() answers as the user's "Allow" would, without the
  // prompt (the consent to send data asked when sync is turned on).
  'extensions.webextOptionalPermissionPrompts': false,
});

// profileDir reopens a profile (a browser restart); a fresh one otherwise.
// extension: false starts Firefox without the add-on (the renderer's output
// alone).
export async function openFirefox(routes, serverOptions, { profileDir, extension = true } = {}) {
  const server = await startServer(new Map(routes), serverOptions);
  const proxy = await startProxy(server.httpsPort);
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: firefoxPath, headless: true, acceptInsecureCerts: true,
    args: ['--remote-allow-system-access'], extraPrefsFirefox: prefs(proxy.port, downloads),
    defaultViewport: { width: 1280, height: 720 }, // playwright's, as in Chromium
    ...(profileDir ? { userDataDir: profileDir } : {}),
  });
  const errors = [];
  const stdout = [];
  let partial = '';
  browser.process()?.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      stdout.push(line);
      if (EXTENSION_ERROR.test(line)) errors.push(`extension: ${line}`);
    }
  });
  if (extension) await browser.installExtension(process.env.UNSPOOL_EXTENSION_DIR ?? extensionDir);
  const conn = browser.connection;
  const send = async (method, params) => {
    const r = await conn.send(method, params);
    return r.result ?? r;
  };
  const { contexts } = await send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const chromeWindow = contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml').context;

  // chromeCall runs fn(...args) in the browser window (Services,
  // CustomizableUI, gBrowser, EventUtils as EU) and returns its JSON-able result.
  const chromeCall = async (fn, ...args) => {
    const r = await send('script.callFunction', {
      functionDeclaration: `async function (a) {
        const EU = { window, parent: window, _EU_Ci: Ci, _EU_Cc: Cc };
        Services.scriptloader.loadSubScript('chrome://remote/content/external/EventUtils.js', EU);
        return JSON.stringify({ v: await (${fn}).apply(null, [EU, ...JSON.parse(a)]) });
      }`,
      target: { context: chromeWindow }, arguments: [{ type: 'string', value: JSON.stringify(args) }], awaitPromise: true,
    });
    if (r.type === 'exception') throw new Error(`browser window: ${r.exceptionDetails.text}`);
    return JSON.parse(r.result.value).v;
  };

  const wrapped = new WeakMap();
  const wrap = (p) => {
    if (!wrapped.has(p)) {
      const page = firefoxPage(p, b);
      wrapped.set(p, page);
      p.on('console', (m) => m.type() === 'error' && errors.push(`page ${p.url()}: ${m.text()}`));
      p.on('pageerror', (e) => errors.push(`page ${p.url()}: ${e.message}`));
    }
    return wrapped.get(p);
  };

  // A tab on one of the extension's pages, for calls into the event page.
  // Opened behind the others: the page under test keeps the front, as with
  // Chromium's service worker (a hidden tab gets one frame a second, which
  // a scrolling collection waits out).
  let bgPage = null;
  const backgroundPage = async () => {
    if (!bgPage) {
      bgPage = wrap(await browser.newPage({ background: true }));
      await bgPage.goto(b.extensionURL('pages/options/options.html'));
    }
    return bgPage;
  };

  const b = {
    name: 'firefox', server, errors, stdout, send, chromeCall, extensionId: UUID,
    // "firefox/153.0.1": the product is already in name.
    version: (await browser.version()).replace(/^[^/]*\//, ''),
    extensionURL: (p) => `moz-extension://${UUID}/${p}`,
    newPage: async () => wrap(await browser.newPage()),
    // What tests ask of a browser context.
    context: {
      newPage: () => b.newPage(),
      pages: async () => (await browser.pages()).map(wrap),
      // https only (every https request goes through the proxy); the
      // extension's own pages and http://127.0.0.1 stay reachable.
      setOffline: async (on) => proxy.setOffline(on),
      async waitForEvent(name) {
        if (name !== 'page') throw new Error(`firefox driver: no context event ${name}`);
        const known = new Set(browser.targets());
        const target = await browser.waitForTarget((t) => t.type() === 'page' && !known.has(t));
        return wrap(await target.page());
      },
      route: (match, handler) => routeFirefox(browser, match, handler),
      close: () => b.close(),
    },
    // sw.evaluate(fn, arg) runs fn in the event page's world: from an
    // extension page, with globalThis.unspoolBackground taken from the event
    // page (runtime.getBackgroundPage starts it when stopped) and the same
    // chrome.* APIs.
    sw: {
      async evaluate(fn, arg) {
        const page = await backgroundPage();
        return page.evaluate(`(async (arg) => {
          const bg = await browser.runtime.getBackgroundPage();
          globalThis.unspoolBackground = bg.unspoolBackground;
          return (${fn})(arg);
        })(${JSON.stringify(arg ?? null)})`);
      },
    },
  };

  // pressAction clicks the real toolbar button with page's tab in front
  // (MV3 actions start in the overflow panel: pin it to the toolbar first).
  b.pressAction = async (page) => {
    await page.bringToFront();
    await chromeCall((EU, widget) => {
      CustomizableUI.addWidgetToArea(widget, CustomizableUI.AREA_NAVBAR);
      EU.synthesizeMouseAtCenter(document.getElementById(widget), {}, window);
    }, WIDGET);
  };

  // trigger presses Alt+Shift+U, or opens the page's context menu and picks
  // the extension's item, in the browser window: a user's gesture, for real.
  b.trigger = async (page, kind) => {
    await page.bringToFront();
    if (kind === 'command') {
      await chromeCall((EU) => EU.synthesizeKey('U', { altKey: true, shiftKey: true }, window));
      return;
    }
    // A contextmenu event alone (no mousedown, which would move focus), sent
    // to the tab's content by the browser window as the mouse would.
    await chromeCall(async (EU, prefix) => {
      const menu = document.getElementById('contentAreaContextMenu');
      const shown = new Promise((resolve) => menu.addEventListener('popupshown', resolve, { once: true }));
      EU.synthesizeMouse(gBrowser.selectedBrowser, 20, 20, { type: 'contextmenu', button: 2 }, window);
      await shown;
      const item = [...menu.querySelectorAll('menuitem')].find((i) => i.id.startsWith(prefix) && /Unroll thread/.test(i.label));
      if (!item) throw new Error('no Unroll thread item in the context menu');
      menu.activateItem(item);
    }, MENU_PREFIX);
  };

  // stopBackground terminates the event page (as Firefox does when idle).
  b.stopBackground = () => chromeCall(async (EU, id) => {
    const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
    const ext = ExtensionParent.GlobalManager.getExtension(id);
    await ext.terminateBackground();
    return ext.backgroundState;
  }, GECKO_ID);

  // allowDataCollection gives the extension the consent to send data that
  // it declares as optional (manifest data_collection_permissions), as the
  // user's "Allow" in Firefox's prompt would. A temporary add-on loses it
  // when Firefox closes, like the add-on itself.
  b.allowDataCollection = () => chromeCall(async (EU, id) => {
    const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
    const ext = WebExtensionPolicy.getByID(id).extension;
    const kinds = ext.manifest.browser_specific_settings.gecko.data_collection_permissions.optional;
    await ExtensionPermissions.add(id, { permissions: [], origins: [], data_collection: kinds }, ext);
    return kinds;
  }, GECKO_ID);

  // An empty clipboard has no text/plain data: read as ''.
  b.readClipboard = () => chromeCall(() => {
    const t = Cc['@mozilla.org/widget/transferable;1'].createInstance(Ci.nsITransferable);
    t.init(null);
    t.addDataFlavor('text/plain');
    Services.clipboard.getData(t, Services.clipboard.kGlobalClipboard, null);
    const out = {};
    try {
      t.getTransferData('text/plain', out);
    } catch {
      return '';
    }
    return out.value.QueryInterface(Ci.nsISupportsString).data;
  });

  // printMedia: puppeteer's emulateMediaType is CDP only; the browsing
  // context's medium override is what Firefox's own devtools set.
  b.printMedia = async (page, media) => {
    await page.bringToFront();
    await chromeCall((EU, m) => { gBrowser.selectedBrowser.browsingContext.mediumOverride = m === 'print' ? 'print' : ''; }, media);
    // The content process applies it a moment later.
    await page.waitForFunction((m) => matchMedia('print').matches === (m === 'print'), media);
  };

  // reducedMotion: the tab's own prefers-reduced-motion, as Firefox's
  // responsive design mode sets it (BiDi has no emulation for it); it lasts
  // across the tab's navigations, as playwright's emulateMedia does.
  b.reducedMotion = async (page, value) => {
    await page.bringToFront();
    await chromeCall((EU, v) => { gBrowser.selectedBrowser.browsingContext.prefersReducedMotionOverride = v ?? 'none'; }, value);
    await page.waitForFunction((v) => matchMedia('(prefers-reduced-motion: reduce)').matches === (v === 'reduce'), value);
  };

  // inContentWorld evaluates expression (awaited, its JSON-able value
  // returned) in the extension's content-script world of page's tab: the
  // sandbox Firefox made for its content scripts there, whose browser.* is
  // theirs. A frame script in the tab's content process finds it (BiDi's
  // realms list only the page's own and BiDi's sandboxes).
  b.inContentWorld = async (page, expression) => {
    await page.bringToFront();
    const url = page.url();
    const r = await chromeCall(async (EU, id, expression, frameScript, url) => {
      const tab = gBrowser.selectedBrowser;
      if (tab.currentURI.spec !== url) throw new Error(`the tab in front shows ${tab.currentURI.spec}, not ${url}`);
      const mm = tab.messageManager;
      const tag = `unspool-test:content-world:${Math.random()}`;
      const answer = new Promise((resolve) => {
        const got = (m) => { mm.removeMessageListener(tag, got); resolve(m.data); };
        mm.addMessageListener(tag, got);
      });
      mm.loadFrameScript(`data:,(${encodeURIComponent(frameScript)})(${encodeURIComponent(JSON.stringify({ id, expression, tag }))})`, false);
      return answer;
    }, GECKO_ID, expression, contentWorldFrameScript.toString(), url);
    if (r.error) throw new Error(`content-script world: ${r.error}`);
    return JSON.parse(r.value).v;
  };

  // colorScheme: prefers-color-scheme ('light', 'dark', or null for the
  // system's) for every tab, through Firefox's content-override pref: a
  // browsing context's own override is lost when a navigation replaces it
  // (a new document from the network), the pref stays.
  b.colorScheme = async (page, value) => {
    await chromeCall((EU, v) => {
      const pref = 'layout.css.prefers-color-scheme.content-override';
      if (v) Services.prefs.setIntPref(pref, v === 'dark' ? 0 : 1); // 0 dark, 1 light
      else Services.prefs.clearUserPref(pref);
    }, value);
    if (value) await page.waitForFunction((v) => matchMedia(`(prefers-color-scheme: ${v})`).matches, value);
  };

  b.downloads = downloads;
  b.close = async () => {
    await browser.close();
    await proxy.close();
    await server.close();
    fs.rmSync(downloads, { recursive: true, force: true });
  };
  return b;
}

// firefoxPage gives a puppeteer page the playwright page methods the tests
// use; the rest (mouse, screenshot, bringToFront, close, url, reload,
// waitForSelector, click, …) are puppeteer's own, with the same meaning.
function firefoxPage(p, b) {
  const ctx = () => p.mainFrame()._id;
  const overrides = {
    driver: b,
    raw: p,
    context: () => b.context,
    // moz-extension:// pages cannot be opened by page.goto (refused):
    // navigate through BiDi and wait for the document.
    async goto(url, options) {
      if (!url.startsWith('moz-extension:')) return p.goto(url, options);
      await b.send('browsingContext.navigate', { context: ctx(), url, wait: 'none' });
      await p.waitForFunction((u) => location.href === u && document.readyState === 'complete', { timeout: 30_000 }, url);
      return null;
    },
    // puppeteer's reload of a moz-extension:// page hangs (as goto does):
    // reload through BiDi and wait for a new document.
    async reload(options) {
      // p.url() stays about:blank after a BiDi navigation: ask the document.
      if (!(await p.evaluate(() => location.protocol)).startsWith('moz-extension')) return p.reload(options);
      await p.evaluate(() => { window.__unspoolOldDocument = true; });
      await b.send('browsingContext.reload', { context: ctx(), wait: 'none' });
      await p.waitForFunction(() => !window.__unspoolOldDocument && document.readyState === 'complete', { timeout: 30_000 });
      return null;
    },
    waitForFunction: (fn, arg, { timeout = 30_000, polling } = {}) => p.waitForFunction(fn, { timeout, ...(polling ? { polling } : {}) }, arg),
    waitForTimeout: (ms) => new Promise((r) => setTimeout(r, ms)),
    waitForLoadState: () => p.waitForFunction(() => document.readyState === 'complete', { timeout: 30_000 }),
    // A locator here is its selector, looked up again on each call (as
    // playwright's are).
    locator: (selector) => ({
      count: () => p.evaluate((s) => document.querySelectorAll(s).length, selector),
      textContent: () => p.$eval(selector, (e) => e.textContent),
      click: () => clickWhereSeen(p, selector).then(() => {}),
      evaluate: (fn, arg) => p.$eval(selector, fn, arg),
      boundingBox: async () => (await p.waitForSelector(selector)).boundingBox(),
      innerText: () => p.$eval(selector, (e) => e.innerText),
      // Typed a key at a time into the focused element, as a person types.
      pressSequentially: (text, { delay } = {}) => p.type(selector, text, { delay }),
      press: async (key) => (await p.waitForSelector(selector)).press(key),
      // Every match now, each a handle that can be hovered or clicked.
      all: async () => p.$$(selector),
    }),
    textContent: (sel) => p.$eval(sel, (e) => e.textContent),
    getAttribute: (sel, name) => p.$eval(sel, (e, n) => e.getAttribute(n), name),
    isHidden: (sel) => p.evaluate((s) => { const e = document.querySelector(s); return !e || e.hidden || getComputedStyle(e).display === 'none' || e.getClientRects().length === 0; }, sel),
    isVisible: (sel) => p.evaluate((s) => { const e = document.querySelector(s); return Boolean(e && !e.hidden && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0); }, sel),
    isDisabled: (sel) => p.$eval(sel, (e) => e.disabled),
    isChecked: (sel) => p.$eval(sel, (e) => e.checked),
    click: (sel, options) => clickWhereSeen(p, sel, options).then(() => {}),
    // playwright's check: a real click on the box unless it is ticked
    // already, and a refusal if the click did not tick it. One click, as a
    // person makes: a page that loses it (a box replaced while pressed) is
    // a bug of the page for the test to show.
    async check(sel) {
      if (await p.$eval(sel, (e) => e.checked)) return;
      const box = await clickWhereSeen(p, sel);
      if (!(await box.evaluate((e) => e.checked && e.isConnected))) throw new Error(`firefox driver: a click did not check ${sel}`);
    },
    // A script run before the page's own in every document the tab loads
    // (a BiDi preload script, which the page's CSP does not govern).
    addInitScript: (fn, arg) => p.evaluateOnNewDocument(fn, arg),
    fill: (sel, value) => p.$eval(sel, (e, v) => { e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); }, value),
    setViewportSize: ({ width, height }) => p.setViewport({ width, height }),
    // playwright's emulateMedia: what the driver can set, and a clear refusal
    // of the rest (a test must not pass on a preference it did not get).
    async emulateMedia({ media, reducedMotion, colorScheme, ...rest }) {
      const unknown = Object.keys(rest);
      if (unknown.length) throw new Error(`firefox driver: emulateMedia cannot set ${unknown.join(', ')}`);
      if (media !== undefined) await b.printMedia(proxy, media);
      if (reducedMotion !== undefined) await b.reducedMotion(proxy, reducedMotion);
      if (colorScheme !== undefined) await b.colorScheme(proxy, colorScheme);
    },
    keyboard: {
      // playwright's "Shift+Tab": modifiers held while the key is pressed.
      async press(combo) {
        const keys = combo.split('+');
        const key = keys.pop();
        for (const k of keys) await p.keyboard.down(k);
        await p.keyboard.press(key);
        for (const k of keys.reverse()) await p.keyboard.up(k);
      },
      type: (text) => p.keyboard.type(text),
      down: (k) => p.keyboard.down(k),
      up: (k) => p.keyboard.up(k),
    },
    // A download is a new file in the profile's download folder, complete
    // when Firefox's .part file is gone and its size has settled. A file
    // chooser is the <input type=file> the page's next click would open:
    // BiDi's input.fileDialogOpened never comes from extension pages, so the
    // click is caught in the page and cancelled (no picker opens, as with
    // playwright in Chromium) and setFiles fills that input with BiDi's
    // input.setFiles, which fires its input and change events.
    async waitForEvent(name, { timeout = 30_000 } = {}) {
      if (name === 'filechooser') {
        await p.evaluate(() => {
          window.__unspoolChooser = null;
          document.addEventListener('click', function caught(e) {
            if (!(e.target instanceof HTMLInputElement && e.target.type === 'file')) return;
            e.preventDefault();
            window.__unspoolChooser = e.target;
            document.removeEventListener('click', caught, true);
          }, true);
        });
        const input = (await p.waitForFunction(() => window.__unspoolChooser, { timeout })).asElement();
        return { setFiles: (files) => input.uploadFile(...[files].flat()) };
      }
      if (name !== 'download') throw new Error(`firefox driver: no page event ${name}`);
      const before = new Set(fs.readdirSync(b.downloads));
      const deadline = Date.now() + timeout;
      let last = null;
      for (;;) {
        const now = fs.readdirSync(b.downloads);
        const file = now.find((f) => !before.has(f) && !f.endsWith('.part'));
        // Firefox may write under a temporary name and rename it when done:
        // a file gone between the listing and its stat is looked for again.
        const size = file && !now.includes(`${file}.part`) ? fs.statSync(path.join(b.downloads, file), { throwIfNoEntry: false })?.size : undefined;
        if (size !== undefined) {
          const at = path.join(b.downloads, file);
          // The same name and size on two looks: written, and not renamed.
          if (size > 0 && `${file} ${size}` === last) return { suggestedFilename: () => file, path: async () => at, saveAs: async (to) => fs.copyFileSync(at, to) };
          last = `${file} ${size}`;
        }
        if (Date.now() > deadline) throw new Error('no download');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  const proxy = new Proxy(p, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop];
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return proxy;
}

// clickWhereSeen clicks the middle of sel with the mouse once that point
// shows it, as playwright's actions wait to: scrolled to the middle of the
// view, measured after two frames (a layout that moved meanwhile — a bar
// shown above — is measured again), and not under
// another element (a toast, a sticky bar). puppeteer's own click measures
// before it scrolls and can land on whatever moved there.
async function clickWhereSeen(p, sel, options = {}, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const el = await p.waitForSelector(sel, { timeout });
    const at = await el.evaluate(async (e) => {
      e.scrollIntoView({ block: 'center', inline: 'center' });
      const box = () => JSON.stringify(e.getBoundingClientRect());
      const before = box();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      if (box() !== before) return { why: 'moving' };
      const r = e.getBoundingClientRect();
      const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
      const hit = document.elementFromPoint(x, y);
      return hit === e || e.contains(hit) ? { x, y } : { why: `under ${hit?.outerHTML.slice(0, 100) ?? 'nothing'}` };
    });
    if (!at.why) {
      await p.mouse.click(at.x, at.y, options);
      return el;
    }
    if (Date.now() > deadline) throw new Error(`firefox driver: cannot click ${sel}: ${at.why}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// inShadowFirefox: see inShadowChromium. BiDi serialises a host's shadow
// root even when closed; its shared id is the `this` of the next call.
export async function inShadowFirefox(page, hosts, fn, arg) {
  const b = page.driver;
  const context = page.raw.mainFrame()._id;
  const call = async (declaration, self, value) => {
    let r;
    try {
      r = await b.send('script.callFunction', {
        functionDeclaration: declaration, target: { context }, awaitPromise: true,
        ...(self ? { this: self } : {}),
        arguments: [{ type: 'string', value: JSON.stringify(value ?? null) }],
        serializationOptions: { maxDomDepth: 1, includeShadowTree: 'all' }, resultOwnership: 'none',
      });
    } catch (err) {
      // The reader replaced its nodes between two calls: not there (yet).
      if (/no such node/.test(err.message)) return null;
      throw err;
    }
    if (r.type === 'exception') throw new Error(r.exceptionDetails.text);
    return r.result;
  };
  let self = null;
  for (const step of hosts) {
    const host = await call('function (s) { return (this instanceof Node ? this : document).querySelector(JSON.parse(s)); }', self, step);
    const root = host?.value?.shadowRoot?.sharedId;
    if (!root) return null;
    self = { sharedId: root };
  }
  const out = await call(`async function (a) { return JSON.stringify({ v: await (${fn}).call(this, JSON.parse(a)) }); }`, self, arg);
  if (!out) return null;
  return { value: JSON.parse(out.value).v };
}

// contentWorldFrameScript runs in the tab's content process (as a frame
// script: `content` is the tab's window): it evaluates expression in the
// extension's content-script sandbox for that document and sends back
// {value: JSON} or {error}.
/* global content, Cu, sendAsyncMessage -- a frame script's own */
function contentWorldFrameScript({ id, expression, tag }) {
  (async () => {
    try {
      const { ExtensionContent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionContent.sys.mjs');
      const world = ExtensionContent.getContextByExtensionId(id, content);
      if (!world) throw new Error(`no content script of ${id} in ${content.location.href}`);
      const value = await Cu.evalInSandbox(`(async () => JSON.stringify({ v: await (${expression}) }))()`, world.sandbox);
      sendAsyncMessage(tag, { value });
    } catch (e) {
      sendAsyncMessage(tag, { error: String(e?.message ?? e) });
    }
  })();
}

// routeFirefox is playwright's context.route(match, handler) over WebDriver
// BiDi: one intercept for every request of every tab; handler(route) gets
// route.request().url() and answers with route.fulfill({status,
// contentType, headers, body}), route.continue() or route.abort(), one of
// which it must call (the request waits in Firefox until then). match is a
// predicate of the URL or '**/*' (everything).
async function routeFirefox(browser, match, handler) {
  if (typeof match !== 'function' && match !== '**/*') throw new Error(`firefox driver: route matches a predicate or '**/*', not ${match}`);
  const matches = typeof match === 'function' ? match : () => true;
  const send = (method, params) => browser.connection.send(method, params);
  const { result: { intercept } } = await send('network.addIntercept', { phases: ['beforeRequestSent'] });
  browser.connection.on('network.beforeRequestSent', async (event) => {
    if (!event.isBlocked || !event.intercepts?.includes(intercept)) return;
    const request = event.request.request;
    const url = event.request.url;
    let answered = false;
    const once = (method, params) => {
      if (answered) throw new Error(`${url}: answered twice`);
      answered = true;
      return send(method, { request, ...params });
    };
    const route = {
      request: () => ({ url: () => url, method: () => event.request.method }),
      continue: () => once('network.continueRequest', {}),
      abort: () => once('network.failRequest', {}),
      fulfill: ({ status = 200, contentType, headers = {}, body = '' }) => once('network.provideResponse', {
        statusCode: status,
        headers: Object.entries({ ...(contentType ? { 'content-type': contentType } : {}), ...headers })
          .map(([name, value]) => ({ name, value: { type: 'string', value: String(value) } })),
        body: { type: 'base64', value: Buffer.from(body).toString('base64') },
      }),
    };
    try {
      await (matches(new URL(url)) ? handler(route) : route.continue());
    } catch (err) {
      // The tab went away with its request: nothing left to answer.
      if (!/no such request/i.test(err.message)) throw err;
    }
  });
}
