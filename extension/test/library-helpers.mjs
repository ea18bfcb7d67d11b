// What the library tests share: a browser profile (Chromium or Firefox) with
// the extension loaded and its pages driven directly, and the native sync
// server (built from ./server, on 127.0.0.1, a port from 18400–18499, a fresh
// data directory).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { browserName } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// openProfile starts a browser (BROWSER, or `browser`) with the extension on
// profileDir (a fresh one when omitted) and opens one extension page to
// drive it from.
// consent: a Firefox profile starts with the consent to send data given
// (a user who allowed it when turning sync on; data-consent.js); false for
// a profile that has not been asked yet.
// args: more Chromium flags (a test's host mapping to its page server);
// routes, serverOptions: what Firefox's own page server answers instead
// (driver-firefox.mjs maps hosts through it).
export async function openProfile(profileDir, { colorScheme, browser = browserName, consent = true, args = [], routes = [], serverOptions } = {}) {
  if (browser === 'firefox' && colorScheme) throw new Error('openProfile: the Firefox driver cannot set the colour scheme yet');
  const profile = browser === 'firefox' ? await firefoxProfile(profileDir, routes, serverOptions) : await chromiumProfile(profileDir, colorScheme, args);
  if (consent) await profile.driver?.allowDataCollection();
  const { page } = profile;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(profile.url('pages/options/options.html'));
  // send is what the reader's Save button and the options page do: a runtime
  // message to the background router.
  const send = async (type, payload = {}) => {
    const res = await page.evaluate((m) => chrome.runtime.sendMessage(m), { type, ...payload });
    if (!res?.ok) throw new Error(`${type}: ${res?.error ?? 'no answer'}`);
    return res.value;
  };
  return { browser, send, errors, ...profile };
}

async function chromiumProfile(profileDir, colorScheme, args) {
  const { context, userDataDir } = await launch({ extension: true, profileDir, colorScheme, args });
  let [sw] = context.serviceWorkers();
  sw ??= await context.waitForEvent('serviceworker', { timeout: 15_000 });
  const id = new URL(sw.url()).host;
  const page = await context.newPage();
  return {
    context, id, page, url: (p) => `chrome-extension://${id}/${p}`,
    profileDir: userDataDir, close: () => context.close(),
    // The clipboard as the extension's pages see it (CDP grants no
    // permission to a chrome-extension:// origin by name: to every origin).
    readClipboard: async () => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      return page.evaluate(() => navigator.clipboard.readText());
    },
  };
}

// Firefox through the test driver (its page server is not used here).
async function firefoxProfile(profileDir, routes, serverOptions) {
  const { openFirefox } = await import('./driver-firefox.mjs');
  const dir = profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-profile-'));
  const b = await openFirefox(routes, serverOptions, { profileDir: dir });
  return {
    context: b.context, id: b.extensionId, page: await b.newPage(), url: b.extensionURL, driver: b,
    profileDir: dir, close: () => b.close(), readClipboard: () => b.readClipboard(),
  };
}

// libraryState reads what a person would call "the library": every live
// thread with its posts, tags and note, sorted by key.
export async function libraryState(p) {
  return p.page.evaluate(async () => {
    const { all } = await import('/shared/library-store.js');
    return (await all()).filter((r) => !r.deleted && r.thread).map((r) => ({
      key: r.key, posts: r.thread.posts.map((x) => x.id), text: r.thread.posts.map((x) => x.text).join('\n'),
      tags: r.tags, note: r.note ?? '', keepCurrent: r.keepCurrent ?? null,
    })).sort((a, b) => (a.key < b.key ? -1 : 1));
  });
}

export async function pending(p) {
  return p.page.evaluate(async () => {
    const { db, req } = await import('/shared/db.js');
    const d = await db();
    return (await req(d.transaction('outbox').objectStore('outbox').getAll())).length;
  });
}

// serverRecords is every record the sync server holds for p's library
// (tombstones included), read with p's own credentials.
export async function serverRecords(p, origin) {
  const cfg = await p.page.evaluate(async () => (await import('/shared/db.js')).getMeta('sync'));
  const all = [];
  for (let cursor = '', more = true; more;) {
    const r = await fetch(`${origin}/v1/libraries/${cfg.libraryId}/changes?since=${cursor}`, { headers: { Authorization: `Bearer ${cfg.authKey}` } });
    const page = await r.json();
    all.push(...page.changes);
    ({ cursor, more } = page);
  }
  return all;
}

function freePort(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

let built;
function serverBinary() {
  if (built) return built;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-server-')), 'unspool-server');
  execFileSync('go', ['build', '-o', out, './server'], { cwd: root, stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  built = out;
  return out;
}

// startServer runs the native sync server; stop() and start() again keep
// its data directory (a server that goes away and comes back).
// env adds to the server's environment (a setting a test needs, such as
// UNSPOOL_CREATE_TOKEN).
export async function startServer({ env = {} } = {}) {
  const bin = serverBinary();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-data-'));
  let port;
  for (let p = 18400 + Math.floor(Math.random() * 100), i = 0; i < 100; i++, p = 18400 + ((p - 18400 + 1) % 100)) {
    if (await freePort(p)) { port = p; break; }
  }
  if (!port) throw new Error('no free port in 18400–18499');
  const origin = `http://127.0.0.1:${port}`;
  let proc = null;
  const srv = {
    origin,
    log: '',
    async start() {
      // Rate limiting off: two devices syncing on every step of a test make
      // more requests a minute than a person would; the limit has its own
      // tests in the server's suite.
      proc = spawn(bin, ['-addr', `127.0.0.1:${port}`, '-data', dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, UNSPOOL_RATE_LIMIT: '0', ...env },
      });
      proc.stdout.on('data', (d) => { srv.log += d; });
      proc.stderr.on('data', (d) => { srv.log += d; });
      for (let i = 0; i < 100; i++) {
        try { await fetch(`${origin}/v1/nothing`); return; } catch { await new Promise((r) => setTimeout(r, 100)); }
        if (proc.exitCode !== null) break;
      }
      throw new Error(`the sync server did not start:\n${srv.log}`);
    },
    // stop ends the server as an operator would; kill as a crash or an
    // out-of-memory killer does (SIGKILL: no shutdown, a request cut off).
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
  async function end(signal) {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }
  await srv.start();
  return srv;
}

// until polls fn until it returns a truthy value (or throws after ms).
export async function until(fn, { ms = 20_000, every = 250, what = 'condition' } = {}) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last?.message ?? JSON.stringify(last)})`);
}
