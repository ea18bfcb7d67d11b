// Loads extension/unspool.wasm the way external checks do: Go's own
// wasm_exec.js, go.run, then globalThis.unspool.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.resolve(root, '../shared/fixtures');

let loaded;
export function loadUnspool() {
  loaded ??= (async () => {
    await import(path.join(root, 'extension/wasm_exec.js'));
    const go = new globalThis.Go();
    const wasm = fs.readFileSync(path.join(root, 'extension/unspool.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
    go.run(instance); // never resolves: main blocks to serve calls
    return globalThis.unspool;
  })();
  return loaded;
}
