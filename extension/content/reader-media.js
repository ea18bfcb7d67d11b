// @ts-check
// Media in the reader, wherever it is shown (the overlay in a site's page,
// the library's offline reading): clips that play in place, GIFs that loop
// only while in view, HLS through the vendored player library loaded on the
// first play, pictures that open full size, and the fallback to the poster
// and its link where the page's policy forbids the media host.
//
// A script that only defines globalThis.unspoolMedia and imports nothing:
// reader.js imports it into the content bundle, the library's reading page
// loads it with a classic <script> tag. It reads what shared/render wrote (classes and data-u-*
// attributes) and never builds markup from strings.
(() => {
  if (globalThis.unspoolMedia) return;

  // What the renderer writes (shared/render reader.templ): a figure that
  // plays, its element, the two kinds that need this script, the pictures.
  const SEL = {
    plays: 'figure.u-plays',
    media: '.u-media',
    gif: 'video[data-u-gif]',
    hls: 'video[data-u-hls]',
    photos: 'figure.u-photos',
    photo: 'a.u-photo',
  };

  // Styles of what this script adds: the full-size view and the GIF toggle.
  const CSS = `
    .u-viewer { position: fixed; inset: 0; z-index: 2; display: flex; flex-direction: column; align-items: center;
      justify-content: center; gap: 10px; padding: 16px; background: rgb(0 0 0 / .92); color: #fff; font: 14px/1.4 system-ui, sans-serif; }
    .u-viewer img { max-width: 100%; max-height: calc(100% - 120px); object-fit: contain; }
    .u-viewer p { margin: 0; max-width: 60em; text-align: center; white-space: pre-line; }
    .u-viewer .u-viewer-bar { display: flex; gap: 8px; align-items: center; }
    .u-viewer button { font: inherit; color: #fff; background: rgb(255 255 255 / .14); border: 1px solid rgb(255 255 255 / .35);
      border-radius: 6px; padding: 4px 10px; cursor: pointer; }
    .u-viewer button:focus-visible { outline: 2px solid #d9633f; outline-offset: 2px; }
    video[data-u-gif]:not([controls]) { cursor: pointer; }
  `;

  const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;
  const httpsURL = (s) => {
    try {
      return new URL(s).protocol === 'https:' ? s : '';
    } catch {
      return '';
    }
  };

  // ownBlob passes a blob: URL this document made (the library's copy of a
  // clip kept offline, pages/library/offline-media.js); the renderer never writes one.
  const ownBlob = (s) => (s?.startsWith(`blob:${location.origin}/`) ? s : '');

  // ------------------------------------------------ the page's media policy

  // mediaPolicy is a function url → allowed under the CSPs in `policies`
  // (header values and <meta> contents; every one must allow it), as the
  // browser judges media-src — or `directive` (connect-src for what script
  // fetches), falling back to default-src as the browser does: https and
  // http schemes, hosts with *. wildcards, ports, paths, 'self', 'none', *, blob:.
  function mediaPolicy(policies, pageURL, directive = 'media-src') {
    const lists = [];
    for (const header of policies) {
      for (const policy of header.split(',')) {
        const dirs = new Map();
        for (const d of policy.split(';')) {
          const [name, ...values] = d.trim().split(/\s+/);
          if (name && !dirs.has(name.toLowerCase())) dirs.set(name.toLowerCase(), values);
        }
        const list = dirs.get(directive) ?? dirs.get('default-src');
        if (list) lists.push(list);
      }
    }
    const page = new URL(pageURL);
    return (url) => {
      let u;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      return lists.every((list) => list.some((src) => sourceMatches(src, u, page)));
    };
  }

  function sourceMatches(src, u, page) {
    const s = src.toLowerCase();
    if (s === "'none'") return false;
    // 'self' is the page's origin over http(s) only: never blob: or data:
    // (whose URLs carry the page's origin too).
    if (s === "'self'") return /^https?:$/.test(u.protocol) && u.origin === page.origin || (page.protocol === 'http:' && u.protocol === 'https:' && u.host === page.host);
    if (s === '*') return /^(https?|wss?):$/.test(u.protocol);
    if (/^[a-z][a-z0-9+.-]*:$/.test(s)) return u.protocol === s || (s === 'http:' && u.protocol === 'https:');
    const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9.-]+)(?::(\d+|\*))?(\/[^?#]*)?$/.exec(s);
    if (!m) return false;
    const [, scheme, host, port, path] = m;
    if (scheme) {
      if (!(u.protocol === `${scheme}:` || (scheme === 'http' && u.protocol === 'https:'))) return false;
    } else if (!(u.protocol === page.protocol || (page.protocol === 'http:' && u.protocol === 'https:'))) {
      return false;
    }
    const h = u.hostname.toLowerCase();
    if (host !== '*') {
      if (host.startsWith('*.')) {
        if (!h.endsWith(host.slice(1))) return false;
      } else if (h !== host) {
        return false;
      }
    }
    const defaultPort = { 'http:': '80', 'https:': '443' }[u.protocol];
    const uPort = u.port || defaultPort;
    if (port !== '*' && uPort !== (port ?? defaultPort) && !(port === undefined && scheme === 'http' && uPort === '443')) return false;
    if (path && path !== '/') {
      const p = decodeURIComponent(u.pathname);
      if (path.endsWith('/') ? !p.startsWith(path) : p !== path) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ playing

  // blockPlayer shows a clip as its poster and link, saying why.
  function blockPlayer(fig, host) {
    const el = fig.querySelector(SEL.media);
    // An HLS clip has no src of its own: the player library took its
    // source away already, or (refused mid-way) keeps it, loading nothing,
    // so that a play() still pending (Firefox's own controls do not catch
    // theirs) is not rejected into the console.
    if (!el.matches(SEL.hls)) {
      el.pause?.();
      el.removeAttribute('src');
    }
    fig.dataset.uBlocked = '';
    const note = document.createElement('p');
    note.className = 'u-blocked-note';
    note.setAttribute('role', 'note');
    note.textContent = host
      ? `This site does not allow playing media from ${host} here: the poster opens the post.`
      : 'This clip could not be played here: the poster opens the post.';
    fig.querySelector('.u-face').after(note);
  }

  const hlsURL = (video) => httpsURL(video.dataset.uHls) || ownBlob(video.dataset.uHls);

  // hlsRefused: the player library feeds the element a blob: (media-src)
  // and fetches the playlists and segments by script (fetchAllowed); a
  // page refusing either gets the poster and notice before any press, and
  // the player library is never loaded.
  const hlsRefused = (video, allowed, fetchAllowed) =>
    globalThis.MediaSource && hlsURL(video) && !(allowed('blob:' + location.origin) && fetchAllowed(hlsURL(video)));

  // playHLS attaches the player library on the first play of an HLS clip
  // (Chromium and Firefox have Media Source Extensions but no HLS of their
  // own); where MSE is missing and HLS is native (Safari), the playlist is
  // the source. The page's policy was judged for the playlist (hlsRefused);
  // every later request the player makes is judged before it is made — a
  // refused request would be an error in the console.
  async function playHLS(video, loadHls, allowed, fetchAllowed) {
    const url = hlsURL(video);
    const Hls = url && globalThis.MediaSource ? await loadHls() : null;
    if (Hls?.isSupported()) {
      let failed = false;
      const fail = (host) => {
        if (failed) return;
        failed = true;
        if (host) hls.stopLoad();
        else hls.destroy();
        video.dispatchEvent(new CustomEvent('u-failed', { detail: host }));
      };
      // A playlist naming a host the policy refuses stops the clip at that
      // request, which is never made: the player stops loading and the clip
      // shows its poster.
      const Base = Hls.DefaultConfig.loader;
      class HeldLoader extends Base {
        load(context, config, callbacks) {
          if (fetchAllowed(context.url)) return super.load(context, config, callbacks);
          setTimeout(() => fail(new URL(context.url).host));
        }
      }
      // No worker: a page's worker-src need not allow one, and the
      // transmuxing of one clip is light.
      const hls = new Hls({ enableWorker: false, startLevel: -1, loader: HeldLoader });
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (data.fatal) fail('');
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      await video.play();
      return;
    }
    if (url && video.canPlayType('application/vnd.apple.mpegurl')) {
      if (!allowed(url)) throw new Error('blocked');
      video.src = url;
      await video.play();
      return;
    }
    throw new Error('no HLS player');
  }

  // GIFs loop while at least half in view and stop out of view; with
  // reduced motion they keep their controls and wait for a press. A click
  // (or Enter/Space) pauses and resumes, and a paused GIF stays paused.
  function animateGIFs(root) {
    const gifs = [...root.querySelectorAll(SEL.gif)].filter((v) => !v.closest('[data-u-blocked]'));
    if (!gifs.length || reducedMotion()) return () => {};
    const held = new WeakSet();
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const v = /** @type {HTMLVideoElement} */ (e.target);
        if (e.isIntersecting && !held.has(v)) v.play().catch(() => {});
        else if (!e.isIntersecting) v.pause();
      }
    }, { threshold: 0.5 });
    for (const v of gifs) {
      v.removeAttribute('controls');
      v.tabIndex = 0;
      v.setAttribute('role', 'button');
      v.setAttribute('aria-pressed', 'true');
      const toggle = () => {
        if (v.paused) {
          held.delete(v);
          v.play().catch(() => {});
        } else {
          held.add(v);
          v.pause();
        }
      };
      v.addEventListener('click', toggle);
      v.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          toggle();
        }
      });
      for (const t of ['play', 'pause']) v.addEventListener(t, () => v.setAttribute('aria-pressed', String(!v.paused)));
      io.observe(v);
    }
    return () => io.disconnect();
  }

  // ------------------------------------------------------- full-size view

  let viewer = null; // {close, key(e)} while a picture is shown full size

  function openViewer(root, links, index) {
    viewer?.close();
    const opener = links[index];
    const box = document.createElement('div');
    box.className = 'u-viewer';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    const img = document.createElement('img');
    img.referrerPolicy = 'no-referrer';
    const caption = document.createElement('p');
    caption.id = 'u-viewer-caption';
    const bar = document.createElement('div');
    bar.className = 'u-viewer-bar';
    const btn = (label, title, fn) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.setAttribute('aria-label', title);
      b.title = title;
      b.addEventListener('click', fn);
      return b;
    };
    const count = document.createElement('span');
    count.setAttribute('aria-live', 'polite');
    const prev = btn('←', 'Previous picture', () => show(index - 1));
    const next = btn('→', 'Next picture', () => show(index + 1));
    const close = btn('✕', 'Close (Esc)', () => viewer?.close());
    bar.append(prev, count, next, close);
    box.append(img, caption, bar);
    box.setAttribute('aria-describedby', caption.id);
    if (links.length < 2) prev.hidden = next.hidden = true;

    function show(i) {
      index = (i + links.length) % links.length;
      const a = links[index];
      const thumb = a.querySelector('img');
      img.src = a.href;
      img.alt = thumb?.alt ?? '';
      // The author's alt text, when there is one (the renderer writes it
      // next to the grid), is shown under the picture.
      caption.textContent = altOf(a);
      caption.hidden = !caption.textContent;
      count.textContent = `${index + 1} / ${links.length}`;
      box.setAttribute('aria-label', `Picture ${index + 1} of ${links.length}`);
    }
    show(index);
    root.append(box);
    close.focus();

    viewer = {
      close() {
        box.remove();
        viewer = null;
        opener.focus({ preventScroll: true });
      },
      key(e) {
        if (e.key === 'Escape') viewer.close();
        else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') show(index + 1);
        else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') show(index - 1);
        else if (e.key === 'Tab') {
          // Focus stays in the view: Tab cycles through its buttons.
          const bs = [prev, next, close].filter((b) => !b.hidden);
          const at = bs.indexOf(root.activeElement ?? document.activeElement);
          (bs[(at + (e.shiftKey ? -1 : 1) + bs.length) % bs.length] ?? close).focus();
        } else return false;
        return true;
      },
    };
  }

  // altOf finds the alt text the renderer folded under a picture's grid:
  // one <details class="u-alt"> after the grid for each picture marked
  // data-u-alt, in order.
  function altOf(a) {
    const fig = a.closest(SEL.photos);
    if (!a.hasAttribute('data-u-alt')) return '';
    let k = [...fig.querySelectorAll(`${SEL.photo}[data-u-alt]`)].indexOf(a);
    for (let el = fig.nextElementSibling; el?.matches('details.u-alt'); el = el.nextElementSibling) {
      if (k-- === 0) return el.querySelector('p')?.textContent ?? '';
    }
    return '';
  }

  // Keys while the view is open: taken at the window in the capture phase
  // (before the reader's own Esc, which would close the whole reader).
  function onKey(e) {
    if (viewer && viewer.key(e)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }
  window.addEventListener('keydown', onKey, true);

  // ------------------------------------------------------------- enhance

  // enhance wires the media of rendered reader markup under root.
  // Options: policies — the page's CSP texts (media the page forbids shows
  // as its poster, and is never requested: no console errors);
  // loadHls() — resolves to the HLS player library's constructor;
  // playerFetchHeld — whether what the player library fetches from this
  // world is held to the page's connect-src too (Firefox's content scripts
  // are, Chromium's are not).
  function enhance(root, { policies = [], loadHls = async () => null, playerFetchHeld = false } = {}) {
    const allowed = mediaPolicy(policies, location.href);
    const fetchAllowed = playerFetchHeld ? mediaPolicy(policies, location.href, 'connect-src') : () => true;
    for (const fig of root.querySelectorAll(SEL.plays)) {
      const el = fig.querySelector(SEL.media);
      if (!el) continue;
      // A host page's reader holds the file aside until the policy is known.
      const src = el.dataset.uSrc ?? el.getAttribute('src');
      delete el.dataset.uSrc;
      if (src && !allowed(src)) {
        blockPlayer(fig, new URL(src).host);
        continue;
      }
      if (src && !el.hasAttribute('src')) {
        const pressed = !el.paused; // pressed while held: setting src resets it
        el.setAttribute('src', src);
        if (pressed) el.play().catch(() => {});
      }
      el.addEventListener('error', () => fig.dataset.uBlocked === undefined && blockPlayer(fig, ''));
      el.addEventListener('u-failed', (e) => fig.dataset.uBlocked === undefined && blockPlayer(fig, /** @type {CustomEvent} */ (e).detail || ''));
      if (el.matches(SEL.hls) && hlsRefused(el, allowed, fetchAllowed)) {
        blockPlayer(fig, new URL(el.dataset.uHls).host);
      } else if (el.matches(SEL.hls)) {
        // Without a source the browser's controls are inert: the first
        // press on the clip (pointer, Enter or Space) or a play() starts it.
        let started = false;
        const start = (e) => {
          if (started) return;
          started = true;
          e?.preventDefault?.();
          playHLS(el, loadHls, allowed, fetchAllowed).catch((err) => {
            if (fig.dataset.uBlocked !== undefined) return;
            blockPlayer(fig, err.message === 'blocked' ? new URL(el.dataset.uHls).host : '');
          });
        };
        el.addEventListener('play', start);
        el.addEventListener('click', start);
        el.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && start(e));
      }
    }
    const stopGIFs = animateGIFs(root);
    const onClick = (e) => {
      const a = e.target.closest?.(SEL.photo);
      if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      const links = [...a.closest(SEL.photos).querySelectorAll(SEL.photo)];
      openViewer(root, links, links.indexOf(a));
    };
    root.addEventListener('click', onClick);
    return () => {
      stopGIFs();
      viewer?.close();
      root.removeEventListener('click', onClick);
    };
  }

  globalThis.unspoolMedia = {
    enhance,
    mediaPolicy,
    CSS,
    get viewing() {
      return viewer !== null;
    },
  };
})();
