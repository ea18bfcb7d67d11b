// @ts-check
// The one element Unspool adds to a page: <unspool-ui>, a child of <html>
// (not of <body>, which the page's framework owns), holding a closed shadow
// root. Page CSS cannot reach inside and our CSS cannot leak out. Styles are
// constructed stylesheets (adoptedStyleSheets), which a page's style-src CSP
// does not block. Removing the element leaves the page as it was.
import './core.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.ui) return;

  const TAG = 'unspool-ui';
  const sheets = new Map();

  // sheet returns a constructed stylesheet for css, built once.
  U.sheet = (css) => {
    if (!sheets.has(css)) {
      const s = new CSSStyleSheet();
      s.replaceSync(css);
      sheets.set(css, s);
    }
    return sheets.get(css);
  };

  // While the reader is open, printing shows only the reader. The sheet
  // only applies to print media and is taken off the document on close.
  const PRINT_CSS = `@media print {
    body { display: none !important; }
    ${TAG} { position: static !important; display: block !important; }
  }`;

  // useSheets gives a document or shadow root exactly `sheets`. Where a
  // browser will not take constructed sheets from a content script (Firefox
  // sees page objects through wrappers that may refuse the array), the same
  // CSS goes in one <style> element of ours instead.
  U.useSheets = (target, sheets) => {
    try {
      target.adoptedStyleSheets = sheets;
      if (target.adoptedStyleSheets.length === sheets.length) return;
    } catch {
      // fall through to the <style> element
    }
    const parent = target.head ?? target; // a Document's <head>, else the shadow root itself
    let style = parent.querySelector?.(':scope > style[data-unspool]');
    if (!sheets.length) return style?.remove();
    if (!style) {
      style = document.createElement('style');
      style.dataset.unspool = '';
      parent.prepend(style);
    }
    style.textContent = sheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('\n')).join('\n');
  };

  let host = null;
  let root = null;

  U.ui = {
    // open returns the shadow root, creating the host when needed.
    open() {
      if (!host) {
        host = document.createElement(TAG);
        root = host.attachShadow({ mode: 'closed' });
        // Keys typed in our UI must not reach the page's own shortcuts
        // (X binds j, k, l, / …) after leaving the shadow root.
        for (const type of ['keydown', 'keyup', 'keypress']) host.addEventListener(type, (e) => e.stopPropagation());
        document.documentElement.append(host);
      }
      return root;
    },
    get host() {
      return host;
    },
    printOnlyUs(on) {
      const sheet = U.sheet(PRINT_CSS);
      const others = document.adoptedStyleSheets.filter((s) => s !== sheet);
      U.useSheets(document, on ? [...others, sheet] : others);
    },
    close() {
      U.ui.printOnlyUs(false);
      host?.remove();
      host = null;
      root = null;
    },
  };
})();
