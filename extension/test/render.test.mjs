// The renderer in a real browser (Debian's Chromium or Firefox ESR, without
// the extension): hostile threads shown
// every way the project shows them — the standalone document, the fragment
// inline in a page with no CSP at all, and the fragment put into a shadow
// root with innerHTML — run no script and load nothing from hostile URLs;
// themes, settings and the print stylesheet do what they say.
// Browsers: chromium, firefox
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { openBareBrowser } from './harness.mjs';
import { loadUnspool, root } from '../../wasm/test/load.mjs';

const made = path.join(root, 'shared/render/testdata/made');
const read = (p) => fs.readFileSync(p, 'utf8');

// Every hostile thread there is: the renderer's own and the extractors'
// hostile goldens (what a hostile page becomes after extraction).
function hostileThreads() {
  const out = { 'made/hostile': read(path.join(made, 'hostile/thread.json')) };
  const extract = path.join(root, 'shared/extract/testdata');
  for (const source of fs.existsSync(extract) ? fs.readdirSync(extract) : []) {
    const dir = path.join(extract, source);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const c of fs.readdirSync(dir)) {
      const f = path.join(dir, c, 'expected.json');
      if (/hostile|xss/i.test(c) && fs.existsSync(f)) out[`${source}/${c}`] = read(f);
    }
  }
  return out;
}

// The page that puts a fragment into a shadow root, as an extension would.
const SHADOW_PAGE = `<!doctype html><meta charset="utf-8"><title>shadow</title>
<div id="host"></div><script src="/shadow.js"></script>`;
const SHADOW_JS = `(async () => {
  const html = await (await fetch('/fragment' + location.search)).text();
  const root = document.getElementById('host').attachShadow({ mode: 'open' });
  root.innerHTML = html;
  document.documentElement.dataset.ready = 'true';
})();`;

let server, port, browser, context, unspool;
const pages = new Map(); // path → html
const requests = []; // every URL the browser asked for

