// The README's picture of the reader: the unpacked extension in Debian's
// Chromium unrolling a real thread — @XDevelopers' 4-post thread, the
// TweetDetail answer recorded by twscrape (MIT; the extraction golden
// shared/extract/testdata/x-graphql/twscrape-raw_tweet_details) — served as
// https://x.com by the test pages' X client (pages/x-app.js), through the
// real toolbar button, as the browser tests do. Pictures are the test
// server's generated placeholders (nothing leaves the machine).
//
//   ./build.sh build && node extension/test/readme-screenshot.mjs [out.png [WxH]]
//
// Writes docs/reader.png (1280x860) unless told otherwise; fails, writing
// nothing, if the reader does not show exactly the golden's posts. The store
// listings' pictures are the same at 1280x800 (the size the Chrome Web Store
// takes, and AMO's ratio), one per browser (BROWSER=firefox for Firefox's):
//   node extension/test/readme-screenshot.mjs docs/store/firefox-reader.png 1280x800
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';
import { X_CLIENT, escapeHTML, madeCell } from './pages.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const golden = path.join(root, 'shared/extract/testdata/x-graphql/twscrape-raw_tweet_details');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/reader.png'));
const [width, height] = (process.argv[3] ?? '1280x860').split('x').map(Number);

const url = new URL(fs.readFileSync(path.join(golden, 'url.txt'), 'utf8').trim());
const recorded = fs.readFileSync(path.join(golden, 'source.json'), 'utf8');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'expected.json'), 'utf8'));

// The page draws a cell for each of the author's posts, as X's client
// draws them from the same JSON (replies by others get none: the reader
// leaves them out either way).
const cells = Object.fromEntries(expected.posts.map((p) => [p.id, {
  height: 260,
  html: madeCell({
    id: p.id,
    handle: expected.author.handle,
    name: expected.author.name,
    text: (p.content ?? []).map((r) => r.text ?? '').join(''),
    createdAt: p.createdAt,
    focal: p.id === expected.focalId,
  }),
}]));
const app = { ...X_CLIENT, operation: 'TweetDetail', focalId: expected.focalId, cells, gapHTML: '', gapHeight: 0, tail: [] };

const routes = [
  ['* /assets/x-app.js', { body: fs.readFileSync(path.join(here, 'pages/x-app.js')), type: 'text/javascript' }],
  [`x.com ${url.pathname}`, {
    body: `<!doctype html><html lang="en" data-app="/readme/app.json"><head><meta charset="utf-8">` +
      `<title>${escapeHTML(expected.author.name)} on X</title><script src="/assets/x-app.js" defer></script></head>` +
      '<body><div id="react-root"><main role="main"><div data-testid="primaryColumn">' +
      '<section role="region" aria-label="Timeline: Conversation"><div id="list"></div></section></div></main></div></body></html>',
    headers: { 'set-cookie': `ct0=${X_CLIENT.ct0}; Path=/; Secure; SameSite=Lax` },
  }],
  ['x.com /readme/app.json', { body: JSON.stringify(app), type: 'application/json' }],
  // The recorded answer, whatever the variables: it holds the whole chain,
  // so the extension has no cursor to follow.
  [`x.com /i/api/graphql/${X_CLIENT.queryId}/TweetDetail`, { body: recorded, type: 'application/json' }],
];

const b = await openBrowser(routes);
try {
  const page = await openPage(b, url.href);
  await page.setViewportSize({ width, height });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await pressAction(b, page);
  const r = await waitForReader(page);
  assert.deepEqual(r.posts.map((p) => p.id), expected.posts.map((p) => p.id), 'the reader shows the golden\'s posts');
  assert.deepEqual(r.notices, [], 'the thread is complete');
  assert.deepEqual(b.errors, [], 'console errors in the page or the service worker');
  await page.screenshot({ path: out });
  console.log(`${path.relative(process.cwd(), out)}: the reader on ${url.href} (${r.posts.length} posts)`);
} finally {
  await b.close();
}
