// The Chromium side of the browser tests' driver (see harness.mjs for the
// interface): Debian's chromium through playwright-core, x.com mapped to the
// local server with --host-resolver-rules, the toolbar pressed with CDP's
// Extensions.triggerAction, closed shadow roots read through CDP's pierce
// mode.
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

// UNSPOOL_EXTENSION_DIR runs the tests on another copy of the extension,
// e.g. a store package's staging folder (dist/stage-chrome).
const otherDir = process.env.UNSPOOL_EXTENSION_DIR;
const extensionArgs = otherDir
  ? [`--disable-extensions-except=${otherDir}`, `--load-extension=${otherDir}`, '--enable-unsafe-extension-debugging']
  : [];

export async function openChromium(routes, serverOptions) {
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
  const b = {
    name: 'chromium', server, context, sw, extensionId, browserCDP, errors,
    version: context.browser()?.version() ?? 'unknown',
    extensionURL: (p) => `chrome-extension://${extensionId}/${p}`,
    newPage: () => context.newPage(),
  };
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

  // pressAction clicks the extension's toolbar button for page's tab.
  b.pressAction = async (page) => {
    const cdp = browserCDP ?? (await context.newCDPSession(page));
    const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{}] }); // [{}]: every type, tabs included
    const url = page.url();
    // CDP presses a tab target, found by its address: two tabs at one
    // address would make the press land on either, so a test must close
    // the one it is done with.
    const tabs = targetInfos.filter((t) => t.type === 'tab' && t.url === url);
    if (tabs.length !== 1) throw new Error(tabs.length ? `${tabs.length} tabs show ${url}: close the others before pressing the toolbar` : `no tab target for ${url}`);
    const [tab] = tabs;
    await cdp.send('Extensions.triggerAction', { id: extensionId, targetId: tab.targetId });
  };

  // trigger runs the context-menu or keyboard-command handler as the browser
  // would: CDP cannot press either (page.keyboard never reaches commands).
  b.trigger = async (page, kind) => {
    const url = page.url();
    return b.sw.evaluate(async ({ kind, url }) => {
      const [tab] = await chrome.tabs.query({ url: url.split('#')[0] });
      const t = globalThis.unspoolBackground.triggers;
      if (kind === 'menu') return t.onMenuClicked({ menuItemId: t.MENU_ID }, tab);
      return t.onCommand(t.COMMAND, tab);
    }, { kind, url });
  };

  // stopBackground stops the extension's service worker and waits until it
  // is gone (from one of its own pages: CDP's ServiceWorker domain).
  b.stopBackground = async () => {
    const ext = await context.newPage();
    await ext.goto(b.extensionURL('manifest.json'));
    const cdp = await context.newCDPSession(ext);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await ext.close();
    for (let i = 0; i < 50; i++) {
      const { targetInfos } = await browserCDP.send('Target.getTargets', { filter: [{}] });
      if (!targetInfos.some((t) => t.type === 'service_worker' && t.url.includes(extensionId))) return;
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  b.readClipboard = async (page) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    return page.evaluate(() => navigator.clipboard.readText());
  };

  b.printMedia = (page, media) => page.emulateMedia({ media });

  b.inContentWorld = (page, expression) => inContentWorldChromium(page, extensionId, expression);

  b.close = async () => {
    await context.close();
    await server.close();
  };
  return b;
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

// A host step of a shadow path: a tag name (unspool-ui) or a class (.content).
const matches = (step) => (step.startsWith('.')
  ? (n) => (attr(n, 'class') ?? '').split(' ').includes(step.slice(1))
  : (n) => n.nodeName === step.toUpperCase());

// inShadowChromium runs fn(arg) with `this` = the (closed) shadow root at the
// end of hosts (each found inside the previous root) and returns its
// JSON-able result as {value}, or null when a host or its root is not there
// (yet).
export async function inShadowChromium(page, hosts, fn, arg) {
  const cdp = await page.context().newCDPSession(page);
  try {
    let { root: node } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    for (const step of hosts) {
      const host = findNode(node, matches(step));
      if (!host?.shadowRoots?.length) return null;
      node = host.shadowRoots[0];
    }
    const { object } = await cdp.send('DOM.resolveNode', { nodeId: node.nodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId, functionDeclaration: fn.toString(), arguments: [{ value: arg }], returnByValue: true, awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return { value: result.value };
  } catch (err) {
    // The reader replaced its nodes between reading the tree and asking
    // about one (progress → reader): not there yet, as far as this look goes.
    if (/No node with given id|Could not find node/.test(err.message)) return null;
    throw err;
  } finally {
    await cdp.detach();
  }
}

// inContentWorldChromium evaluates expression (awaited, its JSON-able value
// returned) in the isolated world the extension's content scripts run in on
// page's tab: CDP lists it among the tab's execution contexts, by the
// extension's origin.
async function inContentWorldChromium(page, extensionId, expression) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const worlds = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => worlds.push(context));
    await cdp.send('Runtime.enable'); // reports the contexts there already
    let world;
    for (const deadline = Date.now() + 20_000; !(world = worlds.find((w) => w.origin === `chrome-extension://${extensionId}`)); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error(`no content-script world of the extension in ${page.url()}`);
    }
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  } finally {
    await cdp.detach();
  }
}
