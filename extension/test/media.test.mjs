// Media in the reader, in Debian's Chromium and Firefox ESR with the
// unpacked extension and the real toolbar button, on pages made here and served from 127.0.0.1
// under their real-looking names (--host-resolver-rules):
//   - a Mastodon thread (https://social.example) with four photos, a video, a
//     GIF (gifv) and an audio clip, the files on media.social.example: nothing
//     but posters loads before a press; play fetches the file and reaches
//     `playing`; the GIF loops only while in view; the full-size view opens,
//     moves and closes with the keyboard; then the same page under a policy
//     that forbids the media host: posters and links with a notice, no
//     request to the host, no console error (and GIFs wait under reduced
//     motion);
//   - a Bluesky thread (bsky.app, the AppView mapped here) with four photos
//     and a video that is an HLS playlist served here: nothing from the video
//     host and no player library before a press; then the clip plays
//     (Bluesky has no GIF or audio of its own); under a connect-src refusing
//     the video host, Firefox (which holds content scripts' requests to it)
//     shows the poster and notice and Chromium plays it; under a media-src
//     and connect-src refusing it, both show the poster and notice, load no
//     player library, request nothing, and no CSP violation reaches the page;
//     a master playlist naming its rendition on a host connect-src leaves
//     out stops there in Firefox (notice naming that host), plays in Chromium;
//   - an X thread under https://x.com (its TweetDetail JSON names the files)
//     with four photos, a video and a GIF: nothing from video.twimg.com
//     before a press; the video plays, the GIF loops in view (X has no audio);
//   - the thread's share page on the native server plays the video under
//     its CSP (no script);
//   - the thread saved in the library: "Keep media offline" stores its
//     files (only then), the library counts them, and offline the library's
//     reader shows the pictures and plays the video from the stored copies.
// Browsers: chromium, firefox
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inReaderContent, inShadow, onlyIn, openBrowser, pressAction, readReader, waitForReader } from './harness.mjs';
import { startServer as startSyncServer, until } from './library-helpers.mjs';
import { xAppPage } from './pages.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Tiny real clips (made once with ffmpeg: H.264 + AAC, MP3, MPEG-TS), so the
// browser decodes and plays them: media/README.md.
const clip = (name) => fs.readFileSync(path.join(here, 'media', name));

// The pages' own script: ready, and every CSP refusal in the page recorded
// (Firefox reports them neither to the console nor over BiDi; a content
// script's refused request is reported to the page's document too).
const READY = ['* /assets/ready.js', {
  body: `document.documentElement.dataset.ready = 'true';
document.addEventListener('securitypolicyviolation', (e) => {
  const d = document.documentElement.dataset;
  d.violations = (d.violations ? d.violations + '\\n' : '') + e.effectiveDirective + ' ' + e.blockedURI;
});`,
  type: 'text/javascript',
}];
const violations = (page) => page.evaluate(() => document.documentElement.dataset.violations?.split('\n') ?? []);
const withReady = (html) => html.replace(/<\/body>/i, '<script src="/assets/ready.js"></script></body>');

// A file route: the clip with its type, no page policy, readable from any
// origin (HLS is fetched by script).
const file = (name, type) => ({ body: clip(name), type, csp: null, headers: { 'access-control-allow-origin': '*' } });

// ----------------------------------------------------------------- Mastodon

const INSTANCE = 'social.example';
const MEDIA_HOST = 'media.social.example'; // the files
const FILES_HOST = 'files.social.example'; // posters and photos (generated pictures)
const account = {
  id: '7', username: 'tape', acct: 'tape', display_name: 'Tape Deck Notes', locked: false, bot: false,
  url: `https://${INSTANCE}/@tape`, avatar: `https://${FILES_HOST}/avatars/tape.png`, note: '',
};
const ids = ['113000000000000001', '113000000000000002', '113000000000000003', '113000000000000004'];
const status = (i, text, media) => ({
  id: ids[i], created_at: `2025-02-0${i + 1}T10:00:00.000Z`, in_reply_to_id: i ? ids[i - 1] : null, in_reply_to_account_id: i ? '7' : null,
  sensitive: false, spoiler_text: '', visibility: 'public', language: 'en',
  uri: `https://${INSTANCE}/users/tape/statuses/${ids[i]}`, url: `https://${INSTANCE}/@tape/${ids[i]}`,
  content: `<p>${text}</p>`, reblog: null, account, media_attachments: media, mentions: [], tags: [], emojis: [], card: null, poll: null,
});
const att = (id, type, url, preview, description, meta = {}) => ({ id, type, url, preview_url: preview, remote_url: null, description, meta });
const photo = (n, alt) => att(`p${n}`, 'image', `https://${FILES_HOST}/photos/${n}.png`, `https://${FILES_HOST}/photos/${n}-small.png`, alt,
  { original: { width: 640, height: 400 } });
