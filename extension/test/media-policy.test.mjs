// The overlay's reading of a page's media policy (content/reader-media.js
// mediaPolicy), as the browser judges media-src (and connect-src, for what
// the HLS player fetches): run under node, no browser.
// Browsers: chromium only — no browser at all (a module under node): once is enough
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../content/reader-media.js');
const sandbox = { URL, window: { addEventListener() {} }, matchMedia: () => ({ matches: false }) };
sandbox.globalThis = sandbox;
vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox);
const { mediaPolicy } = sandbox.unspoolMedia;

const PAGE = 'https://x.com/a/status/1';
const cases = [
  // [policies, url, allowed]
  [[], 'https://any.test/a.mp4', true],
  [["default-src 'self'"], 'https://video.twimg.com/a.mp4', false],
  [["default-src 'self'"], 'https://x.com/a.mp4', true],
  [["default-src 'none'; media-src https://video.twimg.com"], 'https://video.twimg.com/v/a.mp4', true],
  [["media-src 'self' https://*.twimg.com blob:"], 'https://video.twimg.com/a.mp4', true],
  [["media-src 'self' https://*.twimg.com"], 'https://twimg.com/a.mp4', false],
  [["media-src 'self' https://*.twimg.com"], 'blob:https://x.com', false],
  [["media-src 'self' blob:"], 'blob:https://x.com', true],
  [['media-src https:'], 'https://files.test/a.mp3', true],
  [['media-src https:'], 'http://files.test/a.mp3', false],
  [['media-src *'], 'https://files.test/a.mp3', true],
  [['media-src *'], 'blob:https://x.com', false],
  [["media-src 'none'"], 'https://x.com/a.mp4', false],
  [['media-src files.test'], 'https://files.test/a.mp4', true], // the page's scheme
  [['media-src files.test:8443'], 'https://files.test/a.mp4', false],
  [['media-src https://files.test/media/'], 'https://files.test/media/a.mp4', true],
  [['media-src https://files.test/media/'], 'https://files.test/other/a.mp4', false],
  [['media-src https://files.test/media/a.mp4'], 'https://files.test/media/a.mp4', true],
  // Every policy must allow it: two headers, or two policies in one.
  [['media-src https:', "media-src 'self'"], 'https://files.test/a.mp4', false],
  [["media-src https:, default-src 'self'"], 'https://files.test/a.mp4', false],
  // The first of a repeated directive counts; other directives do not.
  [["img-src 'none'; media-src https://files.test; media-src 'none'"], 'https://files.test/a.mp4', true],
  [['MEDIA-SRC HTTPS://FILES.TEST'], 'https://files.test/a.mp4', true],
];

for (const [policies, url, want] of cases) {
  test(`${JSON.stringify(policies)} ${want ? 'allows' : 'forbids'} ${url}`, () => {
    assert.equal(mediaPolicy(policies, PAGE)(url), want);
  });
}

// What script fetches (an HLS player's playlists and segments) is judged by
// connect-src, or default-src without one; media-src does not count there.
const connectCases = [
  [["media-src https://video.bsky.app blob:; connect-src 'self'"], 'https://video.bsky.app/p.m3u8', false],
  [["media-src 'self'; connect-src 'self' https://video.bsky.app"], 'https://video.bsky.app/p.m3u8', true],
  [["default-src 'self'; media-src https://video.bsky.app"], 'https://video.bsky.app/p.m3u8', false],
  [['default-src https://video.bsky.app'], 'https://video.bsky.app/p.m3u8', true],
  [[], 'https://video.bsky.app/p.m3u8', true],
];
for (const [policies, url, want] of connectCases) {
  test(`connect-src: ${JSON.stringify(policies)} ${want ? 'allows' : 'forbids'} ${url}`, () => {
    assert.equal(mediaPolicy(policies, PAGE, 'connect-src')(url), want);
  });
}
