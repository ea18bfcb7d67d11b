// The extension on Bluesky, Mastodon and Threads pages, in Debian's
// Chromium or Firefox (BROWSER) with the unpacked extension and the real
// toolbar button. Pages and API answers are served from
// 127.0.0.1 and built at test time from the extraction goldens
// (shared/extract/testdata/<source>/<case>/: source, url.txt, expected.json);
// what the reader shows is compared with those goldens.
//
//   Bluesky   https://bsky.app/profile/…/post/… and https://public.api.bsky.app
//             mapped to the local server (host mapping or proxy, a
//             throw-away certificate), so the one shipped request (the
//             background's, for the collector) is the one tested, while the
//             page's connect-src is 'self'.
//   Mastodon  a web UI shell on http://127.0.0.1:<port>/@halcy/<id> and its
//             /api/v1/statuses/<id>(/context) — any instance, found by content.
//   Threads   the page with its data blocks on http://127.0.0.1:<port>/@…/post/….
//   and every HTML golden of the page-read sources (Nitter, legacy
//   twitter.com, Thread Reader App, the DOM fallbacks): read through the
//   extension's page trimming, they must extract exactly as the golden says.
//
// Screenshots go to $UNSPOOL_SHOTS (default: a temp folder, printed).
// Browsers: chromium, firefox
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertGolden, golden } from './goldens.mjs';
import { inShadow, openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';

const shots = process.env.UNSPOOL_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'unspool-shots-'));

// The pages' own script: marks the page ready for openPage (a real app's
// bundle would be here). External, as script-src 'self' allows no inline.
const READY = ['* /assets/ready.js', { body: "document.documentElement.dataset.ready = 'true';", type: 'text/javascript' }];
const withReady = (html) => html.replace(/<\/body>/i, '<script src="/assets/ready.js"></script></body>');
// noScripts leaves out a saved page's executable scripts (JSON data blocks stay).
const noScripts = (html) => html.replace(/<script\b(?![^>]*type="application\/json")[^>]*>[\s\S]*?<\/script>/gi, '');

// A platform's kind of policy: no inline script, data only from the page's
// own origin, pictures from its CDN only.
const csp = (imgHosts, { inlineScript = false } = {}) => [
  "default-src 'self'",
  `script-src 'self'${inlineScript ? " 'unsafe-inline'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: ${imgHosts.map((h) => `https://${h}`).join(' ')}`,
  `media-src 'self' ${imgHosts.map((h) => `https://${h}`).join(' ')}`,
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
].join('; ');

// CDN hosts the goldens' pictures live on, answered with generated pictures.
const BSKY_CDN = ['cdn.bsky.app', 'av-cdn.bsky.app'];
const MASTODON_CDN = ['files.mastodon.social', 'cdn.mastodon.example'];
const THREADS_CDN = ['scontent-lhr8-1.cdninstagram.com', 'external-lhr8-1.xx.fbcdn.net'];

// ------------------------------------------------------------------ Bluesky

const bskyAPI = golden('bluesky/made-selfthread-6-midthread');
const bskyDOM = golden('bluesky/made-page-dom-selfthread-6');
assert.equal(bskyAPI.url.href, bskyDOM.url.href, 'the Bluesky API and DOM goldens are the same post');
const bsky = {
  url: bskyAPI.url.href,
  apiFails: false, // set by the fallback test
  apiRequests: [],
};
const bskyRoutes = [
  // The rendered thread view (what bsky.app's app draws), with a session
  // cookie for bsky.app and its subdomains: the API request must not carry it.
  [`bsky.app ${bskyAPI.url.pathname}`, {
    body: withReady(bskyDOM.source),
    csp: csp(BSKY_CDN),
    headers: { 'set-cookie': 'session=page-secret; Domain=bsky.app; Path=/; Secure; SameSite=None' },
  }],
  ['public.api.bsky.app /xrpc/app.bsky.feed.getPostThread', {
    status: () => (bsky.apiFails ? 503 : 200),
    body: (url, req) => {
      bsky.apiRequests.push({ search: Object.fromEntries(url.searchParams), cookie: req.headers.cookie ?? null, origin: req.headers.origin ?? null });
      return bsky.apiFails ? '{"error":"InternalServerError"}' : bskyAPI.source;
    },
    type: 'application/json',
    csp: null,
    // As the AppView answers: any origin may read it.
    headers: { 'access-control-allow-origin': '*' },
  }],
];

// ----------------------------------------------------------------- Mastodon

const mastoThread = golden('mastodon/made-selfthread-5-midthread');
const mastoHostile = golden('mastodon/made-hostile-content');
const mastoDOM = golden('mastodon/made-dom-ancestors-cw-media');
const mastoRequests = [];