const ALTS = ['The deck with its cover off', 'A worn pinch roller', null, null];
const mastoStatuses = [
  status(0, 'Restoring a reel-to-reel deck. Four photos first.', ALTS.map((alt, i) => photo(i + 1, alt))),
  status(1, 'The reels turning again.', [att('v', 'video', `https://${MEDIA_HOST}/files/reels.mp4`, `https://${FILES_HOST}/thumbs/reels.png`,
    'The reels turning', { original: { width: 160, height: 90, duration: 3 } })]),
  status(2, 'The counter, looping.', [att('g', 'gifv', `https://${MEDIA_HOST}/files/counter.mp4`, `https://${FILES_HOST}/thumbs/counter.png`,
    null, { original: { width: 120, height: 80, duration: 1 } })]),
  status(3, 'And how it sounds.', [att('a', 'audio', `https://${MEDIA_HOST}/files/tone.mp3`, null, 'A steady tone', { original: { duration: 2 } })]),
];
const MASTO_URL = `https://${INSTANCE}/@tape/${ids[0]}`;
const mastodonShell = withReady(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Tape Deck Notes - Mastodon</title>
<script id="initial-state" type="application/json">{"meta":{"domain":"${INSTANCE}","version":"4.4.0","locale":"en"}}</script>
</head><body class="app-body"><div class="app-holder" id="mastodon" data-props="{}"></div></body></html>`);

// The instance's kind of policy: pictures from its file host, media from its
// media host; `forbidMedia` leaves the media host out (the fallback case).
const mastoPolicy = ({ forbidMedia = false } = {}) => [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: https://${FILES_HOST}`,
  `media-src 'self' https://${FILES_HOST}${forbidMedia ? '' : ` https://${MEDIA_HOST}`}`,
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-src 'none'",
].join('; ');
const mastoPage = { body: mastodonShell, csp: mastoPolicy() };
const json = (body) => ({ body: JSON.stringify(body), type: 'application/json; charset=utf-8', csp: null });
const mastoRoutes = [
  [`${INSTANCE} /@tape/${ids[0]}`, mastoPage],
  [`${INSTANCE} /api/v1/statuses/${ids[0]}`, json(mastoStatuses[0])],
  [`${INSTANCE} /api/v1/statuses/${ids[0]}/context`, json({ ancestors: [], descendants: mastoStatuses.slice(1) })],
  [`${MEDIA_HOST} /files/reels.mp4`, file('video.mp4', 'video/mp4')],
  [`${MEDIA_HOST} /files/counter.mp4`, file('gif.mp4', 'video/mp4')],
  [`${MEDIA_HOST} /files/tone.mp3`, file('audio.mp3', 'audio/mpeg')],
];

// ------------------------------------------------------------------ Bluesky

const bskyCase = path.resolve(here, '../../shared/extract/testdata/bluesky/made-selfthread-6-midthread');
const BSKY_URL = new URL(fs.readFileSync(path.join(bskyCase, 'url.txt'), 'utf8').trim());
const VIDEO_HOST = 'video.bsky.app';
const PLAYLIST = `https://${VIDEO_HOST}/watch/did%3Aplc%3Amade/bafymadevideo/playlist.m3u8`;
const bskyThread = (() => {
  const t = JSON.parse(fs.readFileSync(path.join(bskyCase, 'source.json'), 'utf8'));
  // The focal post carries a video, as the AppView gives it.
  t.thread.post.embed = {
    $type: 'app.bsky.embed.video#view', cid: 'bafymadevideo', playlist: PLAYLIST,
    thumbnail: 'https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:made/bafymadevideo@jpeg', alt: 'A test card', aspectRatio: { width: 160, height: 90 },
  };
  // The post before it carries four photos (instead of its link card).
  t.thread.parent.post.embed = {
    $type: 'app.bsky.embed.images#view',
    images: [1, 2, 3, 4].map((n) => ({
      thumb: `https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:made/bafymadephoto${n}@jpeg`,
      fullsize: `https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:made/bafymadephoto${n}@jpeg`, alt: `photo ${n} of 4`, aspectRatio: { width: 640, height: 400 },
    })),
  };
  return JSON.stringify(t);
})();
// Bluesky's layout: a master playlist naming one rendition, its segments.
const masterNaming = (rendition) => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=160x90,CODECS="avc1.42c00c"\n${rendition}\n`;
const MASTER = masterNaming('360p/video.m3u8');
// A master playlist may name its renditions on another host.
const OTHER_VIDEO_HOST = 'video.cdn.bsky.app';
const MASTER_ELSEWHERE = masterNaming(`https://${OTHER_VIDEO_HOST}/360p/video.m3u8`);
const RENDITION = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4.0,\nvideo0.ts\n#EXT-X-ENDLIST\n';
const bskyPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bluesky</title></head>
<body><div id="root"><p>Bluesky's app would draw the thread here.</p></div></body></html>`;
// Bluesky's kind of policy: media from the video host or as blob: (how a
// player library feeds the element), its playlists and segments fetched by
// script (connect-src) — a page playing HLS itself allows both; the tests
// take either away.
const bskyPolicy = ({ media = "'self' blob: https://video.bsky.app", connect = "'self' https://video.bsky.app" } = {}) =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https://cdn.bsky.app https://av-cdn.bsky.app; media-src ${media}; connect-src ${connect}; object-src 'none'`;
const bskyPageRoute = { body: withReady(bskyPage), csp: bskyPolicy() };
const bskyMasterRoute = { body: MASTER, type: 'application/vnd.apple.mpegurl', csp: null, headers: { 'access-control-allow-origin': '*', 'cache-control': 'no-store' } };
const bskyRoutes = [
  [`bsky.app ${BSKY_URL.pathname}`, bskyPageRoute],
  ['public.api.bsky.app /xrpc/app.bsky.feed.getPostThread', { body: bskyThread, type: 'application/json', csp: null, headers: { 'access-control-allow-origin': '*' } }],
  // Not kept in the browser's cache: a test changes what it names.
  [`${VIDEO_HOST} ${new URL(PLAYLIST).pathname}`, bskyMasterRoute],
  [`${VIDEO_HOST} ${new URL('360p/video.m3u8', PLAYLIST).pathname}`, { body: RENDITION, type: 'application/vnd.apple.mpegurl', csp: null, headers: { 'access-control-allow-origin': '*' } }],
  [`${VIDEO_HOST} ${new URL('360p/video0.ts', PLAYLIST).pathname}`, file('seg0.ts', 'video/mp2t')],
  [`${OTHER_VIDEO_HOST} /360p/video.m3u8`, { body: RENDITION, type: 'application/vnd.apple.mpegurl', csp: null, headers: { 'access-control-allow-origin': '*' } }],
  [`${OTHER_VIDEO_HOST} /360p/video0.ts`, file('seg0.ts', 'video/mp2t')],
];

