// Share pages in a real browser (Chromium or Firefox) against the native server
// (built from ./server, on 127.0.0.1, a port from 18500–18599):
//   - a page published from the hostile fixture (script tags, javascript:
//     links, on* attributes in text, hostile image URLs) runs nothing: no
//     page error, no dialog, no global flag, no CSP violation for script,
//     and the CSP header is the strict one;
//   - screenshots of a real 25-post thread's page, light and dark (kept in
//     $UNSPOOL_SHOTS, default a temp folder; docs/ holds two of them);
//   - the library's Publish / Copy link / Unpublish with the state shown,
//     and the "sync off" message before sync is on;
//   - the reader toolbar's Publish / Unpublish on a real X page (fixture).
// Screenshots are named share-<what>.png in Chromium (docs/ holds two of
// them) and share-<what>-firefox.png in Firefox.
// Browsers: chromium, firefox
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserName, inReader, openBareBrowser, openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';
import { openProfile, until } from './library-helpers.mjs';
import { fixturePages } from './pages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = process.env.UNSPOOL_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-share-shots-'));
const shot = (name) => path.join(shots, `share-${name}${browserName === 'chromium' ? '' : `-${browserName}`}.png`);
const readJSON = (p) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));
const HOSTILE = readJSON('shared/render/testdata/made/hostile/thread.json');
const THREAD25 = readJSON('shared/extract/testdata/x-dom/made-selfthread-25/expected.json');
// Every image a page asks for off the server is answered with this one, so
// screenshots show pictures without any network.
const PLACEHOLDER = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800" viewBox="0 0 1200 800">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#8fb3c9"/><stop offset="1" stop-color="#d9c6a5"/></linearGradient></defs>
<rect width="1200" height="800" fill="url(#g)"/><circle cx="880" cy="260" r="90" fill="#f4e9c8" opacity=".8"/>
<path d="M0 640 L320 380 L560 600 L760 460 L1200 720 L1200 800 L0 800Z" fill="#4d6b5c" opacity=".75"/></svg>`;

function freePort(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

// startServer builds and runs the native server on a free port of 18500–18599.
async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-share-'));
  const bin = path.join(dir, 'unspool-server');
  execFileSync('go', ['build', '-o', bin, './server'], { cwd: root, stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  let port;
  for (let p = 18500 + Math.floor(Math.random() * 100), i = 0; i < 100 && !port; i++, p = 18500 + ((p - 18500 + 1) % 100)) {
    if (await freePort(p)) port = p;
  }
  if (!port) throw new Error('no free port in 18500–18599');
  const proc = spawn(bin, ['-addr', `127.0.0.1:${port}`, '-data', path.join(dir, 'data')], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, UNSPOOL_RATE_LIMIT: '0' },
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  await until(() => /listening on/.test(log) || proc.exitCode !== null, { ms: 30_000, what: 'the server to listen' });
  if (proc.exitCode !== null) throw new Error(`the server exited:\n${log}`);
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => { if (proc.exitCode !== null) return r(); proc.once('exit', r); proc.kill('SIGTERM'); }),
  };
}

const id32 = () => crypto.randomBytes(32).toString('base64url');

// A library made over HTTP, as the extension's sync would.
async function newLibrary(origin) {
  const lib = { id: id32(), key: id32() };
  const res = await fetch(`${origin}/v1/libraries`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ libraryId: lib.id, authKey: lib.key }),
  });
  assert.equal(res.status, 201);
  return lib;
}

async function publish(origin, lib, thread) {
  const res = await fetch(`${origin}/v1/libraries/${lib.id}/shares`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${lib.key}` },
    body: JSON.stringify({ thread }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

let srv;
before(async () => {
  srv = await startServer();
  console.log(`screenshots: ${shots}`);
});
after(async () => {
  await srv?.stop();
});

describe('the public page', () => {
  let b, lib;
  const offServer = []; // every URL a page asked for that is not the server
  before(async () => {
    b = await openBareBrowser();
    await b.context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(srv.origin + '/')) return route.continue();
      offServer.push(url);
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PLACEHOLDER });
    });
    lib = await newLibrary(srv.origin);
  });
  after(async () => {
    await b?.close();
  });

  // open loads a page with listeners for everything that would show a
  // script ran or was attempted: page errors, dialogs, console messages,
  // and CSP violations (recorded by a script the driver injects — CDP, a
  // BiDi preload script — which the page's CSP does not govern).
  async function open(url, { colorScheme = 'light' } = {}) {
    const page = await b.context.newPage();
    await page.emulateMedia({ colorScheme });
    const seen = { errors: [], dialogs: [], console: [] };
    page.on('pageerror', (e) => seen.errors.push(e.message));
    page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
    page.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const res = await page.goto(url, { waitUntil: 'load' });
    return { page, res, seen };
  }

  test('a hostile thread\'s page runs no script, under the strict CSP header', async () => {
    const share = await publish(srv.origin, lib, HOSTILE);
    const { page, res, seen } = await open(srv.origin + share.url);
    assert.equal(res.status(), 200);
    const h = res.headers();
    assert.match(h['content-security-policy'], /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src https: 'self'; media-src https:;/);
    assert.doesNotMatch(h['content-security-policy'], /script|unsafe/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'no-referrer');

    // Give every handler its chance: hover and click what could carry one,
    // open the content-warning details, wait for images to fail or load.
    for (const sel of ['a', 'img', '.u-card', 'summary', 'video']) {
      for (const el of await page.locator(sel).all()) {
        await el.hover({ timeout: 200 }).catch(() => {}); // hidden ones time out
      }
    }
    for (const s of await page.locator('summary').all()) await s.click().catch(() => {});
    await page.waitForTimeout(500);

    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no hostile script set the flag');
    assert.deepEqual(seen.errors, [], 'page errors');
    assert.deepEqual(seen.dialogs, [], 'dialogs');
    const violations = await page.evaluate(() => window.__violations);
    assert.deepEqual(violations.filter((v) => /script/.test(v)), [], 'script attempts blocked by CSP (there should be none to block)');
    assert.deepEqual(seen.console.filter((m) => /script|Refused to execute/i.test(m)), [], 'console messages about script');
    // Only https images reached out (and only to the hosts the thread names);
    // they did reach out, so the driver saw every request.
    assert.ok(offServer.some((u) => u.startsWith('https://media.test/')), `the thread's pictures were asked for: ${offServer.join(' ')}`);
    for (const u of offServer) assert.match(u, /^https:\/\/(media\.test|safe\.test|x\.com)\//, `unexpected request ${u}`);
    // The stylesheet applied: the CSP hash matched the inlined CSS.
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.unspool')).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the reader stylesheet applied (its CSP hash matched)');
    await page.evaluate(() => window.scrollTo(0, 0)); // hovering scrolled down
    await page.screenshot({ path: shot('hostile') }); // the top: header, notes, first post
    await page.close();
  });

  test('a 25-post thread\'s page, light and dark (screenshots), with its alternates', async () => {
    const share = await publish(srv.origin, lib, THREAD25);
    const colours = {};
    for (const scheme of ['light', 'dark']) {
      const { page, seen } = await open(srv.origin + share.url, { colorScheme: scheme });
      assert.equal(await page.locator('section.u-post').count(), 25);
      assert.match(await page.locator('.u-name').innerText(), /Ada Loom/);
      colours[scheme] = await page.evaluate(() => getComputedStyle(document.querySelector('.unspool')).backgroundColor);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation on a normal page');
      await page.setViewportSize({ width: 900, height: 1200 });
      await page.screenshot({ path: shot(scheme) });
      if (scheme === 'light') {
        const alt = await page.evaluate(() => [...document.querySelectorAll('link[rel=alternate]')].map((l) => l.href));
        assert.deepEqual(alt, ['md', 'txt', 'json'].map((f) => `${srv.origin}${share.url}?format=${f}`));
        for (const u of alt) assert.equal((await fetch(u)).status, 200, u);
      }
      await page.close();
    }
    assert.notEqual(colours.light, colours.dark, 'the page follows prefers-color-scheme');
  });

  test('an unpublished page answers 410 with a plain page; an unknown one 404', async () => {
    const share = await publish(srv.origin, lib, { ...THREAD25, id: 'other-thread', url: 'https://x.com/loom_weaver/status/2' });
    const del = await fetch(`${srv.origin}/v1/libraries/${lib.id}/shares/${share.slug}`, {
      method: 'DELETE', headers: { Authorization: `Bearer ${lib.key}` },
    });
    assert.equal(del.status, 204);
    const gone = await open(srv.origin + share.url);
    assert.equal(gone.res.status(), 410);
    assert.match(await gone.page.locator('h1').innerText(), /Unpublished/);
    assert.deepEqual(gone.seen.errors, []);
    await gone.page.close();
    const missing = await open(`${srv.origin}/t/${crypto.randomBytes(16).toString('base64url')}`);
    assert.equal(missing.res.status(), 404);
    await missing.page.close();
  });
});

