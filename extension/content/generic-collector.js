// @ts-check
// The catch-all collector: the whole page, trimmed, for unspool.extract to
// read with whichever extractor accepts it (or to say it cannot). Platforms
// with a scrolling or API-based collector register their own before it.
import './collect.js';
import './trim.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.collectors.some((c) => c.id === 'generic')) return;

  U.registerCollector(
    {
      id: 'generic',
      matches: () => true,
      pageURL: () => location.href,
      async collect() {
        // trimPage, not trimCell: the extractors of these pages read
        // classes, wrappers and JSON data blocks that trimCell drops.
        return { content: U.trimPage(document.documentElement) };
      },
    },
    { last: true },
  );
})();
