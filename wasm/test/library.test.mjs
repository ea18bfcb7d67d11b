// What the extension's library asks of the WASM rather than knowing itself
// (wasm/library.go): a thread's key, its title, and its Markdown with the
// library's fields in the front matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, root } from './load.mjs';

const made = (name) => fs.readFileSync(path.join(root, 'shared/render/testdata/made', name, 'thread.json'), 'utf8');

test('canonicalId is platform:id, and refuses a thread without either', async () => {
  const u = await loadUnspool();
  assert.equal(u.canonicalId('x', '1234'), 'x:1234');
  assert.equal(u.canonicalId('bluesky', '3kabc'), 'bluesky:3kabc');
  assert.throws(() => u.canonicalId('', '1'), /a thread needs a platform and an id to be saved/);
  assert.throws(() => u.canonicalId('x', ''), /a thread needs a platform and an id to be saved/);
  assert.throws(() => u.canonicalId('x'), /takes 2 strings/);
});

test('threadTitle is the first line with text, clipped with an ellipsis', async () => {
  const u = await loadUnspool();
  const json = made('x-search-rebuild');
  const first = JSON.parse(json).posts[0].text.split('\n').find((l) => l.trim());
  const full = u.threadTitle(json, 1000);
  assert.ok(full.length > 12 && first.startsWith(full.slice(0, 10)), `${full} / ${first}`);
  const short = u.threadTitle(json, 12);
  assert.ok([...short].length <= 12, short);
  assert.ok(short.endsWith('…'));
  assert.throws(() => u.threadTitle(json, 0), /positive number/);
});

test('exportSaved is the Markdown export with the library fields in its front matter', async () => {
  const u = await loadUnspool();
  const thread = JSON.parse(made('x-search-rebuild'));
  const plain = u.export(JSON.stringify(thread), 'markdown');
  const saved = { id: `${thread.platform}:${thread.id}`, thread, savedAt: '2026-03-01T12:00:00Z', tags: ['essays', 'a: b'], note: 'a\n---\nkey: v', deleted: false, clocks: {} };
  const md = u.exportSaved(JSON.stringify(saved));
  const [, head, body] = md.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
  assert.match(head, /^title: /);
  assert.match(head, new RegExp(`\\nid: "${thread.id}"\\n`));
  assert.match(head, /\nsaved: "2026-03-01T12:00:00Z"\n/);
  assert.match(head, /\ntags: \["essays", "a: b"\]\n/);
  assert.match(head, /\nnote: "a\\n---\\nkey: v"$/);
  assert.equal(body, plain.slice(plain.indexOf('\n---\n') + 5), 'the same body as export(markdown)');
  // A record the renderer refuses says why; a deleted one has no thread.
  const broken = { ...saved, thread: { ...thread, posts: [] } };
  assert.throws(() => u.exportSaved(JSON.stringify(broken)), /no posts/);
  assert.throws(() => u.exportSaved(JSON.stringify({ ...saved, thread: undefined })), /has no thread/);
});
