// A just-loaded WASM runs on V8's baseline code, several times slower than
// once its hot functions are optimised: measured in node on this project's
// module, the first extraction of a 100-post page took 2.1–2.6 s cold and
// 0.4–0.7 s after a warm-up. So right after loading, while the collector is
// still scrolling the page (another process), the background runs the
// extract and render paths on a small made thread, one short round per
// task, and stops as soon as a real call arrives — which then waits for at
// most one round.

const MAX_ROUNDS = 6;
const CELLS = 6;

// A few X-like cells with the markers the extractor reads (data-testid,
// status links around <time>, text with a link, a reply count).
function sampleCells() {
  let html = '';
  for (let i = 1; i <= CELLS; i++) {
    const id = String(1000000000000000000n + BigInt(i));
    const at = new Date(Date.UTC(2024, 0, 1, 12, i)).toISOString();
    html +=
      `<div data-testid="cellInnerDiv"><article data-testid="tweet" role="article"><div data-testid="Tweet-User-Avatar">` +
      `<img src="https://pbs.twimg.com/profile_images/1/warm_normal.jpg" alt=""></div><div data-testid="User-Name">` +
      `<a href="/warmup" role="link"><span>Warm Up</span></a><a href="/warmup" role="link"><span>@warmup</span></a>` +
      `<a href="/warmup/status/${id}" role="link"><time datetime="${at}">Jan 1</time></a></div>` +
      `<div data-testid="tweetText" lang="en"><span>Post ${i} of a made thread with a link </span>` +
      `<a href="https://t.co/x${i}" role="link">example.com/${i}</a><span> and a #tag and @someone.</span></div>` +
      `<div role="group"><div data-testid="reply" role="button"><span>1</span></div></div></article></div>`;
  }
  return html;
}

// startWarmUp runs rounds until MAX_ROUNDS or until stop() is true;
// report(rounds, ms) is called when it ends.
export function startWarmUp(api, { stop, report }) {
  const collected = JSON.stringify({ html: [sampleCells()], json: [], stoppedBy: 'end' });
  const url = 'https://x.com/warmup/status/1000000000000000001';
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
