// Start-up cost of the Go worker in V8 (Node), without wrangler: the part of
// every Workers request that creates a fresh instance and runs main() until
// the handler is ready (syumai/workers' worker.mjs does exactly this per
// request). Run on two builds to see what linking render + minify costs.
//
//   node bench/share/startup.mjs DIR [DIR…]   (each DIR holds app.wasm and
//   the wasm_exec.js that workers-assets-gen wrote beside it)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

// Few runs per process: a Go instance never exits (main blocks serving), so
// instances pile up in one process and later ones pay for the memory of the
// earlier; a Worker discards each. ROUNDS processes per build, alternating.
const RUNS = Number(process.env.RUNS ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const METRIC = process.env.METRIC ?? 'cpu'; // or 'wall'

async function measure(dir) {
  await import(pathToFileURL(path.resolve(dir, 'wasm_exec.js')).href);
  const bytes = fs.readFileSync(path.join(dir, 'app.wasm'));
  const mod = await WebAssembly.compile(bytes);
  const times = [];
  // One more run than measured: the first compiles (V8 compiles wasm
  // functions lazily), which workerd does once per isolate, not per request.
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const go = new Go();
    let ready;
    const readyP = new Promise((r) => { ready = r; });
    const instance = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => ready() } });
    // No D1 binding here: main() takes its "broken deployment" path, which
    // runs every package's init and builds the handler all the same.
    go.run(instance, { env: {}, ctx: {}, connect: () => {}, binding: {} });
    await readyP;
    const cpu = process.cpuUsage(c);
    // CPU time, not wall time: it is what the Workers limit counts, and on a
    // shared machine wall time mostly measures the other processes.
    if (i > 0) times.push(METRIC === 'wall' ? performance.now() - t : (cpu.user + cpu.system) / 1000);
  }
  return times;
}

if (process.env.STARTUP_CHILD) {
  console.log(JSON.stringify(await measure(process.env.STARTUP_CHILD)));
  process.exit(0);
}
const dirs = process.argv.slice(2);
const all = Object.fromEntries(dirs.map((d) => [d, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const dir of dirs) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, STARTUP_CHILD: dir }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    all[dir].push(...JSON.parse(out.toString().trim().split('\n').pop()));
  }
}
for (const dir of dirs) {
  const times = all[dir].sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))].toFixed(2);
  const size = fs.statSync(path.join(dir, 'app.wasm')).size;
  console.log(`${dir}: ${(size / 1e6).toFixed(2)} MB wasm; instance + main() until ready (${METRIC} time): min ${times[0].toFixed(2)} ms, p50 ${q(50)} ms, p90 ${q(90)} ms (${times.length} runs)`);
}
process.exit(0);
