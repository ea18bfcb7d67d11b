// The made X pages' own script (served as a same-origin file under a strict
// CSP, like X's bundle). It behaves like X's web client where it matters to
// the extension:
//   - it loads the conversation from /i/api/graphql/<queryId>/TweetDetail
//     with variables, features and fieldToggles in the query, and X's
//     headers: a bearer token, x-csrf-token equal to the ct0 cookie, a fresh
//     x-client-transaction-id per request, … (the test server refuses a
//     request without them);
//   - it draws what the JSON holds, in its order: the focal post's
//     ancestors, the focal post, the author's module, others' replies; a
//     module's ShowMore cursor is a "Show more replies" cell, and clicking it
//     loads the cursor (through XMLHttpRequest, as parts of X's app still
//     do) and puts the posts in its place; "Discover more" follows the
//     conversation;
//   - only cells near the viewport are in the DOM (a virtualised list of
//     absolutely positioned cells in a tall container);
//   - on load the focal post is scrolled to the top, ancestors above it.
// Cells are drawn from HTML the test made for each post id (X draws them
// with React from the same JSON).
(async () => {
  const app = await (await fetch(document.documentElement.dataset.app)).json();
  const list = document.getElementById('list');
  const OVERSCAN = 0.6; // viewports mounted above and below the visible one

  const cookie = (name) => document.cookie.split('; ').find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
  const transactionId = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(70)))).replace(/=+$/, '');
  const headers = () => ({
    authorization: `Bearer ${app.bearer}`,
    'content-type': 'application/json',
    'x-csrf-token': cookie('ct0'),
    'x-client-transaction-id': transactionId(),
    'x-twitter-active-user': 'yes',
    'x-twitter-auth-type': 'OAuth2Session',
    'x-twitter-client-language': 'en',
  });
  const variables = (focalTweetId, cursor) => ({
    focalTweetId, ...(cursor ? { cursor, referrer: 'tweet' } : {}), with_rux_injections: false, rankingMode: 'Relevance',
    includePromotedContent: true, withCommunity: true, withQuickPromoteEligibilityTweetFields: true, withBirdwatchNotes: true, withVoice: true,
  });
  const endpoint = (vars) => `/i/api/graphql/${app.queryId}/${app.operation}?variables=${encodeURIComponent(JSON.stringify(vars))}` +
    `&features=${encodeURIComponent(JSON.stringify(app.features))}&fieldToggles=${encodeURIComponent(JSON.stringify(app.fieldToggles))}`;

  const loadWithFetch = async (vars) => (await fetch(endpoint(vars), { headers: headers(), credentials: 'include' })).json();
  const loadWithXHR = (vars) => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', endpoint(vars));
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.addEventListener('load', () => (xhr.status === 200 ? resolve(xhr.response) : reject(new Error(`HTTP ${xhr.status}`))));
    xhr.addEventListener('error', () => reject(new Error('network')));
    xhr.send();
  });

  // ------------------------------------------------------------ JSON → cells

  const cellOf = (id) => app.cells[id] && { key: id, ...app.cells[id] };
  const tweetId = (ic) => {
    const r = ic?.tweet_results?.result;
    return (r?.tweet ?? r)?.rest_id;
  };
  function itemsOf(itemContents) {
    const out = [];
    for (const ic of itemContents) {
      if (ic?.itemType === 'TimelineTweet') {
        const c = cellOf(tweetId(ic));
        if (c) out.push(c);
      } else if (ic?.itemType === 'TimelineTimelineCursor' && ic.cursorType === 'ShowMore') {
        // The cell links to the post above it, as X's does.
        const above = out.at(-1)?.key ?? app.focalId;
        out.push({ key: `gap-${ic.value}`, html: app.gapHTML.replaceAll('GAP_ABOVE', above), height: app.gapHeight, cursor: ic.value });
      }
    }
    return out;
  }
  function conversationItems(response) {
    const contents = [];
    for (const ins of response.data.threaded_conversation_with_injections_v2.instructions) {
      for (const e of ins.entries ?? []) {
        if (e.content.itemContent) contents.push(e.content.itemContent);
        for (const it of e.content.items ?? []) contents.push(it.item.itemContent);
      }
      for (const it of ins.moduleItems ?? []) contents.push(it.item.itemContent);
    }
    return itemsOf(contents);
  }

  // ------------------------------------------------------------ the list

  let items = [];
  const mounted = new Map(); // key → element
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

  // "Show more replies": X's link would navigate without its router; here,
  // as there, the click is taken over and the cursor loaded.
  list.addEventListener('click', async (e) => {
    const a = e.target.closest('a[href^="/i/status/"]');
    if (!a) return;
    e.preventDefault();
    const i = items.findIndex((it) => it.cursor && mounted.get(it.key)?.contains(a));
    if (i < 0) return;
    const gap = items[i];
    let more;
    try {
      more = await loadWithXHR(variables(app.focalId, gap.cursor));
    } catch {
      return; // X leaves the cell; a second click tries again
    }
    await new Promise((r) => setTimeout(r, 150)); // X shows a spinner for a moment
    mounted.get(gap.key)?.remove();
    mounted.delete(gap.key);
    items.splice(i, 1, ...conversationItems(more));
    layout();
    render();
  });

  // A conversation this tab showed before (single-page navigation): its
  // TweetDetail stays in what the extension captured.
  if (app.previousFocalId) await loadWithFetch(variables(app.previousFocalId));
  const first = await loadWithFetch(variables(app.focalId));
  items = [...conversationItems(first), ...app.tail];
  layout();
  const focal = items.findIndex((it) => it.key === app.focalId);
  window.scrollTo(0, list.getBoundingClientRect().top + window.scrollY + offsets[focal] - 53);
  render();
  document.documentElement.dataset.ready = 'true';
})();
