// @ts-check
// Runs in x.com's own JavaScript world at document_start (manifest
// content_scripts, world MAIN), before the page's scripts. It keeps copies of
// the TweetDetail GraphQL responses the page itself fetches — full text of
// long posts, real video URLs, posts the virtualised list has unmounted, and
// the cursors X hands out for what it held back — so the extension can build
// the thread from X's own data when the user unrolls.
//
// When the user unrolls and X's data names a cursor that continues the
// author's thread, the content script asks this script to load it the way
// the page itself would: the request the page last made for that
// conversation (its URL with X's query id, features and field toggles, and
// the headers the page sent), with only variables.cursor changed. Nothing
// about the request is hard-coded here, and nothing is sent anywhere else.
// Nothing is put on window.
(() => {
  const ENDPOINT = /\/graphql\/[^/]+\/TweetDetail(\?|$)/;
  // A profile's posts: kept (apart, never followed) for "Threads by
  // @author", which finds the author's threads among them.
  const TIMELINE = /\/graphql\/[^/]+\/UserTweets(\?|$)/;
  const MAX_TIMELINE = 20;
  // Bounds on what is kept: a long thread is a handful of responses of
  // ~0.1–0.5 MB; older ones are dropped first.
  const MAX_KEPT = 40;
  const MAX_BYTES = 12 << 20;
  const MAX_REQUESTS = 8;
  const REQUEST_EVENT = 'unspool:x-request';
  const REPLY_PREFIX = 'unspool:x-reply:';
  const KEPT_EVENT = 'unspool:x-kept';

  const kept = []; // {seq, focalId, cursor, body, request}
  const timeline = []; // UserTweets bodies, in the order the page loaded them
  let seq = 0; // numbers what is kept, so a reader can ask for what is new
  const requests = []; // {url, method, headers: [[name, value]…], focalId}, newest last
  let bytes = 0;

  function variablesOf(url) {
    try {
      return JSON.parse(new URL(url, location.href).searchParams.get('variables') ?? '{}') ?? {};
    } catch {
      return {};
    }
  }

  function remember(request) {
    requests.push(request);
    if (requests.length > MAX_REQUESTS) requests.shift();
    return request;
  }

  function keep(request, body) {
    if (typeof body !== 'string' || body.length === 0 || body.length > MAX_BYTES) return;
    const vars = variablesOf(request.url);
    kept.push({ seq: ++seq, focalId: String(vars.focalTweetId ?? ''), cursor: typeof vars.cursor === 'string' ? vars.cursor : '', body, request });
    bytes += body.length;
    while (kept.length > MAX_KEPT || bytes > MAX_BYTES) bytes -= kept.shift().body.length;
    // Tell the content script there is something new (it may hand it to
    // the extension ahead of a click); the event carries nothing.
    document.dispatchEvent(new CustomEvent(KEPT_EVENT));
  }

  // keepTimeline keeps a UserTweets body (the oldest go first; a profile
  // visited before stays among them: the extractor keeps the author's posts).
  function keepTimeline(body) {
    if (typeof body !== 'string' || body.length === 0 || body.length > MAX_BYTES) return;
    timeline.push(body);
    while (timeline.length > MAX_TIMELINE || timeline.reduce((n, b) => n + b.length, 0) > MAX_BYTES) timeline.shift();
  }

  const urlOf = (input) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url ?? '');

  // headerList copies a request's headers as the page gave them (a Headers
  // object, an array of pairs or a plain object; a Request carries its own).
  function headerList(input, init) {
    const out = [];
    const add = (h) => {
      if (!h) return;
      if (typeof h.forEach === 'function' && !Array.isArray(h)) h.forEach((v, k) => out.push([k, String(v)]));
      else if (Array.isArray(h)) for (const [k, v] of h) out.push([String(k), String(v)]);
      else for (const [k, v] of Object.entries(h)) out.push([k, String(v)]);
    };
    if (input instanceof Request) add(input.headers);
    add(init?.headers);
    return out;
  }

  const pageFetch = window.fetch;
  if (typeof pageFetch === 'function') {
    window.fetch = function fetch(input, init) {
      const pending = pageFetch.apply(this, arguments);
      const url = urlOf(input);
      if (ENDPOINT.test(url)) {
        const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
        const request = remember({ url: new URL(url, location.href).href, method, headers: headerList(input, init), focalId: String(variablesOf(url).focalTweetId ?? '') });
        // A clone, so the page reads its response untouched.
        pending.then((res) => (res.ok ? res.clone().text() : '')).then((body) => keep(request, body), () => {});
      } else if (TIMELINE.test(url)) {
        pending.then((res) => (res.ok ? res.clone().text() : '')).then(keepTimeline, () => {});
      }
      return pending;
    };
  }

  const XHR = window.XMLHttpRequest?.prototype;
  if (XHR) {
    const open = XHR.open;
    const send = XHR.send;
    const setRequestHeader = XHR.setRequestHeader;
    const opened = new WeakMap(); // xhr → {url, method, headers}
    XHR.open = function (method, url) {
      opened.set(this, { url: String(url), method: String(method).toUpperCase(), headers: [] });
      return open.apply(this, arguments);
    };
    XHR.setRequestHeader = function (name, value) {
      opened.get(this)?.headers.push([String(name), String(value)]);
      return setRequestHeader.apply(this, arguments);
    };
    XHR.send = function () {
      const o = opened.get(this);
      if (o && ENDPOINT.test(o.url)) {
        const request = remember({ ...o, url: new URL(o.url, location.href).href, focalId: String(variablesOf(o.url).focalTweetId ?? '') });
        this.addEventListener('load', () => {
          if (this.status < 200 || this.status >= 300) return;
          if (this.responseType === '' || this.responseType === 'text') keep(request, this.responseText);
          else if (this.responseType === 'json' && this.response) keep(request, JSON.stringify(this.response));
        });
      } else if (o && TIMELINE.test(o.url)) {
        this.addEventListener('load', () => {
          if (this.status < 200 || this.status >= 300) return;
          if (this.responseType === '' || this.responseType === 'text') keepTimeline(this.responseText);
          else if (this.responseType === 'json' && this.response) keepTimeline(JSON.stringify(this.response));
        });
      }
      return send.apply(this, arguments);
    };
  }

  // captured: the bodies kept for the conversation opened on focalId after
  // the one numbered since, each with its number and the cursor its
  // request carried ("" for a first load). Single-page navigation may have
  // fetched the thread under another focal post, so without a match every
  // body goes (the extractor keeps only the focal post's conversation).
  function captured(focalId, since) {
    const mine = kept.filter((k) => k.focalId === focalId);
    return (mine.length ? mine : kept).filter((k) => k.seq > since).map(({ seq, body, cursor }) => ({ seq, body, cursor }));
  }

  // retryAfterMs reads Retry-After (seconds or a date), else X's own
  // x-rate-limit-reset (epoch seconds); null when neither says.
  function retryAfterMs(res) {
    const after = res.headers.get('retry-after');
    if (after !== null) {
      const s = Number(after);
      const ms = Number.isFinite(s) ? s * 1000 : Date.parse(after) - Date.now();
      if (Number.isFinite(ms)) return Math.max(0, ms);
    }
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    return reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : null;
  }

  // follow loads cursor with the request that brought it: the page's last
  // request whose response holds the cursor, else its last request for
  // focalId. The answer is kept like the page's own responses.
  async function follow(focalId, cursor) {
    const source = [...kept].reverse().find((k) => k.body.includes(cursor))?.request ?? [...requests].reverse().find((r) => r.focalId === focalId);
    if (!source) return { ok: false, status: 0, error: 'no request of this conversation to follow' };
    const url = new URL(source.url);
    const vars = variablesOf(url.href);
    vars.cursor = cursor;
    url.searchParams.set('variables', JSON.stringify(vars));
    const request = { ...source, url: url.href };
    let res;
    try {
      res = await pageFetch.call(window, request.url, { method: source.method, headers: source.headers, credentials: 'include' });
    } catch (err) {
      return { ok: false, status: 0, error: String(err?.message ?? err) };
    }
    if (!res.ok) return { ok: false, status: res.status, retryAfterMs: res.status === 429 ? retryAfterMs(res) : null };
    const body = await res.text();
    keep(request, body);
    return { ok: true, status: res.status };
  }

  // The content script asks with {detail: JSON {reply, focalId, op, cursor, since}}
  // and gets one JSON string on the event named by `reply`: at once for
  // "captured" (the default) and "timeline" (the UserTweets bodies), when the request is answered for "follow".
  // Only strings cross between the two JavaScript worlds.
  document.addEventListener(REQUEST_EVENT, (/** @type {CustomEvent} */ e) => {
    let ask;
    try {
      ask = JSON.parse(typeof e.detail === 'string' ? e.detail : 'null') ?? {};
    } catch {
      return;
    }
    const { reply, focalId, op = 'captured', cursor, since = 0 } = ask;
    if (typeof reply !== 'string' || !reply.startsWith(REPLY_PREFIX)) return;
    const answer = (value) => document.dispatchEvent(new CustomEvent(reply, { detail: JSON.stringify(value) }));
    if (op === 'captured') answer(captured(String(focalId), Number(since) || 0));
    else if (op === 'timeline') answer([...timeline]);
    else if (op === 'follow' && typeof cursor === 'string' && cursor) follow(String(focalId), cursor).then(answer);
  });
})();
