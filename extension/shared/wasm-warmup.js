// @ts-check
// A just-loaded WASM runs on V8's baseline code, several times slower than
// once its hot functions are optimised: measured in node on this project's
// module, the first extraction of a 100-post page took 2.1–2.6 s cold and
// 0.4–0.7 s after a warm-up. So right after loading, while the collector is
// still scrolling the page (another process), the background runs the
// paths a click takes on a small thread, one short round per task, and
// stops as soon as a click's call arrives — which then waits for at most one
// round. A round takes both of X's roads: JSON first (xContinuations on X's
// answers, then extractCollected and render of the JSON alone), and the
// scrolled cells. The threads are the extractor's goldens (warmup.gen.js,
// written by shared/jsgen).
//
// The WASM keeps the last answers it decoded (shared/extract
// x_graphql_memo.go), so each round's answers differ by trailing whitespace
// (still the same JSON): otherwise only the first round would decode, and
// decoding is most of a JSON look.

import { url, collected, jsonURL, jsonCollected } from './warmup.gen.js';

const MAX_ROUNDS = 6;

// startWarmUp runs rounds until MAX_ROUNDS or until stop() is true;
// report({rounds, ms, gaveWay}) is called when it ends (gaveWay: stop() ended
// it before MAX_ROUNDS).
export function startWarmUp(api, { stop, report }) {
  let rounds = 0;
  let ms = 0;
  const end = (gaveWay) => report({ rounds, ms: Math.round(ms), gaveWay });
  const round = () => {
    if (rounds >= MAX_ROUNDS) return end(false);
    if (stop()) return end(true);
    const t0 = performance.now();
    try {
      const { json, followed } = JSON.parse(jsonCollected);
      const answers = { json: json.map((body) => body + ' '.repeat(rounds + 1)), followed };
      api.xContinuations(jsonURL, answers);
      api.render(api.extractCollected(jsonURL, { ...answers, html: [], stoppedBy: 'end' }), '{}');
      api.render(api.extractCollected(url, collected), '{}');
    } catch {
      return end(false); // a failed warm-up only loses the speed-up
    }
    ms += performance.now() - t0;
    rounds++;
    setTimeout(round, 0); // let a waiting message in between rounds
  };
  setTimeout(round, 0);
}
