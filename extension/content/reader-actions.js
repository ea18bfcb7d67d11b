// @ts-check
// The reader's built-in toolbar actions. Each is one registerAction call;
// a feature adds its own the same way from its own file (see reader.js).
import './reader.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.readerActionsLoaded) return;
  U.readerActionsLoaded = true;

  function fileName(thread, ext) {
    const safe = (s) => String(s).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
    return `${safe(thread.author.handle)}-${safe(thread.id)}.${ext}`;
  }

  // A blob link clicked in the page: no downloads permission needed.
  function download(text, type, name) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  // The async Clipboard API refuses when the document is not focused or a
  // page's permissions policy blocks it; a selected textarea still copies.
  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      const root = U.ui.open();
      const ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('aria-hidden', 'true');
      ta.style.setProperty('position', 'fixed');
      ta.style.setProperty('opacity', '0');
      root.append(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      if (!ok) throw new Error('the browser refused to copy');
    }
  }

  const add = U.reader.registerAction;

  add({
    id: 'copy-markdown',
    order: 10,
    label: 'Copy',
    title: 'Copy the thread as Markdown',
    async run(ctx) {
      await copyText(await ctx.exportAs('markdown'));
      ctx.notify('Copied as Markdown');
    },
  });
  add({
    id: 'download-html',
    order: 20,
    label: 'HTML',
    title: 'Download as an HTML file',
    async run(ctx) {
      download(await ctx.exportAs('html'), 'text/html', fileName(ctx.thread, 'html'));
      ctx.notify('Downloading HTML');
    },
  });
  add({
    id: 'download-markdown',
    order: 30,
    label: 'MD',
    title: 'Download as a Markdown file',
    async run(ctx) {
      download(await ctx.exportAs('markdown'), 'text/markdown', fileName(ctx.thread, 'md'));
      ctx.notify('Downloading Markdown');
    },
  });
  add({
    id: 'print',
    order: 40,
    label: 'Print',
    title: 'Print or save as PDF (only the reader is printed)',
    run: () => window.print(),
  });
  add({
    id: 'open-original',
    order: 50,
    label: 'Original',
    title: 'Open the original post in a new tab',
    run: (ctx) => window.open(ctx.thread.url, '_blank', 'noopener'),
  });
  add({
    id: 'recollect',
    order: 60,
    label: 'Re-collect',
    title: 'Collect the thread again (for missing posts)',
    run: (ctx) => ctx.recollect(),
  });
})();
