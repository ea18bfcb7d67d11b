// Screenshots of the reader for the README, taken with Debian's Chromium:
// real threads (extraction goldens of real captures) and the made showcase,
// light and dark, narrow (390 px) and wide (1280 px), plus the print-to-PDF
// output turned into PNG pages (pdftoppm, from poppler-utils); PNGs are
// compressed with pngquant (apt-get install poppler-utils pngquant; emoji show
// as boxes unless fonts-noto-color-emoji is installed).
//
//   node docs/screenshots.mjs            writes docs/screenshots/*.png
//
// Offline: every image request is answered with a generated placeholder of
// the size the thread records, labelled as a placeholder, so the pictures
// show the layout without pretending to be the real photos.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../extension/test/browser.mjs';
import { loadUnspool, root } from '../wasm/test/load.mjs';

const out = path.join(root, 'docs/screenshots');
const cases = [
  { name: 'spacex-photos', file: 'shared/extract/testdata/x-graphql/fxembed-photo-spacex/expected.json' },
  { name: 'xdevelopers', file: 'shared/extract/testdata/x-graphql/twscrape-raw_tweet_details/expected.json' },
  { name: 'showcase', file: 'shared/render/testdata/made/x-search-rebuild/thread.json', full: true },
];

// sizes maps every media URL of a thread to its recorded size.
function sizes(thread) {
  const m = new Map();
  const add = (p) => {
    for (const x of p.media ?? []) {
      m.set(x.url, [x.width || 1200, x.height || 900]);
      if (x.poster) m.set(x.poster, [x.width || 1280, x.height || 720]);
    }
    if (p.card?.image) m.set(p.card.image, [600, 600]);
    if (p.quote) add(p.quote);
  };
  thread.posts.forEach(add);
  return m;
}

function placeholder(url, [w, h]) {
  let seed = 0;
  for (const c of url) seed = (seed * 31 + c.charCodeAt(0)) >>> 0;
  const hue = seed % 360;
  const label = w <= 128 ? '' : `<text x="50%" y="50%" font-family="sans-serif" font-size="${Math.round(Math.min(w, h) / 12)}" fill="#fff" fill-opacity=".85" text-anchor="middle" dominant-baseline="middle">placeholder ${w}×${h}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 45% 55%)"/><stop offset="1" stop-color="hsl(${(hue + 50) % 360} 50% 35%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>${label}</svg>`;
}

const unspool = await loadUnspool();
const pages = new Map();
let media = new Map();
const server = http.createServer((req, res) => {
  const body = pages.get(req.url);
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
});
await new Promise((r) => server.listen(18150, '127.0.0.1', r));
const { context } = await launch();
await context.route((u) => u.hostname !== '127.0.0.1', (r) => {
  const size = media.get(r.request().url()) ?? [96, 96]; // avatars
  r.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholder(r.request().url(), size) });
});

fs.mkdirSync(out, { recursive: true });
const written = [];
for (const c of cases) {
  const json = fs.readFileSync(path.join(root, c.file), 'utf8');
  media = sizes(JSON.parse(json));
  pages.set(`/${c.name}`, unspool.render(json, '{"standalone":true}'));
  const page = await context.newPage();
  for (const [label, width, height] of [['narrow', 390, 1400], ['wide', 1280, 1100]]) {
    for (const scheme of ['light', 'dark']) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme, media: 'screen' });
      await page.goto(`http://127.0.0.1:18150/${c.name}`, { waitUntil: 'networkidle' });
      // Lazy images below the fold: scroll through once so they load.
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) { window.scrollTo(0, y); await new Promise((r) => setTimeout(r, 30)); }
        window.scrollTo(0, 0);
      });
      await page.waitForLoadState('networkidle');
      const file = path.join(out, `${c.name}-${label}-${scheme}.png`);
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height } });
      written.push(file);
    }
  }
  if (c.full) {
    // The whole reader once, to show every kind of content.
    await page.setViewportSize({ width: 820, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light', media: 'screen' });
    await page.screenshot({ path: path.join(out, `${c.name}-full-light.png`), fullPage: true });
  }
  // Print to PDF as "Save as PDF" does, then the first pages as PNG.
  await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
  const pdf = path.join(os.tmpdir(), `unspool-${c.name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, path.join(out, `${c.name}-pdf`)]);
  fs.rmSync(pdf);
  await page.close();
}
await context.close();
server.close();
for (const f of fs.readdirSync(out).filter((f) => f.endsWith('.png'))) {
  // 256 colours are plenty for these flat UI pictures (pngquant: apt).
  execFileSync('pngquant', ['--force', '--skip-if-larger', '--strip', '--quality=60-90', '--ext', '.png', path.join(out, f)]);
}
console.log(fs.readdirSync(out).map((f) => `${f} ${(fs.statSync(path.join(out, f)).size / 1024).toFixed(0)} KB`).join('\n'));
