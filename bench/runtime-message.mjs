// What one runtime message to the background costs by its size alone: an
// idle extension page (the library) sends chrome.runtime.sendMessage with
// a string of X-like JSON of 0, 30, 150, 300 and 750 KB to a type no
// handler answers, 31 times each (a benchmark, not a test):
//   node bench/runtime-message.mjs                (after ./build.sh build)
//   BROWSER=firefox node bench/runtime-message.mjs
// Median round trip in ms (fastest in brackets). The anchor for the X
// unroll's looks (bench/x-unroll.mjs), which send ~150 KB of X's answer
// each from a busy page.
import os from 'node:os';
import { openProfile } from '../extension/test/library-helpers.mjs';

const SIZES_KB = [0, 30, 150, 300, 750];
const ROUNDS = 31;
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

console.log(`load average before: ${load()}`);
const P = await openProfile();
try {
  await P.page.goto(P.url('pages/library/library.html'));
  await new Promise((r) => setTimeout(r, 1000)); // the page's own start-up done
  const out = await P.page.evaluate(async ({ sizes, rounds }) => {
    const json = JSON.stringify({ posts: Array.from({ length: 8000 }, (_, i) => ({ id: String(1e18 + i), text: `a "quoted" post ${i}`, n: i })) });
    const res = {};
    for (const kb of sizes) {
      const body = json.slice(0, kb * 1000);
      const ms = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await chrome.runtime.sendMessage({ type: 'bench:none', body }).catch(() => {});
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      res[`${kb} KB`] = `${ms[rounds >> 1].toFixed(1)} (${ms[0].toFixed(1)})`;
    }
    return res;
  }, { sizes: SIZES_KB, rounds: ROUNDS });
  console.log(`browser: ${P.browser}`);
  console.table(out);
} finally {
  await P.close();
}
console.log(`load average after: ${load()}`);
