// Helpers for the extension's browser tests and benchmarks: start Chromium
// with the unpacked extension and the local server's host mapping, press
// the real toolbar button (CDP Extensions.triggerAction), and read what the
// reader shows through CDP (the reader's shadow roots are closed; CDP's
// pierce mode is the test's way in, page scripts have none).
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

// UNSPOOL_EXTENSION_DIR runs the tests on another copy of the extension,
// e.g. a store package's staging folder (dist/stage-chrome).
const otherDir = process.env.UNSPOOL_EXTENSION_DIR;
const extensionArgs = otherDir
  ? [`--disable-extensions-except=${otherDir}`, `--load-extension=${otherDir}`, '--enable-unsafe-extension-debugging']
  : [];

// openBrowser serves routes and starts Chromium with the extension loaded;
// serverOptions go to startServer (more HTTPS hosts, a port range).
export async function openBrowser(routes, serverOptions) {
  const server = await startServer(new Map(routes), serverOptions);
  const { context } = await launch({ extension: !otherDir, args: [...server.args, ...extensionArgs] });
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(sw.url()).host;
  // The worker is announced before its modules are evaluated: an event
  // before then (a page that loads) finds no listener yet.
  for (const deadline = Date.now() + 30_000; !(await sw.evaluate(() => Boolean(globalThis.unspoolBackground))); await new Promise((res) => setTimeout(res, 50))) {
    if (Date.now() > deadline) throw new Error('the background never finished starting (see its console)');
  }
  const browserCDP = await context.browser()?.newBrowserCDPSession?.() ?? null;
  const errors = [];
  const b = { server, context, sw, extensionId, browserCDP, errors };
  // Console errors of every page and of the service worker fail a test.
  const watch = (page) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(`page ${page.url()}: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`page ${page.url()}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  // The worker may be stopped and started again (a test does it): watch
  // every instance, and keep b.sw pointing at the live one.
  const watchWorker = (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`service worker: ${m.text()}`));
  watchWorker(sw);
  context.on('serviceworker', (w) => {
    if (new URL(w.url()).host !== extensionId) return;
    watchWorker(w);
    b.sw = w;
  });
  b.close = async () => {
    await context.close();
    await server.close();
  };
  return b;
}

// openPage opens url in a new tab and waits for the page's own script.
export async function openPage(b, url) {
  const page = await b.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  return page;
}

// stopWorker stops the extension's service worker (as Chrome does when it
// is idle) from one of the extension's own pages, and waits until it is gone.
export async function stopWorker(b) {
  const ext = await b.context.newPage();
  await ext.goto(`chrome-extension://${b.extensionId}/manifest.json`);
  const cdp = await b.context.newCDPSession(ext);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await ext.close();
  for (let i = 0; i < 50; i++) {
    const { targetInfos } = await b.browserCDP.send('Target.getTargets', { filter: [{}] });
    if (!targetInfos.some((t) => t.type === 'service_worker' && t.url.includes(b.extensionId))) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

// browserSession returns a browser-level CDP session (triggerAction needs
// one; a persistent context exposes it through a page's browser target).
async function browserSession(b, page) {
  if (b.browserCDP) return b.browserCDP;
  const s = await b.context.newCDPSession(page);
  return s;
}

// pressAction clicks the extension's toolbar button for page's tab.
export async function pressAction(b, page) {
  const cdp = await browserSession(b, page);
  const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{}] }); // [{}]: every type, tabs included
  const url = page.url();
  const tab = targetInfos.find((t) => t.type === 'tab' && t.url === url);
  if (!tab) throw new Error(`no tab target for ${url}`);
  await cdp.send('Extensions.triggerAction', { id: b.extensionId, targetId: tab.targetId });
}

// callTrigger runs a background handler as the browser would (the context
// menu or the keyboard command, which a test cannot press).
export async function callTrigger(b, page, kind) {
  const url = page.url();
  return b.sw.evaluate(async ({ kind, url }) => {
    const [tab] = await chrome.tabs.query({ url: url.split('#')[0] });
    const t = globalThis.unspoolBackground.triggers;
    if (kind === 'menu') return t.onMenuClicked({ menuItemId: t.MENU_ID }, tab);
    return t.onCommand(t.COMMAND, tab);
  }, { kind, url });
}

function findNode(node, pred) {
  if (pred(node)) return node;
  for (const kids of [node.children, node.shadowRoots, node.contentDocument ? [node.contentDocument] : null]) {
    for (const k of kids ?? []) {
      const f = findNode(k, pred);
      if (f) return f;
    }
  }
  return null;
}

const attr = (node, name) => {
  const a = node.attributes ?? [];
  const i = a.indexOf(name);
  return i >= 0 && i % 2 === 0 ? a[i + 1] : undefined;
};

