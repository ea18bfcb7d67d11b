// Helpers for the extension's browser tests and benchmarks, the same in
// every browser. What differs between browsers is a driver (driver-*.mjs),
// chosen by BROWSER (chromium, the default, or firefox); openBrowser returns
// it as `b`:
//   b.name, b.version (the browser's own, e.g. 153.0.1), b.server, b.errors
//   (console errors of pages and the background),
//   b.extensionId, b.extensionURL(path), b.newPage(), b.context.newPage(),
//   b.context.waitForEvent('page'), b.sw.evaluate(fn, arg) (in the
//   background's world), b.pressAction(page) (the real toolbar button),
//   b.trigger(page, 'menu'|'command'), b.stopBackground(),
//   b.readClipboard(page), b.printMedia(page, 'print'|'screen'),
//   b.inContentWorld(page, expression) (evaluated in the extension's
//   content-script world of page's tab), b.close().
// Pages have playwright's page API in both browsers; the reader's closed
// shadow roots are read through the driver (CDP's pierce mode, BiDi's
// serialised shadow roots): page scripts have no way in.
import { launch } from './browser.mjs';
import { inShadowChromium, openChromium } from './driver-chromium.mjs';

export const browserName = process.env.BROWSER ?? 'chromium';
if (!['chromium', 'firefox'].includes(browserName)) throw new Error(`BROWSER=${browserName}: chromium or firefox`);

// The Firefox driver loads puppeteer-core: only when asked for.
const firefox = () => import('./driver-firefox.mjs');

// openBrowser serves routes and starts the browser with the extension
// loaded; serverOptions go to startServer (more HTTPS hosts, a port range).
// name overrides BROWSER (the cross-browser tests open one of each).
export async function openBrowser(routes, serverOptions, name = browserName) {
  return name === 'firefox' ? (await firefox()).openFirefox(routes, serverOptions) : openChromium(routes, serverOptions);
}

// openBareBrowser starts the browser without the extension, for what is
// tested apart from it (the renderer's output): {name, context, close}, the
// context with playwright's newPage and route(match, handler) in both.
export async function openBareBrowser(name = browserName) {
  if (name === 'firefox') return (await firefox()).openFirefox([], undefined, { extension: false });
  const { context } = await launch();
  return { name, context, close: () => context.close() };
}

// onlyIn marks what one browser cannot do: node:test's skip option with the
// reason, printed in the test's output.
export const onlyIn = (name, why) => (browserName === name ? {} : { skip: `not in ${browserName}: ${why}` });

// openPage opens url in a new tab and waits for the page's own script.
export async function openPage(b, url) {
  const page = await b.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  return page;
}

export const pressAction = (b, page) => b.pressAction(page);

// callTrigger: the context-menu item or the keyboard command (pressed for
// real in Firefox; their handlers called in Chromium, which cannot press them).
export const callTrigger = (b, page, kind) => b.trigger(page, kind);

// inShadow runs fn(arg) with `this` = the closed shadow root at the end of
// hosts (tag names or .classes, each inside the previous root); {value} or
// null when it is not there.
export async function inShadow(page, hosts, fn, arg) {
  if (page.driver?.name === 'firefox') return (await firefox()).inShadowFirefox(page, hosts, fn, arg);
  return inShadowChromium(page, hosts, fn, arg);
}

// Run inside the reader's outer shadow root: its frame and controls.
function readChrome() {
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
}

// Run inside the outer root while collecting, or after a failed unroll.
function readProgress() {
  return {
    progress: this.querySelector('.pill')?.textContent ?? null,
    failed: [...this.querySelectorAll('[class]')].some((e) => /\berror\b/.test(e.getAttribute('class'))),
  };
}

// Run inside the content's shadow root: the thread as shown.
function readBody() {
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
}

// readReader returns what the open reader shows, {progress, failed} while
// collecting or after a failure, or null when nothing is shown:
// {title, notices, buttons, dialog: {role, modal, label}, posts: [{id, text,
// photos, videos, links}], text, unsafe: [...], timings}.
export async function readReader(page) {
  const body = await inShadow(page, ['unspool-ui', '.content'], readBody);
  const frame = await inShadow(page, ['unspool-ui'], body ? readChrome : readProgress);
  if (!frame) return null;
  if (!body) return frame.value;
  const timings = await page.evaluate(() => document.querySelector('unspool-ui')?.dataset.timings ?? null);
  return { ...frame.value, ...body.value, timings: timings ? JSON.parse(timings) : null };
}

// inReader runs fn(arg) with `this` = the reader's (closed) shadow root and
// returns its JSON-able result. For pressing its controls.
export async function inReader(page, fn, arg) {
  const r = await inShadow(page, ['unspool-ui'], fn, arg);
  if (!r) throw new Error('no reader');
  return r.value;
}

// inReaderContent is inReader with `this` = the rendered thread's own
// (closed) shadow root, where the posts, clips and pictures are.
export async function inReaderContent(page, fn, arg) {
  const r = await inShadow(page, ['unspool-ui', '.content'], fn, arg);
  if (!r) throw new Error('no reader');
  return r.value;
}

// pressButton clicks the reader control whose label (aria-label or text) is
// name with the mouse: a user's gesture (Firefox's clipboard wants one).
export async function pressButton(page, name) {
  const at = await inReader(page, function (name) {
    const b = [...this.querySelectorAll('button')].find((x) => (x.getAttribute('aria-label') || x.textContent) === name);
    if (!b) throw new Error(`no button ${name}`);
    b.scrollIntoView({ block: 'center' });
    const r = b.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, name);
  await page.mouse.click(at.x, at.y);
  return true;
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
    // Rounded: Firefox keeps whole pixels where Chromium keeps fractions.
    scroll: [Math.round(window.scrollX), Math.round(window.scrollY)],
    active: document.activeElement?.tagName,
  }));
}
