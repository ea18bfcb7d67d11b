// The extension on a Misskey server without a Mastodon API, in Debian's
// Chromium and Firefox ESR with the real toolbar button: a note page
// (https://slippy.xyz/notes/<id>, mapped to the local server) whose
// /api/v1/statuses/<id> is absent, whose NodeInfo names Misskey, and whose
// notes API (POST /api/notes/show, /conversation, /children) answers with
// the recorded notes of shared/extract/testdata/misskey/
// gomisskey-show-conversation-replies (its .source.txt). What the extension
// extracts must be that case's expected.json. A /notes/<id> page on a server
// whose NodeInfo names other software gets no POST at all.
// Browsers: chromium, firefox
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden, golden } from './goldens.mjs';
import { openBrowser, openPage, pressAction, waitForReader } from './harness.mjs';

const mk = golden('misskey/gomisskey-show-conversation-replies');
const recorded = JSON.parse(mk.source); // {note, conversation, children}
const noteId = recorded.note.id;
const asked = [];

const READY = ['* /assets/ready.js', { body: "document.documentElement.dataset.ready = 'true';", type: 'text/javascript' }];
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

// Misskey's web client is a script-drawn app: its page holds a mount point
// and no note text. Made by us in that shape.
const shell = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Efertone | slippy.xyz</title>
<meta name="application-name" content="Misskey"></head><body><noscript><p>JavaScript is required</p></noscript>
<div id="splash"></div><script src="/assets/ready.js"></script></body></html>`;

// A NodeInfo index and document in the shape every server publishes (made
// by us; software name as Misskey writes it).
const nodeinfo = (host, name) => [
  [`${host} /.well-known/nodeinfo`, { body: JSON.stringify({ links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `https://${host}/nodeinfo/2.0` }] }), type: 'application/json', csp: null }],
  [`${host} /nodeinfo/2.0`, { body: JSON.stringify({ version: '2.0', software: { name, version: '12.51.0' }, protocols: ['activitypub'], openRegistrations: false }), type: 'application/json', csp: null }],
];

// api answers one POST endpoint from the recorded notes, logging the body.
function api(host, path, answer) {
  return [`${host} ${path}`, {
    respond: async (url, req) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const params = body ? JSON.parse(body) : {};
      asked.push({ host, method: req.method, path: url.pathname, params, cookie: req.headers.cookie ?? null });
      if (req.method !== 'POST') return { status: 405, body: '{}' };
      return { body: JSON.stringify(answer(params)) };
    },
  }];
}

let b;
before(async () => {
  b = await openBrowser([
    READY,
    [`slippy.xyz ${mk.url.pathname}`, {
      body: shell,
      csp: CSP,
      headers: { 'set-cookie': 'token=page-secret; Path=/; Secure; SameSite=Lax' },
    }],
    ...nodeinfo('slippy.xyz', 'misskey'),
    api('slippy.xyz', '/api/notes/show', (p) => (p.noteId === noteId ? recorded.note : { error: { code: 'NO_SUCH_NOTE' } })),
    api('slippy.xyz', '/api/notes/conversation', (p) => (p.noteId === noteId ? recorded.conversation : [])),
    // The children of each note asked for: the recorded ones of the note.
    api('slippy.xyz', '/api/notes/children', (p) => recorded.children.filter((n) => n.replyId === p.noteId)),
    // A server that only shares the address shape.
    ['blog.example.org /notes/8dsk7x47y3', { body: shell.replace('Misskey', 'Blog'), csp: CSP }],
    ...nodeinfo('blog.example.org', 'wordpress'),
    api('blog.example.org', '/api/notes/show', () => recorded.note),
  ], { hosts: ['slippy.xyz', 'blog.example.org'], mediaHosts: [], ports: [18750, 18799] });
});
after(async () => {
  await b?.close();
});

describe('Misskey servers without a Mastodon API', () => {
  test('a /notes/<id> page unrolls from the notes API after NodeInfo names Misskey, no cookies', async () => {
    const page = await openPage(b, mk.url.href);
    await pressAction(b, page);
    const r = await waitForReader(page);
    const thread = JSON.parse(await b.sw.evaluate(() => globalThis.unspoolBackground.lastThread()));
    assert.equal(thread.source, 'misskey-api');
    assertGolden(thread, mk, mk.url.origin);
    assert.deepEqual(r.posts.map((p) => p.id), mk.expected.posts.map((p) => p.id));
    assert.ok(r.posts[1].text.includes('setInterval'), r.posts[1].text);
    const mine = asked.filter((q) => q.host === 'slippy.xyz');
    assert.deepEqual(mine.map((q) => `${q.path} ${q.params.noteId}`), [
      `/api/notes/show ${noteId}`,
      `/api/notes/conversation ${noteId}`,
      `/api/notes/children ${noteId}`, // the one reply is another user's: no more
    ]);
    assert.ok(mine.every((q) => q.cookie === null), 'the session cookie is not sent');
    // The Mastodon API was asked first and is absent (404); the recorded
    // files live on slippy.xyz's own file paths, not served here.
    assert.deepEqual(b.errors.filter((e) => !/Failed to load resource|404|no Mastodon-compatible/.test(e)), []);
    b.errors.length = 0;
    await page.close();
  });

  test('a /notes/<id> page whose NodeInfo names other software gets no POST', async () => {
    const page = await openPage(b, 'https://blog.example.org/notes/8dsk7x47y3');
    await pressAction(b, page);
    await assert.rejects(waitForReader(page, 20_000), /unroll failed|did not open/);
    assert.deepEqual(asked.filter((q) => q.host === 'blog.example.org'), []);
    assert.ok(b.server.log.includes('GET blog.example.org/nodeinfo/2.0'), b.server.log.join('\n'));
    b.errors.length = 0;
    await page.close();
  });
});
