// A Worker isolate's cold start in V8 (Node): compiling the module, then the
// first instance (V8 compiles each wasm function lazily, on its first call,
// so the first instance pays for compiling everything start-up runs — every
// package's init), then two warm instances. CPU time beside wall time: the
// machine these figures come from is shared.
//
//   node bench/share/coldstart.mjs DIR   (DIR holds app.wasm and wasm_exec.js)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const dir = process.argv[2];
await import(pathToFileURL(path.resolve(dir, 'wasm_exec.js')).href);
const bytes = fs.readFileSync(path.join(dir, 'app.wasm'));
let c = process.cpuUsage(), t = performance.now();
const mod = await WebAssembly.compile(bytes);
const cpu = (c) => { const u = process.cpuUsage(c); return ((u.user + u.system) / 1000).toFixed(0); };
const out = [`compile ${(performance.now() - t).toFixed(0)} ms wall / ${cpu(c)} ms cpu`];
for (let i = 0; i < 3; i++) {
  c = process.cpuUsage(); t = performance.now();
  const go = new Go();
  let ready; const p = new Promise((r) => { ready = r; });
  const inst = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => ready() } });
  go.run(inst, { env: {}, ctx: {}, connect: () => {}, binding: {} });
  await p;
  out.push(`instance ${i}: ${(performance.now() - t).toFixed(0)} ms wall / ${cpu(c)} ms cpu`);
}
console.log(dir, out.join(', '));
process.exit(0);
