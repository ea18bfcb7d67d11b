// WASM extraction benchmark: the 100-post X page that the Go benchmark
// BenchmarkExtractXDOM100 reads (shared/extract/testdata/x-dom/made-bench-100)
// run through extension/unspool.wasm's unspool.extract under node, plus the
// WASM's size raw and gzipped.
//
//   ./build.sh build && node bench/extract-wasm.mjs [seconds=5]
//
// MB/s counts page bytes (as b.SetBytes does natively); the figure is the
// median of one-second rounds after a warm-up, so that a busy machine's
// slow rounds do not decide it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadUnspool, root } from '../wasm/test/load.mjs';

const seconds = Number(process.argv[2] ?? 5);
const dir = path.join(root, 'shared/extract/testdata/x-dom/made-bench-100');
const page = fs.readFileSync(path.join(dir, 'source.html'), 'utf8');
const url = fs.readFileSync(path.join(dir, 'url.txt'), 'utf8').trim();
const bytes = Buffer.byteLength(page);

const unspool = await loadUnspool();
const once = () => {
  const t = JSON.parse(unspool.extract(url, page));
  if (t.posts.length !== 100) throw new Error(`got ${t.posts.length} posts, want 100`);
};
for (let i = 0; i < 5; i++) once(); // warm-up: JIT, heap growth

// Each round also counts CPU time (process.cpuUsage): on a busy machine the
// clock includes time spent waiting for a core, CPU time does not.
const rounds = [];
for (let r = 0; r < seconds; r++) {
  let n = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < 1000) { once(); n++; }
  const ms = (performance.now() - start) / n;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / n;
  rounds.push({ ms, mbs: bytes / 1e6 / (ms / 1000), cpuMs, cpuMbs: bytes / 1e6 / (cpuMs / 1000) });
}
rounds.sort((a, b) => a.ms - b.ms);
const med = rounds[Math.floor(rounds.length / 2)];
const cpuMed = [...rounds].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(rounds.length / 2)];
const wasm = fs.readFileSync(path.join(root, 'extension/unspool.wasm'));
const gz = zlib.gzipSync(wasm, { level: 9 });
console.log(`page: ${(bytes / 1e6).toFixed(2)} MB, 100 posts`);
console.log(`wasm extract: ${med.ms.toFixed(1)} ms/op, ${med.mbs.toFixed(1)} MB/s by the clock (median of ${rounds.length} rounds; best ${rounds[0].mbs.toFixed(1)} MB/s)`);
console.log(`wasm extract: ${cpuMed.cpuMs.toFixed(1)} ms CPU/op, ${cpuMed.cpuMbs.toFixed(1)} cpu-MB/s (median)`);
console.log(`wasm size: ${(wasm.length / 1e6).toFixed(2)} MB raw, ${(gz.length / 1e6).toFixed(2)} MB gzip -9`);
process.exit(0); // the Go program never returns; end the process here