before(async () => {
  unspool = await loadUnspool();
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/shadow.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(SHADOW_JS);
    if (url.pathname === '/shadow') return res.writeHead(200, { 'content-type': 'text/html' }).end(SHADOW_PAGE);
    if (url.pathname === '/fragment') return res.writeHead(200, { 'content-type': 'text/html' }).end(pages.get(url.searchParams.get('p')) ?? '');
    const body = pages.get(url.pathname);
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  for (let p = 18130; p < 18200; p++) {
    const ok = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(p, '127.0.0.1', () => resolve(true));
    });
    if (ok) { port = p; break; }
  }
  assert.ok(port, 'no free port in 18130–18199');
  browser = await openBareBrowser();
  ({ context } = browser);
  // Every request is seen here; nothing leaves the machine: other hosts get
  // a small grey picture.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCB3UNq9AAAAABJRU5ErkJggg==', 'base64');
  await context.route('**/*', (r) => {
    const url = r.request().url();
    requests.push(url);
    if (new URL(url).hostname === '127.0.0.1') return r.continue();
    return r.fulfill({ status: 200, contentType: 'image/png', body: png });
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

// watch fails on any script effect: the payloads set window.__pwned or call
// alert(); console errors and page errors count too.
async function openWatched(url, waitReady) {
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(url, { waitUntil: 'load' });
  if (waitReady) await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  // Let lazy images, hovers and focus handlers have their chance.
  await page.mouse.move(200, 200);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(300);
  return { page, problems };
}

test('hostile threads run no script and load nothing hostile, in every embedding', async () => {
  const threads = hostileThreads();
  assert.ok(Object.keys(threads).length >= 1);
  for (const [name, json] of Object.entries(threads)) {
    const key = name.replaceAll('/', '-');
    pages.set(`/${key}-doc`, unspool.render(json, '{"standalone":true}'));
    // No CSP on this one: only the renderer stands between payload and page.
    pages.set(`/${key}-inline`, `<!doctype html><meta charset="utf-8"><title>inline</title>${unspool.render(json, '{}')}`);
    pages.set(key, unspool.render(json, '{}'));
    for (const [url, ready] of [[`/${key}-doc`, false], [`/${key}-inline`, false], [`/shadow?p=${key}`, true]]) {
      const before = requests.length;
      const { page, problems } = await openWatched(`http://127.0.0.1:${port}${url}`, ready);
      const pwned = await page.evaluate(() => window.__pwned);
      const articles = await page.evaluate(() => (document.getElementById('host')?.shadowRoot ?? document).querySelectorAll('article').length);
      await page.close();
      assert.equal(pwned, undefined, `${name} ${url}: a payload ran`);
      assert.deepEqual(problems, [], `${name} ${url}`);
      assert.equal(articles, 1, `${name} ${url}: the reader is shown`);
      assert.ok(requests.slice(before).some((u) => u.startsWith(`http://127.0.0.1:${port}${url.split('?')[0]}`)), `${name} ${url}: the page's own request was seen`);
      const hostile = requests.slice(before).filter((u) => /attacker|evil\.|javascript:|data:|vbscript:/i.test(u) && !u.startsWith(`http://127.0.0.1:${port}/`));
      assert.deepEqual(hostile, [], `${name} ${url}: requests to hostile URLs`);
    }
  }
});

// Every golden case: the extraction goldens and the made threads.
function goldenThreads() {
  const out = {};
  for (const c of fs.readdirSync(made)) {
    const f = path.join(made, c, 'thread.json');
    if (fs.existsSync(f)) out[`made/${c}`] = read(f);
  }
  const extract = path.join(root, 'shared/extract/testdata');
  for (const source of fs.existsSync(extract) ? fs.readdirSync(extract) : []) {
    if (!fs.statSync(path.join(extract, source)).isDirectory()) continue;
    for (const c of fs.readdirSync(path.join(extract, source))) {
      const f = path.join(extract, source, c, 'expected.json');
      // Expected-error cases hold {"error": …}, not a thread.
      if (fs.existsSync(f) && JSON.parse(read(f)).posts) out[`${source}/${c}`] = read(f);
    }
  }
  return out;
}

// pdfPages counts a PDF's page objects, in the file and in its compressed
// object streams (Firefox's PDFs keep them there; Chromium's do not).
function pdfPages(pdf) {
  const raw = pdf.toString('latin1');
  const texts = [raw];
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      if (end > start) texts.push(zlib.inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream (a picture, a font): no page objects in it
    }
  }
  return texts.join('\n').match(/\/Type\s*\/Page\b/g)?.length ?? 0;
}

test('every golden case prints to PDF ("Save as PDF"), one page or more, without errors', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  const cases = Object.entries(goldenThreads());
  assert.ok(cases.length >= 5);
  for (const [name, json] of cases) {
    pages.set('/print-case', unspool.render(json, '{"standalone":true}'));
    await page.goto(`http://127.0.0.1:${port}/print-case`, { waitUntil: 'load' });
    const pdf = Buffer.from(await page.pdf({ format: 'A4' })); // puppeteer's is a Uint8Array
    const pagesIn = pdfPages(pdf);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-', name);
    assert.ok(pagesIn >= 1, `${name}: ${pagesIn} pages`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});

// styleOf reads computed styles inside the shadow root.
const styleOf = (page, sel, props) => page.evaluate(([s, ps]) => {
  const cs = getComputedStyle(document.getElementById('host').shadowRoot.querySelector(s));
  return Object.fromEntries(ps.map((p) => [p, cs.getPropertyValue(p)]));
}, [sel, props]);

// printedAfter is what sel's ::after shows: its computed content, with
// attr(…) read from the element (Chromium resolves it in the computed
// value, Firefox keeps the function).
const printedAfter = (page, sel) => page.evaluate((s) => {
  const el = document.getElementById('host').shadowRoot.querySelector(s);
  return getComputedStyle(el, '::after').content.replace(/attr\(\s*([\w-]+)\s*\)/g, (_, name) => JSON.stringify(el.getAttribute(name) ?? ''));
}, sel);

test('themes, sizes, measure and fonts apply inside a shadow root; auto follows the system', async () => {
  const json = read(path.join(made, 'x-search-rebuild/thread.json'));
  const bg = {};
  for (const theme of ['light', 'dark', 'sepia', 'auto']) {
    pages.set(`theme-${theme}`, unspool.render(json, JSON.stringify({ theme })));
  }
  const page = await context.newPage();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const theme of ['light', 'dark', 'sepia', 'auto']) {
      await page.goto(`http://127.0.0.1:${port}/shadow?p=theme-${theme}`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      bg[`${theme}/${scheme}`] = (await styleOf(page, '.unspool', ['background-color']))['background-color'];
    }
  }
  // Back to the system's (Firefox's driver sets it for every tab).
  await page.emulateMedia({ colorScheme: null });
  assert.equal(bg['light/light'], bg['light/dark'], 'an explicit theme ignores the system');
  assert.equal(bg['auto/light'], bg['light/light']);
  assert.equal(bg['auto/dark'], bg['dark/light']);
  assert.notEqual(bg['dark/light'], bg['light/light']);
  assert.notEqual(bg['sepia/light'], bg['light/light']);

  const measures = {};
  for (const [width, fontSize, font] of [['narrow', 'small', 'sans'], ['medium', 'medium', 'serif'], ['wide', 'xlarge', 'serif']]) {
    pages.set('settings', unspool.render(json, JSON.stringify({ width, fontSize, font })));
    await page.goto(`http://127.0.0.1:${port}/shadow?p=settings`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    // Characters of prose per line: the article's width over the average
    // width of a character of an ordinary English sentence in the post font.
    measures[width] = await page.evaluate(() => {
      const r = document.getElementById('host').shadowRoot;
      const art = r.querySelector('article');
      const probe = document.createElement('span');
      probe.textContent = 'The quick brown fox jumps over the lazy dog, while people read long threads about science and art.';
      probe.style.whiteSpace = 'nowrap';
      r.querySelector('.u-post p').append(probe);
      const perChar = probe.getBoundingClientRect().width / probe.textContent.length;
      probe.remove();
      return { chars: art.getBoundingClientRect().width / perChar, size: getComputedStyle(art).fontSize, family: getComputedStyle(art.querySelector('.u-post')).fontFamily };
    });
  }
  await page.close();
  assert.ok(measures.medium.chars >= 60 && measures.medium.chars <= 75, `default measure: ${measures.medium.chars} characters a line`);
  assert.ok(measures.narrow.chars < measures.medium.chars && measures.wide.chars > measures.medium.chars);
  assert.deepEqual([measures.narrow.size, measures.medium.size, measures.wide.size], ['16px', '19px', '26px']);
  assert.match(measures.narrow.family, /system-ui/);
  assert.match(measures.medium.family, /Iowan Old Style/);
});

test('print: black on white whatever the theme, no post anchors, link addresses printed, images kept', async () => {
  pages.set('print', unspool.render(read(path.join(made, 'x-search-rebuild/thread.json')), '{"theme":"dark"}'));
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/shadow?p=print`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  assert.equal((await styleOf(page, '.u-n', ['display'])).display, 'inline-block');
  await page.emulateMedia({ media: 'print' });
  assert.equal((await styleOf(page, '.unspool', ['background-color']))['background-color'], 'rgb(255, 255, 255)');
  assert.equal((await styleOf(page, '.unspool', ['color'])).color, 'rgb(0, 0, 0)');
  assert.equal((await styleOf(page, '.u-n', ['display'])).display, 'none');
  assert.match(await printedAfter(page, '.u-ext'), /https:\/\/t\.co\/abc/);
  assert.notEqual((await styleOf(page, '.u-photos img', ['display'])).display, 'none');
  await page.close();
});

test('content warnings fold their post on screen and print it unfolded', async () => {
  pages.set('cw', unspool.render(read(path.join(made, 'mastodon-tape-deck/thread.json')), '{}'));
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/shadow?p=cw`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  // checkVisibility: false inside a closed <details> (content-visibility: hidden).
  const visible = () => page.evaluate(() => document.getElementById('host').shadowRoot.querySelector('.u-cw .u-photos').checkVisibility());
  assert.equal(await visible(), false, 'folded on screen');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await visible(), true, 'unfolded in print');
  await page.close();
});
