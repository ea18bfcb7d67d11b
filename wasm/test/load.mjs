// Loads extension/unspool.wasm the way external checks do: Go's own
// wasm_exec.js, go.run, then globalThis.unspool.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.resolve(root, '../shared/fixtures');

// readSource reads a case's source.txt reference (relative to the
// repository). Captures whose licence forbids a copy are in the fixture set
// beside it, ../shared/fixtures: missing, the case fails ({missing}), unless
// UNSPOOL_FIXTURES_ABSENT=1 says the set is knowingly absent ({skip}: node's
// summary counts it). The Go tests keep the same rule
// (shared/extract/fixtures_test.go).
export function readSource(ref) {
  const file = path.join(root, ref.trim());
  if (fs.existsSync(file)) return { content: fs.readFileSync(file, 'utf8') };
  if (process.env.UNSPOOL_FIXTURES_ABSENT) return { skip: `not checked: ${file} is absent (UNSPOOL_FIXTURES_ABSENT=1)` };
  return {
    missing: `${file} is missing: this case reads the fixture set beside the repository (its licence forbids a copy); ` +
      'put ../shared/fixtures there, or set UNSPOOL_FIXTURES_ABSENT=1 to test without it (its cases are then skipped)',
  };
}

// startUnspool runs a build of unspool.wasm (the extension's by default)
// with the Go environment variables env, and resolves to its API.
export async function startUnspool(file = path.join(root, 'extension/unspool.wasm'), env = {}) {
  await import(path.join(root, 'extension/wasm_exec.js'));
  const go = new globalThis.Go();
  go.env = env;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), go.importObject);
  go.run(instance); // never resolves: main blocks to serve calls
  return globalThis.unspool;
}

let loaded;
export function loadUnspool() {
  loaded ??= startUnspool();
  return loaded;
}
