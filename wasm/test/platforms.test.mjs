// unspool.extract on the non-X sources, as the extension and outside checks
// call it with the pinned content shapes: page HTML for every platform, a
// Bluesky getPostThread response, a Mastodon status or {"status","context"}.
// Every golden case of shared/extract/testdata/<source> is compared with its
// expected.json (capturedAt aside: the WASM stamps real time), or, where the
// right outcome is an error, must throw an Error with that message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, readSource, root } from './load.mjs';

const testdata = path.join(root, 'shared/extract/testdata');
const sources = ['bluesky', 'mastodon', 'threads', 'nitter', 'twitter-legacy', 'threadreaderapp'];

function read(dir, name) {
  const at = (f) => path.join(dir, f);
  const c = { name, url: fs.readFileSync(at('url.txt'), 'utf8').trim() };
  for (const f of ['source.html', 'source.json']) {
    if (fs.existsSync(at(f))) c.content = fs.readFileSync(at(f), 'utf8');
  }
  if (c.content === undefined) Object.assign(c, readSource(fs.readFileSync(at('source.txt'), 'utf8')));
  if (fs.existsSync(at('expected-error.txt'))) c.error = fs.readFileSync(at('expected-error.txt'), 'utf8').split('\n')[1];
  else c.expected = JSON.parse(fs.readFileSync(at('expected.json'), 'utf8'));
  return c;
}

for (const source of sources) {
  test(`extract: every ${source} case matches its golden`, async (t) => {
    const unspool = await loadUnspool();
    const dir = path.join(testdata, source);
    const names = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'url.txt')));
    assert.ok(names.length >= 1, `no ${source} cases`);
    for (const name of names) {
      const c = read(path.join(dir, name), `${source}/${name}`);
      await t.test(c.name, { skip: c.skip }, () => {
        if (c.missing) assert.fail(c.missing);
        if (c.error) {
          assert.throws(() => unspool.extract(c.url, c.content), (e) => e instanceof Error && e.message === c.error);
          return;
        }
        const got = JSON.parse(unspool.extract(c.url, c.content));
        assert.match(got.capturedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        delete got.capturedAt;
        const want = { ...c.expected };
        delete want.capturedAt;
        assert.deepStrictEqual(got, want, `${c.name} differs from its golden`);
      });
    }
  });
}

test('extract: a Mastodon /context alone and a deleted Bluesky post throw clear Errors', async () => {
  const unspool = await loadUnspool();
  assert.throws(() => unspool.extract('https://mastodon.social/@a/1', '{"ancestors":[],"descendants":[],"x":{"account":1,"content":1,"in_reply_to_id":1,"media_attachments":1}}'),
    (e) => e instanceof Error && /lacks the status itself/.test(e.message));
  assert.throws(() => unspool.extract('https://bsky.app/profile/a.example/post/3k', '{"thread":{"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://did:plc:a/app.bsky.feed.post/3k","notFound":true},"x":"app.bsky.feed.defs#threadViewPost"}'),
    (e) => e instanceof Error && /deleted or does not exist/.test(e.message));
});
