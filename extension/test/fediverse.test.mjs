// The extension on servers that speak Mastodon's client API behind other
// front ends, in Debian's Chromium and Firefox ESR with the real toolbar button: a Pleroma
// status page (https://pleroma.example.org/notice/<id>, mapped to the local
// server) and a GoToSocial one (http://127.0.0.1:<port>/@admin/statuses/<id>).
// Neither page has Mastodon's web UI markers; the server is known by its API
// answering for the status. The API answers are the recorded statuses of
// shared/extract/testdata/mastodon/{made-pleroma-docs-report-status,
// gotosocial-typeutils-status-image} (their .source.txt), and what the
// extension extracts must be their expected.json.
// Browsers: chromium, firefox
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden, golden } from './goldens.mjs';
import { openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';

const pleroma = golden('mastodon/made-pleroma-docs-report-status');
pleroma.status = JSON.parse(pleroma.source);
const gts = golden('mastodon/gotosocial-typeutils-status-image');
gts.status = JSON.parse(gts.source);
const asked = [];

// The pages' own script marks them ready for openPage; external, as the
// policies allow no inline script.
const READY = ['* /assets/ready.js', { body: "document.documentElement.dataset.ready = 'true';", type: 'text/javascript' }];
const csp = (imgSrc) => `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: ${imgSrc}; connect-src 'self'; object-src 'none'; base-uri 'none'`;

// A 1×1 PNG.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/1+3E5QAAAABJRU5ErkJggg==', 'base64');

// Front-end shells made by us in the shape each server sends: Pleroma-FE's
// empty mount point, GoToSocial's server-rendered status page. No
// div#mastodon, no initial-state block.
const pleromaShell = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pleroma</title>
<meta content="Pleroma" property="og:site_name"></head><body><noscript>To use Pleroma, please enable JavaScript.</noscript>
<div id="app"></div><script src="/assets/ready.js"></script></body></html>`;
const gtsShell = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Post by @admin - GoToSocial</title>
<meta name="generator" content="GoToSocial"></head><body><div class="page"><main><section class="thread">
<article class="status expanded"><div class="text"><div class="content">hello world! #welcome ! first post on the instance :rainbow: !</div></div></article>
</section></main></div><script src="/assets/ready.js"></script></body></html>`;

// apiRoutes answers GET /api/v1/statuses/<id> and /context on one host with
// the recorded status (the context is empty: a post with no replies).
function apiRoutes(host, status) {
  const answer = (what) => ({
    body: (url, req) => {
      asked.push({ host, path: url.pathname, cookie: req.headers.cookie ?? null });
      return JSON.stringify(what);
    },
    type: 'application/json; charset=utf-8',
    csp: null,
  });
  return [
    [`${host} /api/v1/statuses/${status.id}`, answer(status)],
    [`${host} /api/v1/statuses/${status.id}/context`, answer({ ancestors: [], descendants: [] })],
  ];
}

let b;
before(async () => {
  b = await openBrowser([
    READY,
    [`pleroma.example.org ${pleroma.url.pathname}`, {
      body: pleromaShell,
      csp: csp("'self'"),
      headers: { 'set-cookie': '__Host-pleroma_key=page-secret; Path=/; Secure; SameSite=Lax' },
    }],
    ...apiRoutes('pleroma.example.org', pleroma.status),
    // The recorded account's avatar, on the server itself.
    ['pleroma.example.org /images/avi.png', { body: PIXEL, type: 'image/png', csp: null }],
    [`127.0.0.1 ${gts.url.pathname}`, { body: gtsShell, csp: csp(gts.url.origin) }],
    ...apiRoutes('127.0.0.1', gts.status),
  ], { hosts: ['pleroma.example.org'], ports: [18700, 18749] });
});
after(async () => {
  await b?.close();
});

async function unroll(url) {
  const page = await openPage(b, url);
  await pressAction(b, page);
  const r = await waitForReader(page);
  const thread = JSON.parse(await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread()));
  return { page, r, thread };
}

describe('Mastodon-API servers with other front ends', () => {
  test('Pleroma: /notice/<flake id> unrolls from the server\'s API, no cookies', async () => {
    const { page, r, thread } = await unroll(pleroma.url.href);
    assert.equal(thread.source, 'mastodon-api');
    assertGolden(thread, pleroma, pleroma.url.origin);
    assert.deepEqual(r.posts.map((p) => p.id), [pleroma.status.id]);
    assert.ok(r.posts[0].text.includes('click on my link'), r.posts[0].text);
    const mine = asked.filter((q) => q.host === 'pleroma.example.org');
    assert.deepEqual(mine.map((q) => q.path).sort(), [`/api/v1/statuses/${pleroma.status.id}`, `/api/v1/statuses/${pleroma.status.id}/context`]);
    assert.ok(mine.every((q) => q.cookie === null), 'the session cookie is not sent');
    assert.deepEqual(b.errors, []);
    await page.close();
  });

  test('GoToSocial: /@user/statuses/<ULID> unrolls from the server\'s API', async () => {
    const url = `http://127.0.0.1:${b.server.httpPort}${gts.url.pathname}`;
    const { page, r, thread } = await unroll(url);
    assert.equal(thread.source, 'mastodon-api');
    assertGolden(thread, gts, new URL(url).origin);
    assert.deepEqual(r.posts.map((p) => p.id), [gts.status.id]);
    assert.ok(r.posts[0].text.includes('first post on the instance'), r.posts[0].text);
    // The recorded status's files live on the test suite's GoToSocial
    // (localhost:8080), which is not served here: only those loads may fail.
    assert.deepEqual(b.errors.filter((e) => !/Failed to load resource/.test(e)), []);
    b.errors.length = 0;
    await page.close();
  });
});