describe('Publish, Copy link and Unpublish in the library', () => {
  let P;
  const key = `${THREAD25.platform}:${THREAD25.id}`;
  before(async () => {
    P = await openProfile();
    await P.send('library:save', { thread: THREAD25 });
  });
  after(async () => {
    await P?.close();
  });

  test('with sync off the page says publishing needs it', async () => {
    await P.page.goto(P.url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
    // The bar does not move under a click while the page finishes loading
    // (a button shown late once shifted the share controls aside, and a
    // click aimed at Unpublish landed beside it).
    const where = () => P.page.evaluate(() => {
      const r = document.getElementById('share').getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, ready: document.documentElement.dataset.ready === '1' };
    });
    const early = await where();
    assert.equal(early.ready, false, 'measured before the page finished loading');
    await P.page.waitForFunction(() => document.documentElement.dataset.ready === '1');
    const late = await where();
    assert.deepEqual([late.x, late.y, late.width], [early.x, early.y, early.width], 'the share controls stayed where they were');
    await until(async () => /needs sync/.test(await P.page.textContent('#share-state')), { what: 'the sync-off message' });
    assert.ok(await P.page.isDisabled('#share-publish'));
    assert.ok(await P.page.isHidden('#share-unpublish'));
  });

  test('publish shows the link, copy copies it, unpublish takes the page down', async () => {
    await P.page.goto(P.url('pages/options/options.html'));
    await P.page.fill('#server', srv.origin);
    await P.page.click('#enable');
    await P.page.waitForSelector('#on:not([hidden])');

    await P.page.goto(P.url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
    await P.page.waitForSelector('#share-publish:not([disabled])');
    assert.match(await P.page.textContent('#share-state'), /Not published/);
    await P.page.click('#share-publish');
    await P.page.waitForSelector('#share-unpublish:not([hidden])');
    const url = await P.page.getAttribute('#share-state a', 'href');
    assert.match(url, new RegExp(`^${srv.origin}/t/[A-Za-z0-9_-]{22}$`));
    assert.ok(await P.page.isHidden('#share-publish'));
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /noindex/, 'not indexable unless asked');

    await P.page.click('#share-copy');
    await until(async () => /Copied/.test(await P.page.textContent('#share-state')), { what: 'the copy message' });
    assert.equal(await P.readClipboard(), url);

    // The state survives a reload (and comes from the server's list).
    await P.page.reload();
    await P.page.waitForSelector('#share-unpublish:not([hidden])');
    assert.equal(await P.page.getAttribute('#share-state a', 'href'), url);

    // The library list marks it.
    await P.page.goto(P.url('pages/library/library.html'));
    await P.page.waitForSelector(`li[data-key="${key}"] .published`);

    await P.page.goto(P.url(`pages/library/read.html?key=${encodeURIComponent(key)}`));
    await P.page.waitForSelector('#share-unpublish:not([hidden])');
    await P.page.click('#share-unpublish');
    await P.page.waitForSelector('#share-publish:not([hidden])');
    assert.match(await P.page.textContent('#share-state'), /Unpublished/);
    assert.equal((await fetch(url)).status, 410);
    assert.deepEqual(P.errors, []);
  });
});

