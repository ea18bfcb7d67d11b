// The background's request to Bluesky's AppView (bluesky-appview.js) under
// node: the address it builds from what a page sends (the host, path and
// parameters fixed; a name that is not a handle, DID or record key refused),
// the errors it reports (status, timeout, unreachable, no thread), and who
// may ask (only a content script on a Bluesky page). The request itself, in
// both browsers under bsky.app's connect-src, is in platforms.test.mjs.
// Browsers: chromium only — no browser at all (a module under node): once is enough
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';

const EXT = 'chrome-extension://unspool/';
globalThis.chrome = { runtime: { id: 'unspool', getURL: (p) => EXT + p } };
const { APPVIEW, AUTHOR_FEED, fetchFeed, fetchThread, feedURL, threadURL } = await import('../background/bluesky-appview.js');
const { admit } = await import('../background/messages.js');

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test('the request names the post and nothing else', () => {
  const u = threadURL('alice.bsky.social', '3madeaaaa0003');
  assert.equal(u.origin + u.pathname, APPVIEW);
  assert.deepEqual(Object.fromEntries(u.searchParams), { uri: 'at://alice.bsky.social/app.bsky.feed.post/3madeaaaa0003', depth: '1000', parentHeight: '1000' });
  assert.equal(threadURL('did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'self').searchParams.get('uri'), 'at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/self');
  assert.equal(threadURL('a'.repeat(253), 'a'.repeat(512)).hostname, 'public.api.bsky.app');
});

test('a name that is not a handle, DID or record key is refused', () => {
  const actors = ['', 'evil.example/x', 'a.b?uri=at://x', 'a.b#x', 'alice@bsky.social', 'a'.repeat(254), 'did:plc:a/b', 'did:PLC:x', 'did:plc:' + 'a'.repeat(2001), null, 7, { toString: () => 'a.b' }];
  for (const actor of actors) assert.throws(() => threadURL(actor, '3k'), /not a Bluesky handle or DID/, String(actor));
  const rkeys = ['', '.', '..', 'a/b', 'a?depth=1', 'a&b', 'a b', 'a'.repeat(513), undefined, ['3k']];
  for (const rkey of rkeys) assert.throws(() => threadURL('alice.bsky.social', rkey), /not a Bluesky record key/, String(rkey));
});

test('the answer comes back as text; errors say what went wrong', async () => {
  const seen = [];
  const answer = (res) => {
    globalThis.fetch = async (url, init) => {
      seen.push({ url: String(url), init });
      return typeof res === 'function' ? res(init) : res;
    };
  };
  const thread = '{"thread":{"post":{"uri":"at://a/app.bsky.feed.post/3k"}}}';
  answer(new Response(thread, { headers: { 'content-type': 'application/json' } }));
  assert.equal(await fetchThread('alice.bsky.social', '3k'), thread);
  assert.equal(seen[0].url, String(threadURL('alice.bsky.social', '3k')));
  assert.equal(seen[0].init.credentials, 'omit', 'no cookies');
  assert.equal(seen[0].init.referrerPolicy, 'no-referrer');
  assert.ok(seen[0].init.signal instanceof AbortSignal && !seen[0].init.signal.aborted, 'a timeout is set');

  answer(new Response('{"error":"InternalServerError"}', { status: 503 }));
  await assert.rejects(fetchThread('alice.bsky.social', '3k'), /^Error: the Bluesky AppView answered 503$/);
  answer(new Response('{"error":"NotFound","message":"Post not found"}'));
  await assert.rejects(fetchThread('alice.bsky.social', '3k'), /sent no thread/);
  answer(new Response('<html>a captive portal</html>'));
  await assert.rejects(fetchThread('alice.bsky.social', '3k'), /something other than JSON/);
  answer(() => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')));
  await assert.rejects(fetchThread('alice.bsky.social', '3k'), /did not answer within 10 s/);
  answer(() => Promise.reject(new TypeError('NetworkError when attempting to fetch resource.')));
  await assert.rejects(fetchThread('alice.bsky.social', '3k'), /could not be reached \(NetworkError/);
  const before = seen.length;
  await assert.rejects(fetchThread('evil.example/x', '3k'), /not a Bluesky handle/);
  assert.equal(seen.length, before, 'a refused name is never requested');
});

test('only a content script on a Bluesky page may ask', async () => {
  const msg = { type: 'reader:bluesky-thread', actor: 'alice.bsky.social', rkey: '3k' };
  const from = (url) => ({ id: 'unspool', url, tab: { id: 1 } });
  for (const url of ['https://bsky.app/profile/alice.bsky.social/post/3k', 'https://staging.bsky.app/profile/a/post/3k', 'https://main.bsky.dev/x']) {
    await admit(msg.type, msg, from(url));
  }
  await admit(msg.type, msg, { id: 'unspool', url: `${EXT}options/options.html` });
  for (const url of ['https://x.com/a/status/1', 'https://bsky.app.evil.example/', 'https://evil.example/bsky.app', 'not a url', undefined]) {
    await assert.rejects(admit(msg.type, msg, from(url)), /not accepted from a web page/, String(url));
  }
  await assert.rejects(admit(msg.type, msg, { id: 'another-extension', url: 'https://bsky.app/' }), /not accepted/);
});

test('a profile\'s feed: a fixed address with only the actor from the page, no cookies; bad names never requested', async () => {
  const u = feedURL('alice.bsky.social');
  assert.equal(`${u.origin}${u.pathname}`, AUTHOR_FEED);
  assert.deepEqual(Object.fromEntries(u.searchParams), { actor: 'alice.bsky.social', filter: 'posts_and_author_threads', limit: '100' });
  for (const actor of ['', 'evil.example/x', 'a.b?actor=x', 'a.b#x', 'alice@bsky.social', null, 7]) assert.throws(() => feedURL(actor), /not a Bluesky handle or DID/, String(actor));
  const seen = [];
  globalThis.fetch = async (url, init) => {
    seen.push({ url: String(url), init });
    return new Response('{"feed":[]}');
  };
  assert.equal(await fetchFeed('did:plc:ewvi7nxzyoun6zhxrhs64oiz'), '{"feed":[]}');
  assert.equal(seen[0].init.credentials, 'omit');
  assert.equal(seen[0].init.referrerPolicy, 'no-referrer');
  await assert.rejects(fetchFeed('evil.example/x'), /not a Bluesky handle/);
  assert.equal(seen.length, 1, 'a refused name is never requested');
  globalThis.fetch = async () => new Response('{"error":"InternalServerError"}', { status: 502 });
  await assert.rejects(fetchFeed('alice.bsky.social'), /^Error: the Bluesky AppView answered 502$/);
  const msg = { type: 'author:bluesky-feed', actor: 'alice.bsky.social' };
  await admit(msg.type, msg, { id: 'unspool', url: 'https://bsky.app/profile/alice.bsky.social', tab: { id: 1 } });
  await assert.rejects(admit(msg.type, msg, { id: 'unspool', url: 'https://x.com/alice', tab: { id: 1 } }), /not accepted from a web page/);
});
