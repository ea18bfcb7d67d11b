// The sync functions of globalThis.unspool, as the extension's sync client
// uses them: keys from a code, edits with HLCs, seal/open, merge, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadUnspool } from './load.mjs';

const thread = (posts) => ({
  platform: 'x', id: '42', url: 'https://x.com/author/status/42',
  author: { handle: 'author', name: 'An Author', url: 'https://x.com/author', avatar: '' },
  posts: posts.map((n) => ({
    id: `420${n}`, url: `https://x.com/author/status/420${n}`,
    createdAt: `2026-03-01T12:0${n}:00Z`, text: `post ${n}`, media: [],
  })),
  complete: true, capturedAt: '2026-03-01T12:00:00Z',
});

test('a library secret, its code, and joining with the code', async () => {
  const u = await loadUnspool();
  const k = JSON.parse(u.syncNewSecret());
  assert.match(k.secret, /^[A-Za-z0-9_-]{43}$/);
  assert.match(k.code, /^([0-9A-HJKMNP-TV-Z]{5}-){10}[0-9A-HJKMNP-TV-Z]{5}$/);
  assert.match(k.libraryId, /^[A-Za-z0-9_-]{43}$/);
  assert.match(k.authKey, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(JSON.parse(u.syncKeys(k.code.toLowerCase().replaceAll('-', ' '))), k);
  assert.deepEqual(JSON.parse(u.syncKeys(k.secret)), k);
  // One mistyped character is caught, and the message does not echo the code.
  const typo = (k.code[0] === '0' ? '1' : '0') + k.code.slice(1);
  assert.throws(() => u.syncKeys(typo), (e) => e instanceof Error && /mistyped/.test(e.message) && !e.message.includes(typo));
  // The encryption key is not part of any answer.
  assert.deepEqual(Object.keys(k).sort(), ['authKey', 'code', 'libraryId', 'secret']);
});

test('pinned vector: the same ids as the Go tests', async () => {
  const u = await loadUnspool();
  const secret = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
  const k = JSON.parse(u.syncKeys(secret));
  assert.equal(k.code, '000G4-0R40M-30E20-9185G-R38E1-W8124-GK2GA-HC5RR-34D1P-70X3R-FGF34');
  assert.equal(k.libraryId, 'FLn5XqrT6ORdC3hQrJg8-AeCx8iIMAF-H-sssP7heYw');
  assert.equal(u.syncRecordId(secret, 'x:1234'), '6J2z6g3-owEhY5fypeb9zAt-cSN2KzVyltYFkui-3Yc');
});

test('edits, seal, open and merge: two devices converge', async () => {
  const u = await loadUnspool();
  const { secret } = JSON.parse(u.syncNewSecret());
  const devA = u.syncNewDeviceId();
  const devB = u.syncNewDeviceId();
  assert.notEqual(devA, devB);

  let clockA = u.syncClockNext('', devA, Date.now());
  let a = u.syncEdit('', JSON.stringify({ op: 'save', at: clockA, thread: thread([1, 2]), savedAt: new Date().toISOString() }));
  clockA = u.syncClockNext(clockA, devA, Date.now());
  a = u.syncEdit(a, JSON.stringify({ op: 'tags', at: clockA, tags: ['read later', 'ai'] }));
  assert.deepEqual(JSON.parse(a).tags, ['ai', 'read later']);

  const sealed = JSON.parse(u.syncSeal(secret, a));
  assert.equal(sealed.id, u.syncRecordId(secret, 'x:42'));
  assert.equal(sealed.deleted, false);
  assert.ok(!Buffer.from(sealed.blob, 'base64').toString('latin1').includes('post 1'), 'plaintext in the blob');

  // Device B receives it, folds its clock in (B's wall clock is an hour
  // behind), and re-saves with a new post while A deletes.
  let b = u.syncOpen(secret, JSON.stringify({ id: sealed.id, seq: 1, deleted: false, blob: sealed.blob }));
  assert.equal(b, a, 'open(seal(a)) is a, as a string');
  let clockB = u.syncClockNext(u.syncMaxClock(b), devB, Date.now() - 3600e3);
  assert.ok(clockB > clockA, 'HLC strings sort in clock order');
  clockA = u.syncClockNext(clockA, devA, Date.now());
  a = u.syncEdit(a, JSON.stringify({ op: 'delete', at: clockA }));
  assert.equal(JSON.parse(a).deleted, true);
  clockB = u.syncClockNext(clockA, devB, Date.now() - 3600e3); // B has seen the delete
  b = u.syncEdit(b, JSON.stringify({ op: 'save', at: clockB, thread: thread([2, 3]) }));

  const ab = u.syncMerge(a, b);
  assert.equal(ab, u.syncMerge(b, a), 'merge is commutative');
  assert.equal(u.syncMerge(ab, b), ab, 'merging what is already in changes nothing');
  const m = JSON.parse(ab);
  assert.equal(m.deleted, false, 'a re-save after the delete resurrects');
  assert.deepEqual(m.thread.posts.map((p) => p.id), ['4202', '4203']);
  assert.deepEqual(m.tags, [], 'tags set before the delete stay deleted');
});

test('tampered or misplaced blobs and bad input throw clear errors', async () => {
  const u = await loadUnspool();
  const { secret } = JSON.parse(u.syncNewSecret());
  const other = JSON.parse(u.syncNewSecret()).secret;
  const at = u.syncClockNext('', 'dev', 1);
  const s = u.syncEdit('null', JSON.stringify({ op: 'save', at, thread: thread([1]) }));
  const { id, blob } = JSON.parse(u.syncSeal(secret, s));
  const raw = Buffer.from(blob, 'base64');
  raw[raw.length - 1] ^= 1;
  assert.throws(() => u.syncOpen(secret, JSON.stringify({ id, blob: raw.toString('base64') })), /altered/);
  assert.throws(() => u.syncOpen(other, JSON.stringify({ id, blob })), /another record or library/);
  assert.throws(() => u.syncOpen(secret, JSON.stringify({ id: u.syncRecordId(secret, 'x:1'), blob })), /another record or library/);
  assert.throws(() => u.syncEdit('', JSON.stringify({ op: 'note', at, note: 'n' })), /only a save/);
  assert.throws(() => u.syncEdit(s, JSON.stringify({ op: 'note', note: 'n' })), /no clock/);
  assert.throws(() => u.syncMerge(s, '{'), /not valid JSON/);
  assert.throws(() => u.syncClockNext('', 'has space', 1), /device id/);
  assert.throws(() => u.syncSeal(secret), /takes 2 strings/);
  assert.throws(() => u.syncMerge(null, s), /takes 2 strings/);
});

test('keep current: a later reading merged in, its new posts counted until the thread is read', async () => {
  const u = await loadUnspool();
  const dev = u.syncNewDeviceId();
  let clock = '';
  const at = () => (clock = u.syncClockNext(clock, dev, Date.now()));
  const saved = u.syncEdit('', JSON.stringify({ op: 'save', at: at(), thread: thread([1, 2, 3]), savedAt: '2026-03-01T12:00:00Z' }));
  const r = JSON.parse(u.syncRefresh(saved, JSON.stringify({ thread: thread([1, 2, 4, 5]), now: '2026-03-02T12:00:00Z', at: at() })));
  // Post 3 is gone at the source (posts 2 and 4 around it say so): kept, marked.
  assert.deepEqual(r.changes, { added: 2, edited: 0, removed: 1, restored: 0 });
  assert.deepEqual(r.saved.thread.posts.map((p) => [p.id, p.addedAt ?? '', p.removedAt ?? '']), [
    ['4201', '', ''], ['4202', '', ''], ['4203', '', '2026-03-02T12:00:00Z'],
    ['4204', '2026-03-02T12:00:00Z', ''], ['4205', '2026-03-02T12:00:00Z', ''],
  ]);
  assert.equal(r.saved.savedAt, '2026-03-01T12:00:00Z', 'the save date stays the user\'s');
  assert.deepEqual(JSON.parse(u.syncNewPosts(JSON.stringify(r.saved))), { count: 2, since: '2026-03-01T12:00:00Z' });
  const read = u.syncEdit(JSON.stringify(r.saved), JSON.stringify({ op: 'readPosition', at: at(), readPosition: { postId: '4201', seenAt: '2026-03-03T00:00:00Z' } }));
  assert.equal(JSON.parse(u.syncNewPosts(read)).count, 0);
  // Nothing new: the record comes back as it was.
  const same = JSON.parse(u.syncRefresh(read, JSON.stringify({ thread: thread([1, 2, 4, 5]), now: '2026-03-04T12:00:00Z', at: at() })));
  assert.deepEqual(same.changes, { added: 0, edited: 0, removed: 0, restored: 0 });
  assert.equal(JSON.stringify(same.saved), read);
  assert.throws(() => u.syncRefresh(read, JSON.stringify({ thread: { ...thread([1]), id: '43' }, now: '2026-03-04T12:00:00Z', at: at() })), /not the saved/);
});
