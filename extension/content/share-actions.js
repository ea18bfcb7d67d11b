// @ts-check
// Share's part of the reader: "Publish", "Unpublish" and "Copy
// link" toolbar actions, through the background's share:… messages
// (background/share.js). The buttons show the state: Publish while the thread is not
// published (its title says when sync is off, which publishing needs);
// Unpublish and Copy link once it is.
import './reader.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.shareActionsLoaded) return;
  U.shareActionsLoaded = true;

  async function send(msg) {
    const res = await chrome.runtime.sendMessage(msg);
    if (!res?.ok) throw new Error(res?.error ?? 'the extension did not answer');
    return res.value;
  }

  // One state per opened reader (ctx): the buttons mounted for it and the
  // last status the background gave.
  const states = new WeakMap();
  function stateOf(ctx) {
    let s = states.get(ctx);
    if (!s) {
      s = { buttons: {}, status: null };
      states.set(ctx, s);
      send({ type: 'share:status', thread: ctx.threadJSON })
        .then((st) => show(s, st))
        .catch(() => show(s, { sync: true, published: false }));
    }
    return s;
  }

  function show(s, st) {
    s.status = st;
    const { publish, unpublish, copy } = s.buttons;
    if (publish) {
      publish.hidden = !!st.published;
      publish.title = st.sync === false ? 'Publishing needs sync: turn it on in the options' : 'Publish this thread as a public page (anyone with the link can read it)';
      publish.setAttribute('aria-label', publish.title);
      publish.textContent = st.sync === false ? 'Publish (sync off)' : 'Publish';
    }
    if (unpublish) unpublish.hidden = !st.published;
    if (copy) {
      copy.hidden = !st.published;
      if (st.share) copy.title = `Copy ${st.share.url}`;
    }
  }

  // Copy through the async Clipboard API, or a selected textarea in the
  // reader's shadow root when the page's focus or policy refuses it.
  async function copy(text) {
    try {
      return await navigator.clipboard.writeText(text);
    } catch {
      const ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('aria-hidden', 'true');
      U.ui.open().append(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      if (!ok) throw new Error('the browser refused to copy');
    }
  }

  function mountAs(name) {
    return (b, ctx) => {
      const s = stateOf(ctx);
      s.buttons[name] = b;
      b.hidden = name !== 'publish'; // until the status is known
      if (s.status) show(s, s.status);
    };
  }

  const add = U.reader.registerAction;
  add({
    id: 'share-publish',
    order: 7,
    label: 'Publish',
    title: 'Publish this thread as a public page (anyone with the link can read it)',
    mount: mountAs('publish'),
    async run(ctx) {
      const s = stateOf(ctx);
      if (s.status?.sync === false) {
        const st = await send({ type: 'share:status', thread: ctx.threadJSON }); // sync may be on by now
        if (!st.sync) return ctx.notify(st.message);
      }
      const st = await send({ type: 'share:publish', thread: ctx.threadJSON });
      show(s, st);
      await copy(st.share.url).then(() => ctx.notify(`${st.message} (link copied)`), () => ctx.notify(st.message));
    },
  });
  add({
    id: 'share-copy',
    order: 8,
    label: 'Copy link',
    title: 'Copy the public page\'s link',
    mount: mountAs('copy'),
    async run(ctx) {
      const url = stateOf(ctx).status?.share?.url;
      if (!url) return ctx.notify('This thread is not published.');
      await copy(url);
      ctx.notify(`Copied ${url}`);
    },
  });
  add({
    id: 'share-unpublish',
    order: 9,
    label: 'Unpublish',
    title: 'Take the public page down (its link will say the thread was unpublished)',
    mount: mountAs('unpublish'),
    async run(ctx) {
      const st = await send({ type: 'share:unpublish', thread: ctx.threadJSON });
      show(stateOf(ctx), st);
      ctx.notify(st.message);
    },
  });
})();