// The web UI's server-rendered shell, as every instance sends it: a mount
// point and the app's initial state, no post text at all (the app fetches
// the posts from the API). Made by us in the shape of Mastodon 4.x.
const mastodonShell = (title) => withReady(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${title} - Mastodon</title><meta content="Mastodon" property="og:site_name">
<script id="initial-state" type="application/json">{"meta":{"domain":"127.0.0.1","version":"4.4.0","locale":"en"}}</script>
</head><body class="app-body theme-default"><div class="app-holder" id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}">
<noscript><p>To use the Mastodon web application, please enable JavaScript.</p></noscript></div></body></html>`);

// apiRoutes serves GET /api/v1/statuses/<id> and /context for one bundle.
function apiRoutes({ status, context }, { refuse = false } = {}) {
  const answer = (what) => ({
    status: refuse ? 401 : 200,
    body: (url, req) => {
      mastoRequests.push({ path: url.pathname, cookie: req.headers.cookie ?? null });
      return refuse ? '{"error":"This API requires an authenticated user"}' : JSON.stringify(what);
    },
    type: 'application/json; charset=utf-8',
    csp: null,
  });
  return [
    [`127.0.0.1 /api/v1/statuses/${status.id}`, answer(status)],
    [`127.0.0.1 /api/v1/statuses/${status.id}/context`, answer(context)],
  ];
}

const threadBundle = JSON.parse(mastoThread.source);
const hostileStatus = JSON.parse(mastoHostile.source);
const mastoRoutes = [
  [`127.0.0.1 ${mastoThread.url.pathname}`, {
    body: mastodonShell('autumnal halcy'),
    csp: csp(MASTODON_CDN),
    headers: { 'set-cookie': '_mastodon_session=page-secret; Path=/; SameSite=Lax' },
  }],
  ...apiRoutes(threadBundle),
  // The hostile status's page allows inline script, as a careless instance
  // might: anything the reader let through would run.
  [`127.0.0.1 ${mastoHostile.url.pathname}`, { body: mastodonShell('hostile'), csp: csp(MASTODON_CDN, { inlineScript: true }) }],
  ...apiRoutes({ status: hostileStatus, context: { ancestors: [], descendants: [] } }),
  // An instance in "secure mode" (the API wants a login): the rendered
  // web UI is read instead. The case's inline hostile <script> is left out
  // of the served page (the strict policy would refuse it, loudly, and
  // trimPage drops it anyway; the golden shows it never reaches a post).
  [`127.0.0.1 ${mastoDOM.url.pathname}`, { body: withReady(noScripts(mastoDOM.source)), csp: csp(MASTODON_CDN) }],
  ...apiRoutes({ status: { id: mastoDOM.url.pathname.split('/').pop() }, context: {} }, { refuse: true }),
];

// ------------------------------------------------------------------ Threads

const threadsJSON = golden('threads/made-selfthread-5-json');
const threadsRoutes = [[`127.0.0.1 ${threadsJSON.url.pathname}`, { body: withReady(threadsJSON.source), csp: csp(THREADS_CDN) }]];

// ---------------------------------------------- every page-read HTML golden

// Saved pages of the sources read from their HTML, each at its own address
// (mapped to the local server), as the extension meets them: their links
// name their own host (Nitter's hashtag searches, Threads' profile links),
// and an extractor tells the site's own links from others by the page's
// host. The Bluesky page is on 127.0.0.1 (bsky.app's path is taken by the
// API test; its extractor needs no host). Executable scripts are left out:
// trimPage drops them before extraction anyway, and offline they would only
// fail to load.
const SWEEP = [
  ['bluesky/made-page-dom-selfthread-6', 'local'],
  ['mastodon/defuddle-mastodon-alice-thread'],
  ['nitter/postlight-nitter-aktionunterholz'],
  ['twitter-legacy/postlight-kingbeyoncestan-conversation'],
  ['threadreaderapp/made-tra-page-5'],
  ['threads/made-selfthread-5-dom-only'],
].map(([dir, where]) => {
  const c = golden(dir);
  return { ...c, host: where === 'local' ? '127.0.0.1' : c.url.hostname };
});
const SWEEP_HOSTS = [...new Set(SWEEP.map((c) => c.host))].filter((h) => !['127.0.0.1', 'twitter.com', 'x.com'].includes(h));
const sweepRoutes = SWEEP.map((c) => [`${c.host} ${c.url.pathname}`, { body: withReady(noScripts(c.source)), csp: csp([]) }]);

// ------------------------------------------------------------------ helpers

let b;
before(async () => {
  b = await openBrowser([READY, ...bskyRoutes, ...mastoRoutes, ...threadsRoutes, ...sweepRoutes], {
    hosts: ['bsky.app', 'public.api.bsky.app', ...SWEEP_HOSTS],
    mediaHosts: [...BSKY_CDN, ...MASTODON_CDN, ...THREADS_CDN],
    ports: [18600, 18699],
  });
  console.log(`screenshots: ${shots}`);
});
after(async () => {
  await b?.close();
});

const origin = (page) => new URL(page.url()).origin;

// lastThread is the Thread the extractor returned for the last unroll.
async function lastThread() {
  return JSON.parse(await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread()));
}

// assertShown: the reader shows exactly the golden's posts, in order, each
// with its text (the words of every text run; links are shown shortened)
// and its photos. Whitespace is not compared: a <br> adds none to the
// reader's text.
const squash = (s) => s.replace(/\s+/g, '');
function assertShown(r, c) {
  assert.deepEqual(r.posts.map((p) => p.id), c.expected.posts.map((p) => p.id), `${c.dir}: posts in the reader`);
  // Complete goldens get no "incomplete" notice (a single post gets its own).
  if (c.expected.complete && c.expected.posts.length > 1) assert.deepEqual(r.notices, [], `${c.dir}: notices`);
  c.expected.posts.forEach((want, i) => {
    const shown = r.posts[i];
    for (const run of want.content ?? []) {
      if (run.type !== 'text') continue;
      const words = squash(run.text);
      if (words) assert.ok(squash(shown.text).includes(words), `${c.dir} post ${want.id}: "${run.text}" not in "${shown.text}"`);
    }
    const photos = (want.media ?? []).filter((m) => m.type === 'photo').map((m) => m.url);
    for (const url of photos) assert.ok(shown.photos.includes(url), `${c.dir} post ${want.id}: photo ${url} not in ${shown.photos.join(' ')}`);
  });
}

function assertNoErrors() {
  assert.deepEqual(b.errors, [], 'console errors in pages or the service worker');
}

// unfoldReader opens every fold (<details>: content warnings) in the
// reader's closed shadow root, the way readReader reads it.
async function unfoldReader(page) {
  const r = await inShadow(page, ['unspool-ui', '.content'], function () {
    const folds = this.querySelectorAll('details');
    for (const d of folds) d.open = true;
    return folds.length;
  });
  return r?.value ?? 0;
}

async function unroll(url, shot) {
  const page = await openPage(b, url);
  await pressAction(b, page);
  const r = await waitForReader(page);
  if (shot) await page.screenshot({ path: path.join(shots, `${b.name}-${shot}`) });
  return { page, r };
}

// ------------------------------------------------------------------- tests

describe('Bluesky', () => {
  test('the thread comes from the public AppView, one request, no cookies', async () => {
    const { page, r } = await unroll(bsky.url, 'extension-platforms-bluesky.png');
    assertShown(r, bskyAPI);
    const thread = await lastThread();
    assert.equal(thread.source, 'bluesky-json');
    assertGolden(thread, bskyAPI, origin(page));
    assert.equal(bsky.apiRequests.length, 1, 'one getPostThread request');
    assert.deepEqual(bsky.apiRequests[0], {
      search: { uri: 'at://soubhikbarari.bsky.social/app.bsky.feed.post/3madeaaaa0003', depth: '1000', parentHeight: '1000' },
      cookie: null, // the page's session cookie stays home
      // Asked by the background (with its host permission the request names
      // no origin), not from the page: a content script's would carry
      // https://bsky.app, and Firefox would hold it to the page's connect-src.
      origin: null,
    });
    // The card's and the quoted post's media exist only in the API answer.
    assert.ok(r.posts[1].text.includes('Bluesky sees record signups'), 'the link card');
    assert.deepEqual(r.unsafe, []);
    assertNoErrors();
    await page.close();
  });

  test('when the AppView fails, the page itself is read', async () => {
    bsky.apiFails = true;
    const before = bsky.apiRequests.length;
    try {
      const { page, r } = await unroll(bsky.url);
      assert.equal(bsky.apiRequests.length, before + 1, 'the AppView was asked first');
      assertShown(r, bskyDOM);
      const thread = await lastThread();
      assert.equal(thread.source, 'bluesky-dom');
      assertGolden(thread, bskyDOM, origin(page));
      // The failed request's 503 is the browser's own console line for
      // the page; nothing else may be reported.
      const others = b.errors.filter((e) => !/public\.api\.bsky\.app|status of 503/.test(e));
      assert.deepEqual(others, []);
      b.errors.length = 0;
      await page.close();
    } finally {
      bsky.apiFails = false;
    }
  });
});

describe('Mastodon', () => {
  test('any instance: the status and its context from the page\'s own API, no cookies', async () => {
    const url = `http://127.0.0.1:${b.server.httpPort}${mastoThread.url.pathname}`;
    const { page, r } = await unroll(url, 'extension-platforms-mastodon.png');
    assertShown(r, mastoThread);
    const thread = await lastThread();
    assert.equal(thread.source, 'mastodon-api');
    assertGolden(thread, mastoThread, origin(page));
    const id = threadBundle.status.id;
    const asked = mastoRequests.filter((q) => q.path.startsWith(`/api/v1/statuses/${id}`));
    assert.deepEqual(asked.map((q) => q.path).sort(), [`/api/v1/statuses/${id}`, `/api/v1/statuses/${id}/context`]);
    assert.ok(asked.every((q) => q.cookie === null), 'the session cookie is not sent');
    // The same display name on another account is not the author.
    assert.equal(r.posts.length, 5);
    assertNoErrors();
    await page.close();
  });

  test('a hostile status runs nothing, even where the page allows inline script', async () => {
    const url = `http://127.0.0.1:${b.server.httpPort}${mastoHostile.url.pathname}`;
    const page = await openPage(b, url);
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    await pressAction(b, page);
    const r = await waitForReader(page);
    assertShown(r, mastoHostile);
    assertGolden(await lastThread(), mastoHostile, origin(page));
    assert.deepEqual(r.unsafe, []);
    // Unfold the content warning, as a reader would, so the post's body is
    // shown; then give any handler that slipped through a chance to fire.
    assert.ok(await unfoldReader(page) >= 1, 'the content warning is a fold');
    const shown = await waitForReader(page);
    // The warning's markup is shown as text; the body's elements were
    // dropped by the extractor (the golden), leaving its words.
    assert.ok(shown.text.includes(mastoHostile.expected.posts[0].contentWarning), 'the warning, as text');
    assert.ok(shown.posts[0].text.includes('hi click'), shown.posts[0].text);
    await page.mouse.move(400, 200);
    await page.mouse.move(420, 260);
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, [], 'nothing from the status ran');
    assert.ok(!b.server.log.some((l) => /javascript|alert/i.test(l)), 'no request from a hostile URL');
    await page.screenshot({ path: path.join(shots, 'extension-platforms-mastodon-hostile.png') });
    assertNoErrors();
    await page.close();
  });

  test('an instance whose API wants a login: the web UI is read instead', async () => {
    const url = `http://127.0.0.1:${b.server.httpPort}${mastoDOM.url.pathname}`;
    const { page, r } = await unroll(url);
    assertShown(r, mastoDOM);
    const thread = await lastThread();
    assert.equal(thread.source, 'mastodon-dom');
    assertGolden(thread, mastoDOM, origin(page));
    const others = b.errors.filter((e) => !/status of 401/.test(e));
    assert.deepEqual(others, [], 'only the refused API requests are reported');
    b.errors.length = 0;
    await page.close();
  });
});