describe('Publish and Unpublish in the reader toolbar', () => {
  let b;
  const fixtures = fixturePages();
  before(async () => {
    b = await openBrowser(fixtures.routes);
  });
  after(async () => {
    await b?.close();
  });

  // toolbar reads the reader's share buttons (in its closed shadow root,
  // through the driver, as the harness reads the reader) and clicks one by
  // its action id.
  const toolbar = (page, click) => inReader(page, function (click) {
    const buttons = [...this.querySelectorAll('button[data-action^="share-"]')];
    if (click) this.querySelector(`button[data-action="${click}"]`).click();
    return Object.fromEntries(buttons.map((x) => [x.dataset.action, { shown: !x.hidden, label: x.textContent, title: x.title }]));
  }, click ?? null);

  test('sync off: Publish says so; sync on: Publish, then Copy link and Unpublish', async () => {
    const c = fixtures.cases.threeCells;
    let page = await openPage(b, c.url);
    await pressAction(b, page);
    await waitForReader(page);
    const off = await until(async () => {
      const t = await toolbar(page);
      return /sync off/.test(t['share-publish']?.label) && t;
    }, { what: 'the Publish button to say sync is off' });
    assert.equal(off['share-unpublish'].shown, false);
    assert.equal(off['share-copy'].shown, false);

    // Turn sync on (the options page of this browser's extension).
    const opts = await b.context.newPage();
    await opts.goto(b.extensionURL('pages/options/options.html'));
    await opts.fill('#server', srv.origin);
    await opts.click('#enable');
    await opts.waitForSelector('#on:not([hidden])');
    await opts.close();

    await page.close();
    page = await openPage(b, c.url);
    await pressAction(b, page);
    await waitForReader(page);
    await until(async () => (await toolbar(page))['share-publish']?.label === 'Publish', { what: 'Publish with sync on' });
    await toolbar(page, 'share-publish');
    const on = await until(async () => {
      const t = await toolbar(page);
      return t['share-unpublish'].shown && t;
    }, { what: 'Unpublish to show after publishing' });
    assert.equal(on['share-publish'].shown, false);
    assert.equal(on['share-copy'].shown, true);
    const url = on['share-copy'].title.replace(/^Copy /, '');
    assert.match(url, new RegExp(`^${srv.origin}/t/[A-Za-z0-9_-]{22}$`));
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /tehprom269887/);

    await toolbar(page, 'share-unpublish');
    await until(async () => (await toolbar(page))['share-publish'].shown, { what: 'Publish to show again' });
    assert.equal((await fetch(url)).status, 410);
    assert.deepEqual(b.errors, []);
    await page.close();
  });
});
