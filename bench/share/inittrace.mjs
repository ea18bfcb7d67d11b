// Go package initialisation inside the Worker's wasm, per package
// (GODEBUG=inittrace=1), on the 4th instance of one process so that V8 has
// compiled the functions already (as workerd has, after the first request).
// Allocation counts are exact; times are wall clock and follow machine load.
//
//   node bench/share/inittrace.mjs DIR   (DIR holds app.wasm and wasm_exec.js)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
await import(pathToFileURL(path.resolve(dir, 'wasm_exec.js')).href);
const mod = await WebAssembly.compile(fs.readFileSync(path.join(dir, 'app.wasm')));
const lines = [];
for (const k of ['log', 'error']) {
  const orig = console[k];
  console[k] = (...a) => (String(a[0]).startsWith('init ') ? lines.push(String(a[0])) : orig(...a));
}
let last;
for (let i = 0; i < 4; i++) {
  lines.length = 0;
  const go = new Go();
  go.env = { GODEBUG: 'inittrace=1' };
  let ready;
  const p = new Promise((r) => { ready = r; });
  const inst = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => ready() } });
  const t = performance.now();
  go.run(inst, { env: {}, ctx: {}, connect: () => {}, binding: {} });
  await p;
  last = { ms: performance.now() - t, lines: [...lines] };
}
const rows = last.lines.map((l) => {
  const m = l.match(/^init (\S+) @\S+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs/);
  return m && { pkg: m[1], ms: Number(m[2]), bytes: Number(m[3]), allocs: Number(m[4]) };
}).filter(Boolean);
const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
console.log(`${dir}: ${rows.length} packages; init ${sum('ms').toFixed(2)} ms, ${sum('bytes')} bytes, ${sum('allocs')} allocs; instance ready after ${last.ms.toFixed(1)} ms`);
for (const r of rows.sort((a, b) => b.allocs - a.allocs).slice(0, 4)) {
  console.log(`  ${r.pkg}: ${r.ms} ms, ${r.bytes} bytes, ${r.allocs} allocs`);
}
process.exit(0);