// ------------------------------------------------------------------------ X

// A made X thread as X's web client shows it (its TweetDetail JSON, which
// the extension reads, names the files): four photos, a video and a GIF —
// X has no audio. The clips are served on video.twimg.com.
const X_VIDEO_HOST = 'video.twimg.com';
const X_CLIPS = {};
const X_MEDIA = xAppPage({
  name: 'media',
  n: 4,
  media: {
    1: (p) => [1, 2, 3, 4].map((i) => ({ type: 'photo', url: `https://pbs.twimg.com/media/made${p.id.slice(-6)}x${i}?format=png&name=small`, alt: `photo ${i} of 4` })),
    2: (p) => [{
      type: 'video', poster: `https://pbs.twimg.com/ext_tw_video_thumb/${p.id}/pu/img/made.jpg`,
      mp4: (X_CLIPS.video = `https://${X_VIDEO_HOST}/ext_tw_video/${p.id}/pu/vid/avc1/1280x720/made.mp4?tag=12`),
    }],
    3: (p) => [{
      type: 'gif', poster: `https://pbs.twimg.com/tweet_video_thumb/made${p.id.slice(-6)}.jpg`,
      mp4: (X_CLIPS.gif = `https://${X_VIDEO_HOST}/tweet_video/made${p.id.slice(-6)}.mp4`),
    }],
  },
});
const xRoutes = [
  ...X_MEDIA.routes,
  [`${X_VIDEO_HOST} ${new URL(X_CLIPS.video).pathname}`, file('video.mp4', 'video/mp4')],
  [`${X_VIDEO_HOST} ${new URL(X_CLIPS.gif).pathname}`, file('gif.mp4', 'video/mp4')],
];

// -------------------------------------------------------------- helpers

let b;
before(async () => {
  b = await openBrowser([READY, ...mastoRoutes, ...bskyRoutes, ...xRoutes], {
    hosts: [INSTANCE, MEDIA_HOST, 'bsky.app', 'public.api.bsky.app', VIDEO_HOST, OTHER_VIDEO_HOST],
    mediaHosts: [FILES_HOST, 'cdn.bsky.app', 'av-cdn.bsky.app'],
    ports: [18600, 18699],
  });
});
after(async () => {
  await b?.close();
});

const requested = (host) => b.server.log.filter((l) => l.startsWith(`GET ${host}/`) || l.startsWith(`HEAD ${host}/`));

async function unroll(url, { reducedMotion } = {}) {
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 1000, height: 640 });
  if (reducedMotion) await page.emulateMedia({ reducedMotion });
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await pressAction(b, page);
  await waitForReader(page);
  // The reader wires its clips once the page's policy is read.
  await until(() => inReaderContent(page, function () {
    return [...this.querySelectorAll('.u-plays > .u-media')].every((m) => m.hasAttribute('src') || m.hasAttribute('data-u-hls') || m.closest('[data-u-blocked]'));
  }), { what: 'the clips to be wired' });
  return page;
}

// media describes a clip: whether it plays, and its state.
const media = (page, sel) => inReaderContent(page, function (sel) {
  const m = this.querySelector(sel);
  if (!m) return null;
  const r = m.getBoundingClientRect();
  return { paused: m.paused, time: m.currentTime, ready: m.readyState, playing: m.dataset.testPlaying === '1', controls: m.controls,
    blocked: m.closest('figure').hasAttribute('data-u-blocked'), x: r.left + r.width / 2, y: r.top + r.height / 2, left: r.left, bottom: r.bottom };
}, sel);

