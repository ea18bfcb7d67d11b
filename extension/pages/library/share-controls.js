// @ts-check
// Share in the library. On a saved thread's page (read.html):
// Publish / Unpublish / Copy link, an opt-in to search indexing, and the
// state in words. On the list (library.html): a "Published" mark on the rows
// of published threads. Everything goes through the background's share:…
// messages (background/share.js), as the reader's toolbar does.

const $ = (id) => document.getElementById(id);

async function send(msg) {
  const res = await chrome.runtime.sendMessage(msg);
  if (!res?.ok) throw new Error(res?.error ?? 'the extension did not answer');
  return res.value;
}

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function readPage(host) {
  const key = new URLSearchParams(location.search).get('key') ?? '';
  const publish = el('button', { type: 'button', id: 'share-publish', textContent: 'Publish' });
  const copy = el('button', { type: 'button', id: 'share-copy', textContent: 'Copy link', hidden: true });
  const unpublish = el('button', { type: 'button', id: 'share-unpublish', textContent: 'Unpublish', hidden: true });
  const indexable = el('input', { type: 'checkbox', id: 'share-indexable' });
  const indexLabel = el('label', { className: 'share-index', title: 'By default the page asks search engines not to index it' },
    indexable, ' let search engines index it');
  const state = el('span', { id: 'share-state', role: 'status' });
  state.setAttribute('aria-live', 'polite');
  host.append(publish, copy, unpublish, indexLabel, state);

  let current = null;
  const show = (st) => {
    current = st;
    publish.hidden = st.published;
    publish.disabled = !st.sync;
    indexLabel.hidden = st.published || !st.sync;
    copy.hidden = unpublish.hidden = !st.published;
    state.textContent = '';
    if (st.published) {
      state.append('Published: ', el('a', { href: st.share.url, target: '_blank', rel: 'noopener noreferrer', textContent: st.share.url }),
        st.share.indexable ? ' (indexable)' : '');
    } else {
      state.textContent = st.sync ? 'Not published.' : st.message;
    }
  };
  const act = (fn) => async () => {
    try { await fn(); } catch (e) { state.textContent = e.message; }
  };
  publish.addEventListener('click', act(async () => show(await send({ type: 'share:publish', key, indexable: indexable.checked }))));
  unpublish.addEventListener('click', act(async () => {
    show(await send({ type: 'share:unpublish', key }));
    state.textContent = 'Unpublished: the link no longer shows the thread.';
  }));
  copy.addEventListener('click', act(async () => {
    await navigator.clipboard.writeText(current.share.url);
    state.textContent = `Copied ${current.share.url}`;
  }));
  send({ type: 'share:status', key }).then(show, (e) => { state.textContent = e.message; });
}

// listPage marks published rows as the list renders them (rows come and go
// with search and paging, so new rows are marked as they are added).
async function listPage(list) {
  let byKey = {};
  try {
    const st = await send({ type: 'share:refresh' });
    byKey = st ?? {};
  } catch {
    return; // sync off or server away: nothing to mark
  }
  const mark = (li) => {
    const share = byKey[li.dataset.key];
    if (!share || li.querySelector('.published')) return;
    const a = el('a', { className: 'published', href: share.url, target: '_blank', rel: 'noopener noreferrer',
      textContent: 'Published', title: `Public page: ${share.url}` });
    (li.querySelector('.posts') ?? li).after(a);
  };
  const markAll = () => list.querySelectorAll('li[data-key]').forEach(mark);
  markAll();
  new MutationObserver(markAll).observe(list, { childList: true });
}

if ($('reader') && $('share')) readPage($('share'));
else if ($('list')) listPage($('list'));
