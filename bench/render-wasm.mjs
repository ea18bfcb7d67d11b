// The renderer in the WASM, as the extension's background calls it: render
// (shadow-root fragment), render standalone, export markdown/text, on the
// 100-post thread of the extraction benchmark, next to extract() of that
// thread's 1.8 MB page in the same run (the target: rendering costs
// less than extraction).
//
//   node bench/render-wasm.mjs [runs]      (after ./build.sh build)
import fs from 'node:fs';
import path from 'node:path';
import { loadUnspool, root } from '../wasm/test/load.mjs';

const runs = Number(process.argv[2] ?? 30);
const dir = path.join(root, 'shared/extract/testdata/x-dom/made-bench-100');
const threadJSON = fs.readFileSync(path.join(dir, 'expected.json'), 'utf8');
const page = fs.readFileSync(path.join(dir, 'source.html'), 'utf8');
const pageURL = fs.readFileSync(path.join(dir, 'url.txt'), 'utf8').trim();

const unspool = await loadUnspool();

function measure(name, fn) {
  for (let i = 0; i < 3; i++) fn(); // warm: JIT and Go heap
  const ms = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    size = fn().length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(2);
  return { name, median: q(0.5), p90: q(0.9), out: `${(size / 1024).toFixed(0)} KB` };
}

// The WASM keeps the last decoded thread (wasm/render.go): alternating two
// spellings of the same JSON makes every call decode, as a first call does.
let flip = 0;
const fresh = () => (flip ^= 1) ? threadJSON : `${threadJSON} `;
const rows = [
  measure('extract (1.8 MB page → thread JSON)', () => unspool.extract(pageURL, page)),
  measure('render fragment (shadow root)', () => unspool.render(fresh(), '{}')),
  measure('render standalone document', () => unspool.render(fresh(), '{"standalone":true}')),
  measure('export markdown', () => unspool.export(fresh(), 'markdown')),
  measure('export text', () => unspool.export(fresh(), 'text')),
  measure('render fragment, same JSON as the call before', () => unspool.render(threadJSON, '{}')),
  measure('export markdown, same JSON as the call before', () => unspool.export(threadJSON, 'markdown')),
];
console.log(`100-post thread, ${runs} runs each, Node ${process.version}, ms:`);
console.table(rows);
process.exit(0);