// watch marks a clip when it fires `playing` (the element reached it),
// scrolls it into view and waits until it stays put (pictures above it
// take their place as they load).
async function watch(page, sel) {
  await inReaderContent(page, function (sel) {
    const m = this.querySelector(sel);
    m.addEventListener('playing', () => { m.dataset.testPlaying = '1'; });
    m.scrollIntoView({ block: 'center' });
    return true;
  }, sel);
  let last = '';
  await until(async () => {
    const m = await media(page, sel);
    const now = `${m.x} ${m.y} ${m.bottom}`;
    const still = now === last;
    last = now;
    return still;
  }, { every: 150, what: 'the clip to stay put' });
}

const scrollTo = (page, sel) => inReaderContent(page, function (sel) {
  this.querySelector(sel).scrollIntoView({ block: 'center' });
  return true;
}, sel);

// pressPlay clicks the play button of a video's controls, as a person
// would: Chromium draws it at the bottom left, above the timeline.
const pressPlay = (page, m) => page.mouse.click(m.left + 24, m.bottom - 47);

const HLS = 'video[data-u-hls]';
// hasHls: whether the player library is in the Bluesky tab's content scripts' world.
const hasHls = () => b.sw.evaluate(async (url) => {
  const [tab] = await chrome.tabs.query({ url });
  const [r] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: () => typeof globalThis.Hls });
  return r.result;
}, BSKY_URL.href);

// playHLSPress presses the HLS clip; playHLSClip waits until it plays. The
// browser's controls are inert without a source: a press on the clip itself
// starts it.
async function playHLSPress(page) {
  await watch(page, HLS);
  const v = await media(page, HLS);
  await page.mouse.click(v.x, v.y);
  return v;
}
async function playHLSClip(page) {
  await playHLSPress(page);
  await until(async () => (await media(page, HLS)).playing, { what: 'the HLS clip to play' });
}

const VIDEO = 'figure.u-video video.u-media';
const GIF = 'video[data-u-gif]';
const AUDIO = 'audio.u-media';

// ------------------------------------------------------------------ tests

describe('a Mastodon thread with every kind of media', () => {
  let page;
  before(async () => {
    page = await unroll(MASTO_URL);
  });
  // Closed after: the toolbar press finds a tab by its address (Chromium's
  // driver), and later tests open this address again.
  after(() => page?.close());

  test('the reader shows four photos with alt text, a video, a GIF and an audio clip that play in place', async () => {
    const r = await readReader(page);
    assert.equal(r.posts.length, 4);
    const seen = await inReaderContent(page, function () {
      return {
        photos: [...this.querySelectorAll('a.u-photo img')].map((i) => [i.getAttribute('width'), i.getAttribute('height'), i.getAttribute('loading')].join(' ')),
        alts: [...this.querySelectorAll('details.u-alt')].map((d) => d.querySelector('summary').textContent),
        players: [...this.querySelectorAll('figure.u-plays')].map((f) => f.querySelector('.u-media').tagName + ' ' + f.querySelector('.u-media').preload),
      };
    });
    assert.deepEqual(seen.photos, Array(4).fill('640 400 lazy'));
    assert.deepEqual(seen.alts, ['Alt text, photo 1 of 4', 'Alt text, photo 2 of 4', 'Alt text', 'Alt text']);
    assert.deepEqual(seen.players, ['VIDEO none', 'VIDEO none', 'AUDIO none']);
  });

  test('nothing but posters and pictures loads before a press', async () => {
    assert.deepEqual(requested(MEDIA_HOST), []);
    assert.ok(requested(FILES_HOST).some((l) => l.includes('/thumbs/reels.png')), 'the video poster is shown');
  });

  test('pressing play fetches the video and it reaches playing', async () => {
    await watch(page, VIDEO);
    const v = await media(page, VIDEO);
    assert.equal(v.paused, true);
    await pressPlay(page, v);
    await until(async () => (await media(page, VIDEO)).playing, { what: 'the video to play' });
    assert.ok(requested(MEDIA_HOST).some((l) => l.endsWith('/files/reels.mp4')));
    assert.ok(!requested(MEDIA_HOST).some((l) => /counter|tone/.test(l)), 'only the pressed clip loaded');
    await inReaderContent(page, function (sel) { this.querySelector(sel).pause(); return true; }, VIDEO);
  });

  test('the GIF loops only while in view', async () => {
    let g = await media(page, GIF);
    assert.equal(g.controls, false, 'a GIF plays by itself, no controls');
    assert.equal(g.paused, true);
    await watch(page, GIF);
    await until(async () => (await media(page, GIF)).playing, { what: 'the GIF to play in view' });
    assert.ok(requested(MEDIA_HOST).some((l) => l.endsWith('/files/counter.mp4')));
    await scrollTo(page, 'figure.u-photos');
    await until(async () => (await media(page, GIF)).paused, { what: 'the GIF to stop out of view' });
    const t = (await media(page, GIF)).time;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await media(page, GIF)).time, t, 'a GIF out of view does not advance');
    await scrollTo(page, GIF);
    await until(async () => !(await media(page, GIF)).paused, { what: 'the GIF to play again in view' });
    // A click pauses it, and it stays paused.
    g = await media(page, GIF);
    await page.mouse.click(g.x, g.y);
    await until(async () => (await media(page, GIF)).paused, { what: 'a click to pause the GIF' });
  });

  test('the audio clip plays when pressed', async () => {
    await watch(page, AUDIO);
    const a = await media(page, AUDIO);
    await page.mouse.click(a.left + 20, a.y); // the play button starts the controls
    await until(async () => (await media(page, AUDIO)).playing, { what: 'the audio to play' });
    assert.ok(requested(MEDIA_HOST).some((l) => l.endsWith('/files/tone.mp3')));
  });

  test('a picture opens full size; arrows move, Tab stays, Esc closes the view only', async () => {
    const view = () => inReaderContent(page, function () {
      const v = this.querySelector('.u-viewer');
      const active = this.activeElement;
      return v && {
        role: v.getAttribute('role'), modal: v.getAttribute('aria-modal'), label: v.getAttribute('aria-label'),
        src: v.querySelector('img').getAttribute('src'), caption: v.querySelector('p').hidden ? '' : v.querySelector('p').textContent,
        focus: active && v.contains(active) ? active.getAttribute('aria-label') : null,
      };
    });
    await inReaderContent(page, function () { this.querySelector('a.u-photo').focus(); return true; });
    await page.keyboard.press('Enter');
    let v = await until(view, { what: 'the full-size view' });
    assert.deepEqual(v, { role: 'dialog', modal: 'true', label: 'Picture 1 of 4', src: `https://${FILES_HOST}/photos/1.png`, caption: ALTS[0], focus: 'Close (Esc)' });
    await page.keyboard.press('ArrowRight');
    v = await view();
    assert.equal(v.label, 'Picture 2 of 4');
    assert.equal(v.caption, ALTS[1]);
    await page.keyboard.press('ArrowRight');
    assert.equal((await view()).caption, '', 'a picture without alt text has no caption');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await view()).label, 'Picture 4 of 4', 'the arrows go round');
    await page.keyboard.press('Tab');
    assert.ok((await view()).focus, 'Tab keeps focus in the view');
    await page.keyboard.press('Escape');
    assert.equal(await view(), null);
    assert.ok((await readReader(page))?.posts, 'Esc closed the view, not the reader');
    const back = await inReaderContent(page, function () { return this.activeElement?.matches('a.u-photo') ?? false; });
    assert.ok(back, 'focus is back on the picture');
    // A click opens it too.
    const at = await inReaderContent(page, function () {
      const a = this.querySelectorAll('a.u-photo')[2];
      a.scrollIntoView({ block: 'center' });
      const r = a.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await page.mouse.click(at.x, at.y);
    assert.equal((await until(view, { what: 'the view by click' })).label, 'Picture 3 of 4');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assert.equal(await readReader(page), null, 'a second Esc closes the reader');
  });

  test('no console errors', () => {
    assert.deepEqual(b.errors, []);
  });
});

