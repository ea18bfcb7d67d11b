// Runs in x.com's own JavaScript world at document_start (manifest
// content_scripts, world MAIN), before the page's scripts. It keeps copies of
// the TweetDetail GraphQL responses the page itself fetches — full text of
// long posts, real video URLs, posts the virtualised list has unmounted — so
// the extension can merge them with the DOM when the user unrolls.
//
// It sends nothing anywhere and adds no requests: it only reads responses
// the page asked for, keeps the latest few in this closure, and answers the
// content script's synchronous request event with them. Nothing is put on
// window.
(() => {
  const ENDPOINT = /\/graphql\/[^/]+\/TweetDetail(\?|$)/;
  // Bounds on what is kept: a long thread is a handful of responses of
  // ~0.1–0.5 MB; older ones are dropped first.
  const MAX_KEPT = 40;
  const MAX_BYTES = 12 << 20;
  const REQUEST_EVENT = 'unspool:x-request';

  const kept = []; // {focalId, body}
  let bytes = 0;

  function focalOf(url) {
    try {
      const vars = JSON.parse(new URL(url, location.href).searchParams.get('variables') ?? '{}');
      return String(vars.focalTweetId ?? '');
    } catch {
      return '';
    }
  }

  function keep(url, body) {
    if (typeof body !== 'string' || body.length === 0 || body.length > MAX_BYTES) return;
    kept.push({ focalId: focalOf(url), body });
    bytes += body.length;
    while (kept.length > MAX_KEPT || bytes > MAX_BYTES) bytes -= kept.shift().body.length;
  }

  const urlOf = (input) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url ?? '');

  const pageFetch = window.fetch;
  if (typeof pageFetch === 'function') {
    window.fetch = function fetch(input, init) {
      const pending = pageFetch.apply(this, arguments);
      const url = urlOf(input);
      if (ENDPOINT.test(url)) {
        // A clone, so the page reads its response untouched.
        pending.then((res) => (res.ok ? res.clone().text() : '')).then((body) => keep(url, body), () => {});
      }
      return pending;
    };
  }

  const XHR = window.XMLHttpRequest?.prototype;
  if (XHR) {
    const open = XHR.open;
    const send = XHR.send;
    const urls = new WeakMap();
    XHR.open = function (method, url) {
      urls.set(this, String(url));
      return open.apply(this, arguments);
    };
    XHR.send = function () {
      const url = urls.get(this) ?? '';
      if (ENDPOINT.test(url)) {
        this.addEventListener('load', () => {
          if (this.status < 200 || this.status >= 300) return;
          if (this.responseType === '' || this.responseType === 'text') keep(url, this.responseText);
          else if (this.responseType === 'json' && this.response) keep(url, JSON.stringify(this.response));
        });
      }
      return send.apply(this, arguments);
    };
  }

  // The content script asks with {detail: {reply, focalId}} and gets the
  // bodies as one JSON string on the event named by `reply`, dispatched
  // synchronously. Only strings cross between the two JavaScript worlds.
  document.addEventListener(REQUEST_EVENT, (e) => {
    const { reply, focalId } = (typeof e.detail === 'string' ? JSON.parse(e.detail) : null) ?? {};
    if (typeof reply !== 'string' || !reply.startsWith('unspool:x-reply:')) return;
    const mine = kept.filter((k) => k.focalId === focalId);
    // SPA navigation may have fetched the thread under another focal post.
    const bodies = (mine.length ? mine : kept).map((k) => k.body);
    document.dispatchEvent(new CustomEvent(reply, { detail: JSON.stringify(bodies) }));
  });
})();
