// The WASM's share of a JSON-first X unroll, without a browser: the five
// answers of bench/x-unroll.mjs's 200-post page (extension/test/pages.mjs
// xAppPage, ~150 KB each) through unspool.wasm under node, as the
// background asks (background/reader-api.js): xContinuations after each
// answer with every answer so far, then extractCollected and render. Each
// unroll's answers differ from the last one's by trailing whitespace, so
// the WASM's memo of decoded answers does not skip them (as in the browser,
// where each page load brings new answers). Between calls, untimed, it
// calls collectIdle as the worker does while it waits for the page (where
// the build has it: extension/shared/wasm-host.js).
//   node bench/x-looks-wasm.mjs [unrolls=40] [path/to/unspool.wasm]
// Two builds compared: run it alternately on each (A, B, A, B).
// Prints ms per unroll (median, p90, mean), the Go collections per unroll
// that ran inside the timed calls and those run idle, the MB the Go heap
// took in per unroll (from GODEBUG=gctrace=1: each collection's heap at its
// end less the live heap the one before left; counted, not printed), and
// the load average.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, startUnspool } from '../wasm/test/load.mjs';
import { xAppPage } from '../extension/test/pages.mjs';

const UNROLLS = Number(process.argv[2] ?? 40);
const wasmPath = path.resolve(process.argv[3] ?? path.join(root, 'extension/unspool.wasm'));
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const loadBefore = load();

const made = xAppPage({ name: 'bench-200', n: 200, base: 1970000000000000000n });

await import(path.join(root, 'extension/wasm_exec.js'));
// wasm_exec.js routes the Go program's stderr through globalThis.fs:
// gctrace's lines ("gc 12 @0.7s 20%: … 12->13->6 MB, …") are read there.
const collections = { inCalls: 0, idle: 0, allocatedMB: 0 };
let liveMB = null; // what the last collection left
const decoder = new TextDecoder();
const write = globalThis.fs.writeSync;
let stderr = ''; // the runtime writes a line in pieces
globalThis.fs.writeSync = (fd, buf) => {
  if (fd !== 2) return write(fd, buf);
  const lines = (stderr + decoder.decode(buf)).split('\n');
  stderr = lines.pop();
  for (const line of lines) {
    const heap = /^gc \d+ @.* \d+->(\d+)->(\d+) MB/.exec(line);
    if (!heap) continue;
    collections[line.endsWith('(forced)') ? 'idle' : 'inCalls']++;
    if (liveMB !== null) collections.allocatedMB += Number(heap[1]) - liveMB;
    liveMB = Number(heap[2]);
  }
  return buf.length;
};
const unspool = await startUnspool(wasmPath, { GODEBUG: 'gctrace=1' });
const idle = () => unspool.collectIdle?.();

// unroll returns the ms spent in the WASM's calls, the idle moments left out.
function unroll(k) {
  let ms = 0;
  const timed = (fn) => {
    const t0 = performance.now();
    const out = fn();
    ms += performance.now() - t0;
    idle();
    return out;
  };
  const json = [];
  const followed = [];
  for (const body of made.bodies) {
    json.push(body + ' '.repeat(k + 1));
    const chain = JSON.parse(timed(() => unspool.xContinuations(made.url, { json, followed: [...followed] })));
    if (chain.next[0]) followed.push(chain.next[0].cursor);
    else if (!chain.complete) throw new Error(`no cursor, chain incomplete after ${json.length} answers`);
  }
  // The last look's unroll: extraction and render in one go, as the worker does.
  const thread = timed(() => {
    const t = unspool.extractCollected(made.url, { html: [], json, followed, stoppedBy: 'end' });
    unspool.render(t, '{}');
    return t;
  });
  if (JSON.parse(thread).posts.length !== 200) throw new Error('the thread is not whole');
  return ms;
}

for (let k = 0; k < 3; k++) unroll(UNROLLS + k); // warm-up (V8 tiers the module up), with answers of their own
const before = { ...collections };
const ms = [];
for (let k = 0; k < UNROLLS; k++) ms.push(unroll(k));
const sorted = [...ms].sort((a, b) => a - b);
const r1 = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  wasm: path.relative(process.cwd(), wasmPath) || wasmPath,
  unrolls: UNROLLS,
  answersKB: made.bodies.map((b) => Math.round(b.length / 1024)),
  msPerUnroll: { median: r1(sorted[UNROLLS >> 1]), p90: r1(sorted[Math.floor(UNROLLS * 0.9)]), mean: r1(ms.reduce((a, b) => a + b) / UNROLLS) },
  collectionsPerUnroll: { inCalls: r1((collections.inCalls - before.inCalls) / UNROLLS), idle: r1((collections.idle - before.idle) / UNROLLS) },
  allocatedMBPerUnroll: r1((collections.allocatedMB - before.allocatedMB) / UNROLLS),
  loadAverage: { before: loadBefore, after: load() },
}));
process.exit(0);
