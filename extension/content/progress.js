// @ts-check
// "Collecting… 23 posts" with Cancel, shown while a collector walks the page,
// and short messages when an unroll fails. A polite live region, so screen
// readers hear progress without losing their place.
import './ui-host.js';
(() => {
  const U = globalThis.unspoolContent;
  if (U.progress) return;

  const CSS = `
    :host { all: initial; position: fixed; z-index: 2147483647; top: 12px; left: 50%; transform: translateX(-50%); }
    .pill { font: 14px/1.4 system-ui, sans-serif; color: #f6f4ef; background: #20263a; border-radius: 999px;
      padding: 8px 8px 8px 16px; display: flex; gap: 12px; align-items: center; box-shadow: 0 4px 18px rgb(0 0 0 / .3); }
    .pill.error { background: #7a2320; }
    button { font: inherit; color: inherit; background: rgb(255 255 255 / .14); border: 0; border-radius: 999px; padding: 4px 12px; cursor: pointer; }
    button:focus-visible { outline: 2px solid #ffb86b; outline-offset: 2px; }
  `;

  let box = null;

  function ensure() {
    const root = U.ui.open();
    if (!box || !box.isConnected) {
      box = document.createElement('div');
      box.className = 'pill';
      box.setAttribute('role', 'status');
      box.setAttribute('aria-live', 'polite');
      root.replaceChildren(box);
    }
    U.useSheets(root, [U.sheet(CSS)]);
    return box;
  }

  function render(text, button) {
    const b = ensure();
    const label = document.createElement('span');
    label.textContent = text;
    b.replaceChildren(label);
    if (button) {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.textContent = button.label;
      btn.addEventListener('click', button.onClick);
      b.append(btn);
    }
    return b;
  }

  U.progress = {
    show({ onCancel }) {
      render('Collecting…', { label: 'Cancel', onClick: onCancel }).classList.remove('error');
      return {
        update(n) {
          const span = box?.querySelector('span');
          if (span) span.textContent = typeof n === 'number' ? `Collecting… ${n} post${n === 1 ? '' : 's'}` : n;
        },
      };
    },
    error(text) {
      const b = render(text, { label: 'Dismiss', onClick: () => U.progress.hide() });
      b.classList.add('error');
      b.setAttribute('role', 'alert');
      b.querySelector('button').focus();
    },
    hide() {
      box = null;
      U.ui.close();
    },
  };
})();
