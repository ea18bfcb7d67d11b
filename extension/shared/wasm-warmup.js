// @ts-check
// A just-loaded WASM runs on V8's baseline code, several times slower than
// once its hot functions are optimised: measured in node on this project's
// module, the first extraction of a 100-post page took 2.1–2.6 s cold and
// 0.4–0.7 s after a warm-up. So right after loading, while the collector is
// still scrolling the page (another process), the background runs the
// extract and render paths on a small thread, one short round per
// task, and stops as soon as a real call arrives — which then waits for at
// most one round. The thread is a real collected X page, one of the
// extractor's goldens (warmup.gen.js, written by shared/jsgen).

import { url, collected } from './warmup.gen.js';

const MAX_ROUNDS = 6;

// startWarmUp runs rounds until MAX_ROUNDS or until stop() is true;
// report(rounds, ms) is called when it ends.
export function startWarmUp(api, { stop, report }) {
  let rounds = 0;
  let ms = 0;
  const round = () => {
    if (stop() || rounds >= MAX_ROUNDS) return report(rounds, Math.round(ms));
    const t0 = performance.now();
    try {
      api.render(api.extractCollected(url, collected), '{}');
    } catch {
      return report(rounds, Math.round(ms)); // a failed warm-up only loses the speed-up
    }
    ms += performance.now() - t0;
    rounds++;
    setTimeout(round, 0); // let a waiting message in between rounds
  };
  setTimeout(round, 0);
}