describe('Threads', () => {
  test('the page\'s embedded data is read (its JSON blocks survive the trimming)', async () => {
    const url = `http://127.0.0.1:${b.server.httpPort}${threadsJSON.url.pathname}`;
    const page = await openPage(b, url);
    // The page's own <video src="blob:https://www.threads.com/…"> (Threads
    // plays video from blobs its app makes) cannot load here; that is the
    // page's, before any click. From the click on, nothing may be reported.
    await page.waitForTimeout(300);
    const own = b.errors.splice(0);
    assert.ok(own.every((e) => /Not allowed to load local resource: blob:https:\/\/www\.threads\.com\//.test(e)), own.join('\n'));
    await pressAction(b, page);
    const r = await waitForReader(page);
    await page.screenshot({ path: path.join(shots, 'extension-platforms-threads.png') });
    assertShown(r, threadsJSON);
    const thread = await lastThread();
    assert.equal(thread.source, 'threads-json');
    assertGolden(thread, threadsJSON, origin(page));
    assert.deepEqual(r.unsafe, []);
    assertNoErrors();
    await page.close();
  });
});

describe('pages read from their HTML, through the extension\'s trimming', () => {
  for (const c of SWEEP) {
    test(`${c.dir} extracts as its golden`, async () => {
      const url = c.host === '127.0.0.1' ? `http://127.0.0.1:${b.server.httpPort}${c.url.pathname}` : `https://${c.host}${c.url.pathname}`;
      const { page, r } = await unroll(url);
      assert.deepEqual(r.posts.map((p) => p.id), c.expected.posts.map((p) => p.id));
      const thread = await lastThread();
      assert.equal(thread.source, c.expected.source);
      assertGolden(thread, c, origin(page));
      // Saved pages miss some of their resources offline (and a Mastodon
      // page's API is absent here): the page's own console is not judged,
      // the extension's is.
      assert.deepEqual(b.errors.filter((e) => e.startsWith('service worker')), []);
      b.errors.length = 0;
      await page.close();
    });
  }
});
