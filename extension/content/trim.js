// @ts-check
// Trimming a captured cell before it is messaged to the background: X's
// cells are mostly SVG icon paths, generated class lists and inline styles,
// none of which the extractor reads (only data-testid, roles, links, text,
// times and media are stable). A page of real cells shrinks to about a quarter.
import './core.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.trimCell) return;

  // Styles are dropped unless they carry a URL (X shows some media as
  // background-image next to, or instead of, an <img>).
  const KEEP_STYLE = /url\(/i;
  // Attributes that only drive X's own styling and accessibility wiring.
  const DROP_ATTRS = ['class', 'aria-labelledby', 'aria-describedby', 'draggable', 'tabindex'];

  // Elements that never hold a post, dropped when a whole page is sent
  // (our own UI host included).
  U.NOT_CONTENT = 'script, style, noscript, template, link[rel=stylesheet], unspool-ui';

  // trimCell returns the trimmed outerHTML of el; el itself is not touched
  // (the page keeps its DOM as it was). `drop` removes whole elements.
  U.trimCell = (el, { drop = '' } = {}) => {
    const copy = el.cloneNode(true);
    if (drop) for (const node of copy.querySelectorAll(drop)) node.remove();
    // Icons keep their <svg> (data-testid such as icon-verified, aria-label)
    // but lose the drawing.
    for (const svg of copy.querySelectorAll('svg')) svg.replaceChildren();
    for (const node of [copy, ...copy.querySelectorAll('*')]) {
      for (const name of DROP_ATTRS) node.removeAttribute(name);
      const style = node.getAttribute('style');
      if (style !== null && !KEEP_STYLE.test(style)) node.removeAttribute('style');
    }
    collapseWrappers(copy);
    return copy.outerHTML;
  };

  // trimPage returns a whole page for the HTML extractors of other sources,
  // keeping everything they read: classes (Mastodon's web UI, Nitter,
  // legacy twitter.com and Thread Reader App are read by class), the
  // wrappers (their selectors name parents and children), styles, and the
  // page's JSON data blocks (Threads keeps its posts in
  // <script type="application/json">; JSON never runs). Executable scripts,
  // styles, our UI and SVG drawings go. el itself is not touched.
  U.NOT_PAGE_CONTENT = 'script:not([type="application/json" i]), style, noscript, template, link[rel=stylesheet], unspool-ui';
  U.trimPage = (el) => {
    // The copy belongs to an inert document (no browsing context): its
    // <img>, <video> and <audio> load nothing. A copy in the page's own
    // document would start fetching every picture and video again.
    const copy = inert().importNode(el, true);
    for (const node of copy.querySelectorAll(U.NOT_PAGE_CONTENT)) node.remove();
    for (const svg of copy.querySelectorAll('svg')) svg.replaceChildren();
    return copy.outerHTML;
  };

  let inertDoc = null;
  const inert = () => (inertDoc ??= document.implementation.createHTMLDocument(''));

  // X nests most things in several bare <div>s (their classes gone now).
  // A bare div whose only content is one element is replaced by that
  // element: the tree keeps its order, siblings and every marked element,
  // and loses about a third of its bytes. Deepest first, so chains fold.
  function collapseWrappers(root) {
    const divs = [...root.querySelectorAll('div')].reverse();
    for (const div of divs) {
      if (div.attributes.length !== 0 || div.childNodes.length !== 1) continue;
      const only = div.firstChild;
      if (only.nodeType === Node.ELEMENT_NODE) div.replaceWith(only);
    }
  }
})();