describe('the same thread where the page forbids the media host', () => {
  let page;
  before(async () => {
    mastoPage.csp = mastoPolicy({ forbidMedia: true });
    b.server.log.length = 0;
    page = await unroll(MASTO_URL, { reducedMotion: 'reduce' });
  });
  after(async () => {
    mastoPage.csp = mastoPolicy();
    await page?.close();
  });

  test('every clip shows its poster and link with a notice, and nothing is requested from the host', async () => {
    const seen = await inReaderContent(page, function () {
      return [...this.querySelectorAll('figure.u-plays')].map((f) => ({
        blocked: f.hasAttribute('data-u-blocked'),
        face: getComputedStyle(f.querySelector('.u-face')).display,
        href: f.querySelector('a.u-face')?.getAttribute('href'),
        element: getComputedStyle(f.querySelector('.u-media')).display,
        note: f.querySelector('.u-blocked-note')?.textContent,
      }));
    });
    assert.equal(seen.length, 3);
    for (const [i, s] of seen.entries()) {
      assert.deepEqual(s, {
        blocked: true, face: 'block', href: `https://${INSTANCE}/@tape/${ids[i + 1]}`, element: 'none',
        note: `This site does not allow playing media from ${MEDIA_HOST} here: the poster opens the post.`,
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(requested(MEDIA_HOST), []);
  });

  test('no console errors (nothing was refused by the policy)', () => {
    assert.deepEqual(b.errors, []);
  });
});

describe('reduced motion', () => {
  test('a GIF in view waits for a press', async () => {
    const page = await unroll(MASTO_URL, { reducedMotion: 'reduce' });
    await watch(page, GIF);
    await new Promise((r) => setTimeout(r, 600));
    const g = await media(page, GIF);
    assert.equal(g.paused, true);
    assert.equal(g.controls, true, 'it keeps its controls');
    await page.close();
  });
});

describe('a Bluesky video (HLS)', () => {
  let page;
  after(() => page?.close());

  test('the thread from the AppView shows its photos and the poster; no player library before a press', async () => {
    b.server.log.length = 0;
    page = await unroll(BSKY_URL.href);
    assert.equal(await hasHls(), 'undefined', 'no player library before a press');
    assert.deepEqual(requested(VIDEO_HOST), [], 'nothing from the video host before a press');
    assert.equal(await inReaderContent(page, function () { return this.querySelectorAll('a.u-photo').length; }), 4 + 1, 'the four photos are shown (and the one a later post had)');
    assert.ok(requested('cdn.bsky.app').some((l) => l.includes('/bafymadevideo@jpeg')), 'the poster is shown');
    assert.deepEqual(b.errors, []);
  });

  test('the player library loads on play, and the clip plays', async () => {
    await playHLSClip(page);
    assert.equal(await hasHls(), 'function');
    assert.ok(requested(VIDEO_HOST).some((l) => l.endsWith('/360p/video0.ts')), 'the segment was fetched');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(b.errors, []);
  });
});

// Where the page's policy refuses the HLS clip, the reader shows its poster
// and link with the notice before any press, loads no player library and
// asks the video host for nothing, so nothing is refused (no violation, no
// console error).
const HLS_NOTICE = `This site does not allow playing media from ${VIDEO_HOST} here: the poster opens the post.`;
async function assertHLSRefused(page) {
  const seen = await until(() => inReaderContent(page, function () {
    const f = this.querySelector('figure.u-plays');
    return f.hasAttribute('data-u-blocked') && {
      face: getComputedStyle(f.querySelector('.u-face')).display,
      href: f.querySelector('a.u-face')?.getAttribute('href'),
      element: getComputedStyle(f.querySelector('.u-media')).display,
      note: f.querySelector('.u-blocked-note')?.textContent,
    };
  }), { what: 'the HLS clip to show its poster and notice' });
  assert.equal(seen.face, 'block');
  assert.match(seen.href, /^https:\/\/bsky\.app\/profile\/[^/]+\/post\/[a-z0-9]+$/);
  assert.equal(seen.element, 'none');
  assert.equal(seen.note, HLS_NOTICE);
  // A press on the poster's place starts nothing.
  await scrollTo(page, 'figure.u-plays');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await hasHls(), 'undefined', 'no player library');
  assert.deepEqual(requested(VIDEO_HOST), [], 'nothing asked of the video host');
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(b.errors, []);
}

describe("a Bluesky video where the page's connect-src refuses the video host", () => {
  let page;
  before(async () => {
    bskyPageRoute.csp = bskyPolicy({ connect: "'self'" });
    b.server.log.length = 0;
    page = await unroll(BSKY_URL.href);
  });
  after(async () => {
    bskyPageRoute.csp = bskyPolicy();
    await page?.close();
  });

  test('Firefox, which holds what content scripts fetch to the page\'s policy: the poster and its notice, no error',
    onlyIn('firefox', "Chromium does not hold content scripts' requests to the page's connect-src: it plays the clip (the next test)"),
    () => assertHLSRefused(page));

  test('Chromium, which does not hold them: the clip plays',
    onlyIn('chromium', "Firefox holds content scripts' requests to the page's connect-src: it shows the poster and notice (the test before)"),
    async () => {
      await playHLSClip(page);
      assert.deepEqual(b.errors, []);
    });
});

describe("a Bluesky playlist naming its rendition on a host the page's connect-src does not name", () => {
  let page;
  before(async () => {
    bskyMasterRoute.body = MASTER_ELSEWHERE;
    b.server.log.length = 0;
    page = await unroll(BSKY_URL.href);
  });
  after(async () => {
    bskyMasterRoute.body = MASTER;
    await page?.close();
  });

  test('Firefox: the player stops at that request, never made; the poster and its notice name the host, no error',
    onlyIn('firefox', "Chromium does not hold content scripts' requests to the page's connect-src: it plays the clip (the next test)"),
    async () => {
      await playHLSPress(page);
      const note = await until(() => inReaderContent(page, function () {
        const f = this.querySelector('figure.u-plays');
        return f.hasAttribute('data-u-blocked') && f.querySelector('.u-blocked-note')?.textContent;
      }), { what: 'the clip to show its poster and notice' });
      assert.equal(note, `This site does not allow playing media from ${OTHER_VIDEO_HOST} here: the poster opens the post.`);
      assert.ok(requested(VIDEO_HOST).some((l) => l.endsWith('/playlist.m3u8')), 'the allowed master playlist was fetched');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(requested(OTHER_VIDEO_HOST), [], 'nothing asked of the host the page does not allow');
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(b.errors, []);
    });

  test('Chromium, which does not hold them: the clip plays from the other host',
    onlyIn('chromium', "Firefox holds content scripts' requests to the page's connect-src: it shows the poster and notice (the test before)"),
    async () => {
      await playHLSClip(page);
      assert.ok(requested(OTHER_VIDEO_HOST).some((l) => l.endsWith('/360p/video0.ts')), 'the segment came from the other host');
      assert.deepEqual(b.errors, []);
    });
});

describe("a Bluesky video where the page's media-src and connect-src refuse the video host", () => {
  let page;
  before(async () => {
    bskyPageRoute.csp = bskyPolicy({ media: "'self'", connect: "'self'" });
    b.server.log.length = 0;
    page = await unroll(BSKY_URL.href);
  });
  after(async () => {
    bskyPageRoute.csp = bskyPolicy();
    await page?.close();
  });

  test('the poster and its notice, no player library, nothing requested, no error', () => assertHLSRefused(page));
});

describe('an X thread with four photos, a video and a GIF, under https://x.com', () => {
  let page;
  before(async () => {
    b.server.log.length = 0;
    page = await unroll(X_MEDIA.url);
  });
  after(async () => {
    await page?.close();
  });

  test("the reader plays X's files in place, and nothing but posters and pictures loads before a press", async () => {
    const r = await readReader(page);
    assert.equal(r.posts.length, 4);
    const seen = await inReaderContent(page, function () {
      return {
        photos: this.querySelectorAll('a.u-photo').length,
        players: [...this.querySelectorAll('figure.u-plays .u-media')].map((m) => `${m.hasAttribute('data-u-gif') ? 'gif' : 'video'} ${new URL(m.getAttribute('src')).pathname}`),
      };
    });
    assert.equal(seen.photos, 4);
    assert.deepEqual(seen.players, [`video ${new URL(X_CLIPS.video).pathname}`, `gif ${new URL(X_CLIPS.gif).pathname}`]);
    assert.deepEqual(requested(X_VIDEO_HOST), []);
    assert.ok(requested('pbs.twimg.com').some((l) => l.includes('/ext_tw_video_thumb/')), 'the video poster is shown');
  });

  test('pressing play fetches the mp4 and it plays; the GIF loops in view', async () => {
    await watch(page, VIDEO);
    await pressPlay(page, await media(page, VIDEO));
    await until(async () => (await media(page, VIDEO)).playing, { what: 'the X video to play' });
    assert.ok(requested(X_VIDEO_HOST).some((l) => l.endsWith(new URL(X_CLIPS.video).pathname)));
    await inReaderContent(page, function (sel) { this.querySelector(sel).pause(); return true; }, VIDEO);
    await watch(page, GIF);
    await until(async () => (await media(page, GIF)).playing, { what: 'the X GIF to play in view' });
    assert.ok(requested(X_VIDEO_HOST).some((l) => l.endsWith(new URL(X_CLIPS.gif).pathname)));
    assert.deepEqual(b.errors, []);
  });
});

describe('the share page', () => {
  let srv;
  before(async () => {
    srv = await startSyncServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('plays the video under its CSP, no script', async () => {
    const page = await unroll(MASTO_URL);
    const thread = JSON.parse(await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread()));
    await page.close();
    const lib = { id: crypto.randomBytes(32).toString('base64url'), key: crypto.randomBytes(32).toString('base64url') };
    const post = (p, body, auth) => fetch(`${srv.origin}${p}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${lib.key}` } : {}) }, body: JSON.stringify(body),
    });
    assert.equal((await post('/v1/libraries', { libraryId: lib.id, authKey: lib.key })).status, 201);
    const res = await post(`/v1/libraries/${lib.id}/shares`, { thread }, true);
    assert.equal(res.status, 201);
    const { url } = await res.json();
    b.server.log.length = 0;
    const share = await b.context.newPage();
    const answer = await share.goto(srv.origin + url);
    assert.match(answer.headers()['content-security-policy'], /media-src https:/);
    assert.equal(await share.locator('script').count(), 0);
    assert.deepEqual(requested(MEDIA_HOST), [], 'nothing plays before a press');
    const v = share.locator('figure.u-video video');
    await v.evaluate((m) => m.scrollIntoView({ block: 'center' }));
    await v.evaluate((m) => m.addEventListener('playing', () => { m.dataset.testPlaying = '1'; }));
    const box = await v.boundingBox();
    await pressPlay(share, { left: box.x, bottom: box.y + box.height });
    await until(() => v.evaluate((m) => m.dataset.testPlaying === '1'), { what: 'the share page video to play' });
    assert.ok(requested(MEDIA_HOST).some((l) => l.endsWith('/files/reels.mp4')));
    assert.deepEqual(b.errors, []);
    await share.close();
  });
});