// readReader returns what the open reader shows, {progress, failed} while
// collecting or after a failure, or null when nothing is shown:
// {title, notices, buttons, dialog: {role, modal, label}, posts: [{id, text,
// photos, videos, links}], text, unsafe: [...], timings}.
export async function readReader(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = findNode(root, (n) => n.nodeName === 'UNSPOOL-UI');
    if (!host?.shadowRoots?.length) return null;
    const outer = host.shadowRoots[0];
    const call = async (nodeId, fn) => {
      const { object } = await cdp.send('DOM.resolveNode', { nodeId });
      const { result } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: fn.toString(), returnByValue: true });
      return result.value;
    };
    const content = findNode(outer, (n) => (attr(n, 'class') ?? '').split(' ').includes('content'));
    if (!content?.shadowRoots?.length) {
      // Progress, or the message of a failed unroll.
      return { progress: await call(outer.nodeId, function () { return this.querySelector('.pill')?.textContent ?? null; }), failed: findNode(outer, (n) => /\berror\b/.test(attr(n, 'class') ?? '')) !== null };
    }
    const chrome = await call(outer.nodeId, function () {
      const dialog = this.querySelector('[role="dialog"]');
      return {
        title: this.querySelector('h2')?.textContent,
        notices: [...this.querySelectorAll('.notice')].map((n) => n.textContent),
        buttons: [...this.querySelectorAll('button, select')].map((b) => b.getAttribute('aria-label') || b.textContent),
        unlabelled: [...this.querySelectorAll('button, select')].filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim() || b.closest('label'))).length,
        dialog: dialog && { role: dialog.getAttribute('role'), modal: dialog.getAttribute('aria-modal'), labelledBy: this.getElementById(dialog.getAttribute('aria-labelledby'))?.textContent },
        focused: this.activeElement ? (this.activeElement.className || this.activeElement.tagName) : null,
        choices: Object.fromEntries([...this.querySelectorAll('label.setting')].map((l) => [l.firstChild.textContent, l.querySelector('select').value])),
        status: this.querySelector('.status')?.textContent ?? '',
      };
    });
    const body = await call(content.shadowRoots[0].nodeId, function () {
      const posts = [...this.querySelectorAll('section.u-post')].map((s) => ({
        id: s.id.replace(/^u-/, ''),
        text: s.textContent.replace(/\s+/g, ' ').trim(),
        // Pictures of the post and of its quoted post; avatars and video
        // posters are not photos.
        photos: [...s.querySelectorAll('img:not(.u-avatar, .u-qavatar)')].filter((i) => !i.closest('.u-quote, .u-player')).map((i) => i.getAttribute('src')),
        quotePhotos: [...s.querySelectorAll('.u-quote img:not(.u-qavatar)')].filter((i) => !i.closest('.u-player')).map((i) => i.getAttribute('src')),
        videos: [...s.querySelectorAll('.u-player')].map((v) => v.querySelector('a')?.getAttribute('href') ?? ''),
      }));
      const unsafe = [];
      for (const el of this.querySelectorAll('*')) {
        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)) unsafe.push(el.tagName);
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) unsafe.push(`${el.tagName}[${a.name}]`);
          if (/^\s*javascript:/i.test(a.value)) unsafe.push(`${el.tagName}[${a.name}=${a.value}]`);
        }
      }
      const rootEl = this.querySelector('.unspool');
      const settings = rootEl && { theme: rootEl.dataset.theme, fontSize: rootEl.dataset.size, width: rootEl.dataset.width, font: rootEl.dataset.font };
      return { posts, settings, text: this.textContent.replace(/\s+/g, ' '), unsafe, sheets: this.adoptedStyleSheets.length };
    });
    const timings = attr(host, 'data-timings');
    return { ...chrome, ...body, timings: timings ? JSON.parse(timings) : null };
  } catch (err) {
    // The reader replaced its nodes between reading the tree and asking
    // about one (progress → reader): not open yet, as far as this look goes.
    if (/No node with given id/.test(err.message)) return null;
    throw err;
  } finally {
    await cdp.detach();
  }
}

// inReader runs fn(arg) with `this` = the reader's (closed) shadow root,
// through CDP, and returns its JSON-able result. For pressing its controls.
export async function inReader(page, fn, arg) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = findNode(root, (n) => n.nodeName === 'UNSPOOL-UI');
    if (!host?.shadowRoots?.length) throw new Error('no reader');
    const { object } = await cdp.send('DOM.resolveNode', { nodeId: host.shadowRoots[0].nodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId, functionDeclaration: fn.toString(), arguments: [{ value: arg }], returnByValue: true, awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  } finally {
    await cdp.detach();
  }
}

// pressButton clicks the reader control whose label (aria-label or text) is name.
export function pressButton(page, name) {
  return inReader(page, function (name) {
    const b = [...this.querySelectorAll('button')].find((x) => (x.getAttribute('aria-label') || x.textContent) === name);
    if (!b) throw new Error(`no button ${name}`);
    b.click();
    return true;
  }, name);
}

// choose sets the reader setting labelled `label` to value, as a person would.
export function choose(page, label, value) {
  return inReader(page, function ({ label, value }) {
    const sel = [...this.querySelectorAll('label.setting')].find((l) => l.firstChild.textContent === label)?.querySelector('select');
    if (!sel) throw new Error(`no setting ${label}`);
    sel.value = value;
    sel.dispatchEvent(new Event('change'));
    return true;
  }, { label, value });
}

// waitForReader polls until the reader is open (or fails after timeoutMs).
export async function waitForReader(page, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await readReader(page);
    if (r?.failed) throw new Error(`the unroll failed: ${r.progress}`);
    if (r && r.timings?.clickToReaderMs !== undefined) return r;
    // Say what the tab showed instead (a progress pill, nothing): a reader
    // that never opens is otherwise a bare timeout.
    if (Date.now() > deadline) throw new Error(`the reader did not open (the tab shows ${r ? `the progress "${r.progress}"` : 'no reader'})`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

// pageSnapshot is what "the page left as it was" compares: the body's
// markup, <html>'s children, scroll position and the focused element.
export function pageSnapshot(page) {
  return page.evaluate(() => ({
    body: document.body.outerHTML,
    htmlChildren: [...document.documentElement.children].map((e) => e.tagName),
    sheets: document.adoptedStyleSheets.length,
    scroll: [window.scrollX, window.scrollY],
    active: document.activeElement?.tagName,
  }));
}
