// The one element Unspool adds to a page: <unspool-ui>, a child of <html>
// (not of <body>, which the page's framework owns), holding a closed shadow
// root. Page CSS cannot reach inside and our CSS cannot leak out. Styles are
// constructed stylesheets (adoptedStyleSheets), which a page's style-src CSP
// does not block. Removing the element leaves the page as it was.
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
      document.adoptedStyleSheets = on ? [...others, sheet] : others;
    },
    close() {
      U.ui.printOnlyUs(false);
      host?.remove();
      host = null;
      root = null;
    },
  };
})();