describe('the library keeps media offline when asked', () => {
  // inReading runs fn(arg) with this = the library reader's shadow root
  // (on <main>), through the driver: the page's policy allows no eval.
  const inReading = async (page, fn, arg) => (await inShadow(page, ['main'], fn, arg))?.value;
  const readPage = async (key) => {
    const page = await b.context.newPage();
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.goto(b.extensionURL(`pages/library/read.html?key=${encodeURIComponent(key)}`));
    await page.waitForFunction(() => document.documentElement.dataset.ready === '1');
    return page;
  };
  const kept = /^Media kept offline: (\d+) files, \d+ KB\.$/;

  // save unrolls url and saves the thread the reader shows; returns its
  // library key and the library page it was saved from.
  const save = async (url) => {
    const reader = await unroll(url);
    const thread = JSON.parse(await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread()));
    await reader.close();
    const library = await b.context.newPage();
    await library.goto(b.extensionURL('pages/library/library.html'));
    const res = await library.evaluate((m) => chrome.runtime.sendMessage(m), { type: 'library:save', thread: JSON.stringify(thread) });
    assert.ok(res?.ok, res?.error);
    return { key: `${thread.platform}:${thread.id}`, library };
  };

  test('files are fetched only on a press, counted in storage, and shown offline from the stored copies', async () => {
    const { key, library } = await save(MASTO_URL);

    b.server.log.length = 0;
    let page = await readPage(key);
    assert.equal(await page.locator('#offline').textContent(), 'Keep media offline');
    assert.equal(await page.locator('#offline-state').textContent(), '');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(requested(MEDIA_HOST), [], 'reading a saved thread fetches no clip');

    await page.locator('#offline').click();
    const state = await until(async () => kept.exec(await page.locator('#offline-state').textContent()), { what: 'the files to be kept' });
    const files = Number(state[1]);
    for (const f of ['reels.mp4', 'counter.mp4', 'tone.mp3']) assert.ok(requested(MEDIA_HOST).some((l) => l.endsWith(`/files/${f}`)), `${f} is kept`);
    for (const n of [1, 2, 3, 4]) assert.ok(requested(FILES_HOST).some((l) => l.endsWith(`/photos/${n}.png`)), `photo ${n} at full size is kept`);
    // Four photos, two posters, the avatar and three clips.
    assert.equal(files, 10);
    assert.equal(await page.locator('#offline').textContent(), 'Remove offline media');
    await page.close();

    await library.reload();
    await library.waitForFunction(() => document.documentElement.dataset.ready === '1');
    await until(async () => new RegExp(`^Media kept offline: 1 thread, ${files} files, \\d+\\.\\d+ MB$`).test(await library.locator('#storage').textContent()),
      { what: "the library's storage line" });

    // Offline: the reader shows the stored copies, and asks the network for nothing.
    b.server.log.length = 0;
    await b.context.setOffline(true);
    try {
      page = await readPage(key);
      const addresses = await inReading(page, function () {
        return [...this.querySelectorAll('a.u-photo[href], img[src], video[poster], .u-media[src]')]
          .map((el) => el.getAttribute(el.matches('a') ? 'href' : el.matches('video[poster]:not([src])') ? 'poster' : 'src'));
      });
      assert.ok(addresses.length >= files && addresses.every((u) => u.startsWith('blob:')), addresses.join(' '));
      const photo = await inReading(page, function () {
        const img = this.querySelector('a.u-photo img');
        img.scrollIntoView({ block: 'center' });
        return true;
      });
      assert.ok(photo);
      await until(() => inReading(page, function () { return this.querySelector('a.u-photo img').naturalWidth > 0; }), { what: 'the stored photo to show' });
      const box = await inReading(page, function () {
        const v = this.querySelector('figure.u-video video');
        v.addEventListener('playing', () => { v.dataset.testPlaying = '1'; });
        v.scrollIntoView({ block: 'center' });
        const r = v.getBoundingClientRect();
        return { left: r.left, bottom: r.bottom };
      });
      await new Promise((r) => setTimeout(r, 300));
      await pressPlay(page, box);
      await until(() => inReading(page, function () { return this.querySelector('figure.u-video video').dataset.testPlaying === '1'; }), { what: 'the stored video to play' });
    } finally {
      await b.context.setOffline(false);
    }

    // Removing them empties the count.
    await page.locator('#offline').click();
    await until(async () => (await page.locator('#offline').textContent()) === 'Keep media offline', { what: 'the files to be removed' });
    assert.equal(await page.locator('#offline-state').textContent(), '');
    await library.reload();
    await library.waitForFunction(() => document.documentElement.dataset.ready === '1');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await library.locator('#storage').textContent(), '');
    assert.deepEqual(b.errors, []);
    await page.close();
    await library.close();
  });

  test('an HLS clip is kept as its rendition and plays offline', async () => {
    const { key, library } = await save(BSKY_URL.href);
    await library.close();

    b.server.log.length = 0;
    let page = await readPage(key);
    await page.locator('#offline').click();
    await until(async () => kept.test(await page.locator('#offline-state').textContent()), { what: 'the files to be kept' });
    for (const f of ['/playlist.m3u8', '/360p/video.m3u8', '/360p/video0.ts']) assert.ok(requested(VIDEO_HOST).some((l) => l.endsWith(f)), `${f} is fetched`);
    await page.close();

    await b.context.setOffline(true);
    try {
      page = await readPage(key);
      const at = await inReading(page, function () {
        const v = this.querySelector('video[data-u-hls]');
        v.addEventListener('playing', () => { v.dataset.testPlaying = '1'; });
        v.scrollIntoView({ block: 'center' });
        const r = v.getBoundingClientRect();
        return { hls: v.dataset.uHls, x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      assert.match(at.hls, /^blob:(chrome|moz)-extension:/);
      await new Promise((r) => setTimeout(r, 300));
      await page.mouse.click(at.x, at.y);
      await until(() => inReading(page, function () { return this.querySelector('video[data-u-hls]').dataset.testPlaying === '1'; }), { what: 'the stored HLS clip to play' });
    } finally {
      await b.context.setOffline(false);
    }
    await page.locator('#offline').click();
    await until(async () => (await page.locator('#offline').textContent()) === 'Keep media offline', { what: 'the files to be removed' });
    assert.deepEqual(b.errors, []);
    await page.close();
  });
});
