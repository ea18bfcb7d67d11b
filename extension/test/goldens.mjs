// The extraction goldens of shared/extract/testdata, as the browser tests
// use them: a case's page address, its source and the Thread it must give,
// and the check that the extension's extraction is that Thread.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const testdata = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/extract/testdata');

// golden reads the case <source>/<case> (dir): {dir, url, source (text), expected}.
export function golden(dir) {
  const d = path.join(testdata, dir);
  const src = ['source.json', 'source.html'].find((f) => fs.existsSync(path.join(d, f)));
  return {
    dir,
    url: new URL(fs.readFileSync(path.join(d, 'url.txt'), 'utf8').trim()),
    source: fs.readFileSync(path.join(d, src), 'utf8'),
    expected: JSON.parse(fs.readFileSync(path.join(d, 'expected.json'), 'utf8')),
  };
}

// assertGolden: the extracted thread is the golden's, but for the capture
// time and — for a page served off its platform's host — the page's own
// address where the extractor uses it.
export function assertGolden(thread, c, pageOrigin) {
  const got = JSON.parse(JSON.stringify(thread).replaceAll(pageOrigin, c.url.origin));
  const want = structuredClone(c.expected);
  delete got.capturedAt;
  delete want.capturedAt;
  assert.deepEqual(got, want, `${c.dir}: the extension's extraction differs from the golden`);
}
