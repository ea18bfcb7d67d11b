// @ts-check
// The reader: a modal overlay in the <unspool-ui> shadow root showing the
// renderer's output, with a toolbar of actions (reader-actions.js and any
// feature that registers one), settings that are remembered, notices for
// incomplete threads and single posts, Esc / click-outside to close, focus
// kept inside while open and given back on close.
//
// The renderer's HTML is trusted (built by shared/render from structured
// data, every string escaped), and is still parsed inertly with DOMParser
// and stripped of anything executable before it is adopted: a renderer bug
// must not become script in someone's x.com tab. Its <style> becomes a
// constructed stylesheet in a nested shadow root of its own, so reader and
// toolbar styles cannot collide.
import './ui-host.js';
import './reader-media.js';
import { readerSettings } from '../shared/contract.gen.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.reader) return;

  const CHROME_CSS = `
    :host { all: initial; position: fixed; inset: 0; z-index: 2147483647; display: block; }
    .backdrop { position: absolute; inset: 0; overflow-y: auto; overscroll-behavior: contain;
      background: rgb(15 20 30 / .55); }
    .dialog { box-sizing: border-box; margin: 0 auto; max-width: min(100%, 920px); min-height: calc(100% + 1px);
      background: var(--unspool-bg, Canvas); color: CanvasText; color-scheme: light; display: flex; flex-direction: column;
      box-shadow: 0 0 40px rgb(0 0 0 / .35); font: 14px/1.4 system-ui, sans-serif; }
    .bar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 4px; align-items: center;
      padding: 8px 12px; background: var(--unspool-bg, Canvas); border-bottom: 1px solid color-mix(in srgb, CanvasText 15%, transparent); }
    .panel { flex-basis: 100%; display: flex; flex-wrap: wrap; gap: 12px; justify-content: flex-end; padding-top: 4px; }
    .panel[hidden] { display: none; }
    .bar h2 { font-size: 14px; font-weight: 600; margin: 0 auto 0 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1 1 8em; min-width: 6em; }
    button, select { font: inherit; color: inherit; background: color-mix(in srgb, CanvasText 7%, Canvas);
      border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); border-radius: 6px; padding: 3px 7px; font-size: 13px; cursor: pointer; }
    button:hover, select:hover { background: color-mix(in srgb, CanvasText 14%, Canvas); }
    button:focus-visible, select:focus-visible { outline: 2px solid #d9633f; outline-offset: 2px; }
    .content:focus-visible { outline: 2px solid color-mix(in srgb, #d9633f 45%, transparent); outline-offset: -2px; }
    .close { font-weight: 600; }
    label.setting { display: inline-flex; align-items: center; gap: 4px; }
    .notice { margin: 12px 16px 0; padding: 10px 12px; border-radius: 8px; background: #fff3cd; color: #4a3b00; }
    .notice button { margin-left: 8px; background: #fff; color: #4a3b00; }
    .content { flex: 1; padding: 8px 0 48px; }
    .status { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    .sentinel { position: absolute; width: 1px; height: 1px; overflow: hidden; }
    @media print {
      :host { position: static; }
      .backdrop { position: static; overflow: visible; background: none; }
      .dialog { max-width: none; min-height: 0; box-shadow: none; }
      .bar, .notice button, .sentinel { display: none; }
    }
  `;


  // Elements and attributes that could run code or load active content;
  // the renderer never emits them, so finding one means a bug upstream.
  const UNSAFE = 'script, iframe, frame, object, embed, form, base, meta, link, template';
  const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/))/i;

  const actions = [];

  // sanitize removes from a parsed fragment anything executable.
  function sanitize(doc) {
    for (const el of doc.querySelectorAll(UNSAFE)) el.remove();
    for (const el of doc.querySelectorAll('*')) {
      for (const attr of [...el.attributes]) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on') || name === 'srcdoc') el.removeAttribute(attr.name);
        else if (['href', 'src', 'poster', 'action', 'xlink:href', 'formaction'].includes(name) && !SAFE_URL.test(attr.value.trim())) {
          el.removeAttribute(attr.name);
        }
      }
    }
  }

  // On screen, posts far below the fold are not laid out or painted until
  // scrolled near (the browser keeps their size once seen): a 100-post
  // thread paints like a short one. Printing lays out everything.
  const READER_EXTRA_CSS = '@media screen { .u-post { content-visibility: auto; contain-intrinsic-size: auto 12em; } }';

  // pagePolicies is the page's Content-Security-Policy, which binds the
  // overlay's media as it binds the page's own: the header (read from a HEAD
  // request to the page's own address, once per page, only when a thread
  // has clips to play) and any <meta> policy.
  let policies = null;
  function pagePolicies() {
    policies ??= (async () => {
      const found = [...document.querySelectorAll('meta[http-equiv="content-security-policy" i]')].map((m) => /** @type {HTMLMetaElement} */ (m)).map((m) => m.content);
      try {
        const res = await fetch(location.href, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' });
        const header = res.headers.get('content-security-policy');
        if (header) found.push(header);
      } catch {
        // Unknown: the clips are tried, and an error shows the poster.
      }
      return found;
    })();
    return policies;
  }

  // Firefox holds what content scripts fetch to the page's CSP
  // (connect-src), Chromium does not: the HLS player's playlist and segment
  // requests, made from this world, are judged by it only where they are held.
  const PLAYER_FETCH_HELD = chrome.runtime.getURL('').startsWith('moz-extension:');

  // The HLS player library is injected by the background into this tab on
  // the first HLS play only (it is large, and most threads have none).
  async function loadHls() {
    if (!globalThis.Hls) await U.ask('reader:player');
    return globalThis.Hls;
  }

  // wireMedia gives the rendered clips and pictures their behaviour
  // (reader-media.js) once the page's media policy is known. Until then the
  // clips hold their files aside, so a press cannot load what the page
  // forbids (the browser would log the refusal as an error).
  function wireMedia(s) {
    s.unwireMedia?.();
    const root = s.contentRoot;
    if (!root.querySelector('.u-plays, .u-photos')) return;
    let live = true;
    s.unwireMedia = () => { live = false; };
    const clips = root.querySelectorAll('.u-plays > .u-media[src]');
    for (const el of clips) {
      el.dataset.uSrc = el.getAttribute('src');
      el.removeAttribute('src');
    }
    const needPolicy = root.querySelector('.u-plays') !== null;
    (needPolicy ? pagePolicies() : Promise.resolve([])).then((found) => {
      if (live && state === s) s.unwireMedia = globalThis.unspoolMedia.enhance(root, { policies: found, loadHls, playerFetchHeld: PLAYER_FETCH_HELD });
    });
  }

  // adopt puts renderer output into `root`: styles as constructed sheets,
  // everything else as parsed nodes (no innerHTML).
  function adopt(root, html) {
    const doc = new DOMParser().parseFromString(`<!doctype html><html><head></head><body>${html}</body></html>`, 'text/html');
    const sheets = [...doc.querySelectorAll('style')].map((s) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(s.textContent);
      s.remove();
      return sheet;
    });
    sanitize(doc);
    root.replaceChildren(...[...doc.body.childNodes].map((n) => document.adoptNode(n)));
    U.useSheets(root, [...sheets, U.sheet(READER_EXTRA_CSS), U.sheet(globalThis.unspoolMedia.CSS)]); // after the nodes: a fallback <style> must survive replaceChildren
  }

  function button(label, title, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (title) {
      b.title = title;
      b.setAttribute('aria-label', title);
    }
    b.addEventListener('click', onClick);
    return b;
  }

  function focusables(root) {
    return [...root.querySelectorAll('button, select, a[href], [tabindex="0"]')].filter((el) => !el.disabled && el.offsetParent !== null);
  }

  let state = null; // the open reader

  // open shows a rendered thread: res = {thread (JSON string), html, settings}.
  // returnFocus is where focus goes back on close (the page element that
  // had it before the first unroll, kept across Re-collect).
  /**
   * @param {any} res
   * @param {{onRecollect?: () => unknown, returnFocus?: Element}} [options]
   */
  function open(res, { onRecollect, returnFocus = document.activeElement } = {}) {
    close({ restoreFocus: false });
    const thread = JSON.parse(res.thread);
    const scroll = { x: window.scrollX, y: window.scrollY };

    const root = U.ui.open();

    const backdrop = document.createElement('div');
    backdrop.className = 'backdrop';
    const dialog = document.createElement('div');
    dialog.className = 'dialog';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', 'unspool-title');
    backdrop.append(dialog);

    const title = document.createElement('h2');
    title.id = 'unspool-title';
    const n = thread.posts.length;
    title.textContent = `Thread by @${thread.author.handle} · ${n} post${n === 1 ? '' : 's'}`;

    const live = document.createElement('div');
    live.className = 'status';
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');

    const content = document.createElement('div');
    content.className = 'content';
    content.tabIndex = 0;
    content.setAttribute('role', 'document');
    content.setAttribute('aria-label', `Thread by @${thread.author.handle}`);
    const contentRoot = content.attachShadow({ mode: 'closed' });
    adopt(contentRoot, res.html);

    const s = {
      thread,
      threadJSON: res.thread,
      settings: res.settings,
      root,
      dialog,
      content,
      contentRoot,
      live,
      returnFocus,
      scroll,
      onRecollect,
    };
    state = s;
    wireMedia(s);

    const ctx = {
      get thread() {
        return s.thread;
      },
      get threadJSON() {
        return s.threadJSON;
      },
      exportAs: (format) => U.ask('reader:export', { thread: s.threadJSON, format }),
      notify: (text) => {
        // Re-set so the same words are announced again.
        live.textContent = '';
        setTimeout(() => (live.textContent = text), 30);
      },
      close: () => close(),
      recollect: () => s.onRecollect?.(),
    };

    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Reader tools');
    bar.append(title);
    for (const a of [...actions].sort((x, y) => x.order - y.order)) {
      if (a.visible && !a.visible(ctx)) continue;
      const b = button(a.label, a.title, () => Promise.resolve(a.run(ctx)).catch((err) => ctx.notify(`${a.label} failed: ${err.message}`)));
      b.dataset.action = a.id;
      bar.append(b);
      a.mount?.(b, ctx);
    }
    // Display settings sit in a row the "Aa" button shows and hides, so the
    // toolbar keeps to one line.
    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.id = 'unspool-display';
    panel.hidden = true;
    panel.setAttribute('role', 'group');
    panel.setAttribute('aria-label', 'Display settings');
    for (const setting of readerSettings) panel.append(settingControl(setting)); // the renderer's options, in the toolbar's order
    const aa = button('Aa', 'Display settings', () => {
      panel.hidden = !panel.hidden;
      aa.setAttribute('aria-expanded', String(!panel.hidden));
    });
    aa.setAttribute('aria-controls', panel.id);
    aa.setAttribute('aria-expanded', 'false');
    const closeBtn = button('✕', 'Close reader (Esc)', () => close());
    closeBtn.classList.add('close');
    bar.append(aa, closeBtn, panel);

    dialog.append(bar, ...notices(thread, ctx), content, live);

    // Sentinels on both sides wrap Tab and Shift+Tab around the dialog.
    const first = document.createElement('span');
    const last = document.createElement('span');
    for (const el of [first, last]) {
      el.className = 'sentinel';
      el.tabIndex = 0;
      el.setAttribute('aria-hidden', 'true');
    }
    first.addEventListener('focus', () => content.focus());
    last.addEventListener('focus', () => focusables(bar)[0]?.focus());
    root.replaceChildren(first, backdrop, last);
    U.useSheets(root, [U.sheet(CHROME_CSS)]);
    matchTheme(s);

    backdrop.addEventListener('click', (e) => {
      if (e.target === backdrop) close();
    });
    // Esc is taken at the window, in the capture phase: it works wherever
    // focus is (hiding the toolbar for print drops focus to <body>), and the
    // page's own Esc handlers do not also run.
    window.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocusIn, true);
    window.addEventListener('afterprint', onAfterPrint);
    U.ui.printOnlyUs(true);
    content.focus({ preventScroll: true });
    return s;
  }

  // Only keys the user pressed: the page can dispatch a KeyboardEvent too
  // (isTrusted false), and must not drive the reader.
  function onKey(e) {
    if (e.isTrusted && e.key === 'Escape' && state) {
      e.preventDefault();
      e.stopImmediatePropagation();
      close();
    }
  }

  // Focus that lands on the page while the reader is open comes back.
  function onFocusIn(e) {
    if (state && e.target !== U.ui.host) state.content.focus({ preventScroll: true });
  }

  function onAfterPrint() {
    if (state && document.activeElement !== U.ui.host) state.content.focus({ preventScroll: true });
  }

  // The renderer writes the details of an incomplete thread or a single
  // post into the article; the reader adds a notice above it with the way
  // to act on it.
  function notices(thread, ctx) {
    if (thread.complete) return [];
    const p = document.createElement('p');
    p.className = 'notice';
    p.setAttribute('role', 'note');
    const n = thread.gaps?.length ?? 0;
    p.textContent = `Some posts may be missing (${n} gap${n === 1 ? '' : 's'}, see below).`;
    p.append(button('Re-collect', 'Collect the thread again', () => ctx.recollect()));
    return [p];
  }

  function settingControl({ name: key, label, choices }) {
    const wrap = document.createElement('label');
    wrap.className = 'setting';
    wrap.textContent = label;
    const sel = document.createElement('select');
    for (const c of choices) {
      const o = document.createElement('option');
      o.value = c.value;
      o.textContent = c.label;
      sel.append(o);
    }
    sel.value = String(state.settings?.[key] ?? '');
    sel.addEventListener('change', async () => {
      const s = state;
      const res = await U.ask('reader:render', { thread: s.threadJSON, settings: { ...s.settings, [key]: sel.value } });
      if (state !== s) return;
      s.settings = res.settings;
      adopt(s.contentRoot, res.html);
      wireMedia(s);
      matchTheme(s);
    });
    wrap.append(sel);
    return wrap;
  }

  // matchTheme gives the toolbar and the column the rendered theme's
  // background and light/dark scheme, so sepia or dark is not framed in white.
  function matchTheme(s) {
    const root = s.contentRoot.querySelector('.unspool');
    if (!root) return;
    const bg = getComputedStyle(root).backgroundColor;
    const [r, g, b] = (bg.match(/[\d.]+/g) ?? [255, 255, 255]).map(Number);
    s.dialog.style.setProperty('--unspool-bg', bg);
    s.dialog.style.setProperty('color-scheme', 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light');
  }

  function close({ restoreFocus = true } = {}) {
    if (!state) return;
    const s = state;
    state = null;
    s.unwireMedia?.();
    window.removeEventListener('keydown', onKey, true);
    document.removeEventListener('focusin', onFocusIn, true);
    window.removeEventListener('afterprint', onAfterPrint);
    U.ui.close();
    // Nothing we did should have moved the page; make sure of it.
    if (window.scrollX !== s.scroll.x || window.scrollY !== s.scroll.y) window.scrollTo(s.scroll.x, s.scroll.y);
    if (restoreFocus && s.returnFocus?.isConnected) s.returnFocus.focus({ preventScroll: true });
  }

  U.reader = {
    open,
    close,
    get isOpen() {
      return state !== null;
    },
    get returnFocus() {
      return state?.returnFocus;
    },
    // registerAction adds a toolbar button: {id, label, title, order,
    // run(ctx), visible?(ctx), mount?(button, ctx)} — mount gets the button
    // once it is in the toolbar, for actions whose label or visibility
    // follows a state (Publish/Unpublish). ctx has thread, threadJSON,
    // exportAs(format), notify(text), close(), recollect(). This is where
    // features plug into the reader (the library's "Save", for one).
    registerAction(a) {
      const i = actions.findIndex((x) => x.id === a.id);
      if (i >= 0) actions.splice(i, 1, a);
      else actions.push(a);
    },
  };
})();
