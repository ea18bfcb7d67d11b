// @ts-check
// The library's part of the reader: a "Save" toolbar action (and the S key
// while the reader is open) that saves the thread through the background's
// library:save — the same handler the tests drive — and "Tags & note" to
// save it with tags and a note. The answer ("Saved 45 posts.", "Already
// saved — added 3 new posts.") is announced in the reader.
import './reader.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.librarySaveLoaded) return;
  U.librarySaveLoaded = true;

  async function send(msg) {
    const res = await chrome.runtime.sendMessage(msg);
    if (!res?.ok) throw new Error(res?.error ?? 'the extension did not answer');
    return res.value;
  }

  async function save(ctx, extra = {}) {
    const res = await send({ type: 'library:save', thread: ctx.threadJSON, ...extra });
    ctx.notify(res.message);
    return res;
  }

  // The reader hands ctx to actions only; visible() is called with it each
  // time the reader opens, so the shortcut keeps the current one.
  let current = null;

  U.reader.registerAction({
    id: 'library-save',
    order: 5,
    label: 'Save',
    title: 'Save to your library (S)',
    visible(ctx) {
      current = ctx;
      return true;
    },
    run: (ctx) => save(ctx),
  });

  U.reader.registerAction({
    id: 'library-tags',
    order: 6,
    label: 'Tags & note',
    title: 'Save with tags and a note',
    async run(ctx) {
      const status = await send({ type: 'library:status', thread: ctx.threadJSON });
      const tags = prompt('Tags, separated by commas:', status.tags.join(', '));
      if (tags === null) return;
      const note = prompt('A note for yourself (optional):', status.note);
      if (note === null) return;
      await save(ctx);
      // The tags typed are the whole set: one removed here is removed.
      const res = await send({ type: 'library:edit', thread: ctx.threadJSON, tags: tags.split(',').map((t) => t.trim()).filter(Boolean), note });
      ctx.notify(res.message);
    },
  });

  // S saves while the reader is open, unless the user is typing somewhere.
  // A key the page dispatched (isTrusted false) saves nothing.
  document.addEventListener('keydown', (e) => {
    if (!e.isTrusted || (e.key !== 's' && e.key !== 'S')) return;
    if (e.ctrlKey || e.metaKey || e.altKey || !U.reader.isOpen || !current) return;
    const t = /** @type {HTMLElement} */ (e.composedPath()[0]);
    if (t?.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t?.tagName ?? '')) return;
    e.preventDefault();
    e.stopPropagation();
    save(current).catch((err) => current?.notify(`Save failed: ${err.message}`));
  }, true);
})();
