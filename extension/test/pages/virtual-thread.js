// The test page's own script (served as a same-origin file under a strict
// CSP, like X's bundle). It behaves like X's conversation timeline where it
// matters to a collector:
//   - only cells near the viewport are in the DOM; the rest are unmounted,
//     and cells are absolutely positioned by transform in a tall container;
//   - the page fetches TweetDetail GraphQL JSON with fetch(), which the
//     extension's MAIN-world script may copy;
//   - a "Show more replies" link inside the chain fetches the next
//     TweetDetail page (with XMLHttpRequest, the other way X's app loads
//     data) and mounts the posts it hid, in place;
//   - on load the focal post is scrolled to the top, ancestors above it.
(async () => {
  const data = await (await fetch('/made/virtual-data.json')).json();
  const items = data.items; // {key, html, height, gap?}
  const list = document.getElementById('list');
  const mounted = new Map(); // key → element
  const OVERSCAN = 0.6; // viewports mounted above and below the visible one

  await fetch(data.tweetDetail, { credentials: 'include' });

  let offsets = [];
  function layout() {
    let y = 0;
    offsets = items.map((it) => {
      const top = y;
      y += it.height;
      return top;
    });
    list.style.height = `${y}px`;
  }

  function cell(it) {
    const t = document.createElement('template');
    t.innerHTML = it.html;
    const el = t.content.firstElementChild;
    el.style.position = 'absolute';
    el.style.width = '100%';
    el.style.height = `${it.height}px`;
    el.style.overflow = 'hidden';
    return el;
  }

  function render() {
    const listTop = list.getBoundingClientRect().top + window.scrollY;
    const vh = window.innerHeight;
    const from = window.scrollY - listTop - vh * OVERSCAN;
    const to = window.scrollY - listTop + vh * (1 + OVERSCAN);
    const want = new Set();
    items.forEach((it, i) => {
      if (offsets[i] + it.height >= from && offsets[i] <= to) want.add(it.key);
    });
    for (const [key, el] of mounted) {
      if (!want.has(key)) {
        el.remove();
        mounted.delete(key);
      }
    }
    // Mount in list order so DOM order is page order, as in X.
    let prev = null;
    items.forEach((it, i) => {
      if (!want.has(it.key)) return;
      let el = mounted.get(it.key);
      if (!el) {
        el = cell(it);
        mounted.set(it.key, el);
      }
      el.style.transform = `translateY(${offsets[i]}px)`;
      if (prev ? prev.nextSibling !== el : list.firstChild !== el) list.insertBefore(el, prev ? prev.nextSibling : list.firstChild);
      prev = el;
    });
  }

  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  };
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);

  // The gap: X's link would navigate without its router; here, as there,
  // the click is taken over and the hidden posts are fetched and mounted.
  list.addEventListener('click', async (e) => {
    const a = e.target.closest('a[href^="/i/status/"]');
    if (!a) return;
    e.preventDefault();
    const i = items.findIndex((it) => it.gap && mounted.get(it.key)?.contains(a));
    if (i < 0) return;
    const gap = items[i].gap;
    // This one through XMLHttpRequest, as parts of X's app still do.
    await new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', gap.tweetDetail);
      xhr.addEventListener('loadend', resolve);
      xhr.send();
    });
    await new Promise((r) => setTimeout(r, 150)); // X shows a spinner for a moment
    mounted.get(items[i].key)?.remove();
    mounted.delete(items[i].key);
    items.splice(i, 1, ...gap.items);
    layout();
    render();
  });

  layout();
  const focal = items.findIndex((it) => it.key === data.focalId);
  window.scrollTo(0, list.getBoundingClientRect().top + window.scrollY + offsets[focal] - 53);
  render();
  document.documentElement.dataset.ready = 'true';
})();
