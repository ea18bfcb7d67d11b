// The test pages, built at test time from real captures: the rvinowise X
// cells from the fixture set beside the repository, ../shared/fixtures
// (read there, never copied: they have no licence), the others from their
// copies in shared/extract/testdata. Everything generated is named made-….
//
//   fixturePages()  the real X cells of fixtures/x-dom as X status pages
//   xAppPage(opts)  a self-thread of any length as X's web client shows it:
//                   loaded from a made TweetDetail API that checks X's
//                   headers and answers after 250 ms, in parts joined by
//                   ShowMore cursors, drawn on a virtualised timeline with
//                   "Show more replies" gaps, replies by others and
//                   "Discover more"; JSON built from the x-graphql captures'
//                   structures
//   virtualPage()   the 64-post xAppPage with long posts, video, photos, an ad
//   hostilePage()   a thread whose text and names are markup and script
//   staticPage(n)   n posts, all mounted (the ~1 MB benchmark page)
//
// Each returns {routes: [[key, route]…], url, expected}. Generation is
// deterministic: the same ids, texts and times on every run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULLY_STRICT_CSP } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixtures = path.resolve(here, '../../../shared/fixtures');
const read = (p) => {
  try {
    return fs.readFileSync(path.join(fixtures, p), 'utf8');
  } catch (e) {
    throw new Error(`${e.message}: the browser tests build their X pages from the real cells of the fixture set beside the repository (no licence allows a copy); put ../shared/fixtures there`, { cause: e });
  }
};
const testdata = path.resolve(here, '../../shared/extract/testdata');
const readCopy = (p) => fs.readFileSync(path.join(testdata, p), 'utf8');
const readCopyJSON = (p) => JSON.parse(readCopy(p));
const clone = (o) => structuredClone(o);

const CELL_START = '<div data-testid="cellInnerDiv"';

// cells splits a fixture page into its cellInnerDiv elements (verbatim).
function cells(html) {
  const starts = [];
  for (let i = html.indexOf(CELL_START); i >= 0; i = html.indexOf(CELL_START, i + 1)) starts.push(i);
  return starts.map((s, k) => {
    // A cell ends where the next begins, or at the wrapper's closing tags.
    const end = k + 1 < starts.length ? starts[k + 1] : html.indexOf('\n</div></section>', s);
    return html.slice(s, end).trim();
  });
}

export const escapeHTML = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const assets = [
  ['* /assets/x-app.js', { body: fs.readFileSync(path.join(here, 'pages/x-app.js')), type: 'text/javascript' }],
  ['* /assets/static-thread.js', { body: fs.readFileSync(path.join(here, 'pages/static-thread.js')), type: 'text/javascript' }],
];

function page({ title, canonical, body, script = '/assets/static-thread.js', app }) {
  return `<!doctype html><html lang="en"${app ? ` data-app="${app}"` : ''}><head><meta charset="utf-8"><title>${escapeHTML(title)}</title>` +
    (canonical ? `<link rel="canonical" href="${canonical}">` : '') +
    `<script src="${script}" defer></script></head><body><div id="react-root"><main role="main">` +
    `<div data-testid="primaryColumn"><section role="region" aria-label="Timeline: Conversation"><div id="list">` +
    `${body}</div></section></div></main></div></body></html>`;
}

// ---------------------------------------------------------------- fixtures

// withScript adds the app stand-in to a saved fixture page.
const withScript = (html) => html.replace('</body>', '<script src="/assets/static-thread.js"></script></body>');

export function fixturePages() {
  const dom = (f) => read(`x-dom/${f}`);
  return {
    routes: [
      ...assets,
      ['x.com /tehprom269887/status/1734248650228855291', { body: withScript(dom('rvinowise-selfthread-3cells.html')) }],
      ['x.com /tehprom269887/status/1707007575110099429', { body: withScript(dom('rvinowise-selfthread-hidden-replies.html')) }],
      ['x.com /tehprom269887/status/1706099462379033033', { body: withScript(dom('rvinowise-reply-other-user.html')) }],
      // Served from 127.0.0.1 (activeTab only, no host permission, no
      // MAIN-world script), as a page saved from X naming its status, with
      // no inline style allowed at all: the reader's styles must still
      // apply. The cell's style attributes are dropped so that the page
      // itself does not trip the policy.
      ['127.0.0.1 /saved/quote.html', {
        body: page({
          title: 'A quote post saved from X',
          canonical: 'https://x.com/TestQuoter/status/1983130065320780162',
          body: readCopy('x-dom/tweetyoink-x-tweet-quote/source.html').replace(/^[\s\S]*?(<div data-testid="cellInnerDiv")/, '$1').replace(/ style="[^"]*"/g, ''),
        }),
        csp: FULLY_STRICT_CSP,
      }],
    ],
    cases: {
      threeCells: {
        url: 'https://x.com/tehprom269887/status/1734248650228855291',
        ids: ['1734248650228855291', '1734248653919789531', '1734248657547870564'],
        complete: true,
      },
      hiddenReplies: {
        url: 'https://x.com/tehprom269887/status/1707007575110099429',
        ids: ['1707007575110099429', '1707007579103117527', '1725958337445961955'],
        complete: false, // the gap cannot be opened on a saved page
      },
      replyToOther: {
        url: 'https://x.com/tehprom269887/status/1706099462379033033',
        ids: ['1706099462379033033'],
        single: true,
      },
      quote: {
        path: '/saved/quote.html',
        ids: ['1983130065320780162'],
        single: true,
        quotePhotos: 1,
      },
    },
  };
}

// ---------------------------------------------------------------- made cells

// The cell template: the 2nd cell of a real 3-post self-thread (with its
// thread-connector lines), X's classes, inline styles and SVG icons intact,
// so pages are as heavy and as noisy as X's.
let template;
function cellTemplate() {
  template ??= cells(read('x-dom/rvinowise-selfthread-3cells.html'))[1];
  return template;
}

const DATE_LABEL = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

// The thread line of the template cell (X's 2023 classes, read only here,
// to draw a cell without it): above the avatar, a column holding an empty
// div; below it, an empty div after Tweet-User-Avatar.
const LINE_ABOVE = /<div class="[^"]*"><div class="[^"]*r-1bimlpy[^"]*"><\/div><\/div>/;
const LINE_BELOW = /<div class="[^"]*r-1bimlpy[^"]*r-14gqq1x"><\/div>/;

// madeCell returns an X post cell for post p = {id, handle, name, text,
// createdAt, media: [{type, url, poster, alt}], truncated}. lines: where the
// thread line is drawn ("both", as in a conversation; "above", "below",
// "none": a profile's cells); showThread adds X's "Show this thread" link.
export function madeCell(p, { rawText = false, lines = 'both', showThread = false } = {}) {
  const label = DATE_LABEL.format(new Date(p.createdAt));
  // X shows the opened (focal) post's time as plain text, not as a link to
  // itself: its only status link is the analytics one.
  const timeLink = (html) => (p.focal
    ? html.replace(/<a href="\/[^"]*\/status\/\d+" dir="ltr" aria-label="[^"]*" role="link"[^>]*>(<time [^>]*>[^<]*<\/time>)<\/a>/, '<div dir="ltr">$1</div>')
    : html);
  let html = cellTemplate()
    .replace(/ style="transform: translateY\([^)]*\); position: absolute; width: 100%;"/, '')
    .replaceAll('tehprom269887', p.handle)
    .replace(/>tehprom</, `>${escapeHTML(p.name)}<`)
    .replaceAll('1734248653919789531', p.id)
    .replace('2023-12-11T16:27:54.000Z', p.createdAt)
    .replace('aria-label="Dec 11"', `aria-label="${label}"`)
    .replace('>Dec 11<', `>${label}<`)
    .replace('>2nd message of a thread<', `>${rawText ? p.text : escapeHTML(p.text)}<`);
  html = timeLink(html);
  if (lines !== 'both' && lines !== 'above') html = html.replace(LINE_ABOVE, '');
  if (lines !== 'both' && lines !== 'below') html = html.replace(LINE_BELOW, '');
  const textAt = html.indexOf('data-testid="tweetText"');
  const afterText = html.indexOf('</div></div>', textAt) + '</div></div>'.length;
  let extra = '';
  if (showThread) extra += `<div><a href="/${p.handle}/status/${p.id}" role="link"><span>Show this thread</span></a></div>`;
  if (p.truncated) extra += '<div><button type="button" data-testid="tweet-text-show-more-link" role="button">Show more</button></div>';
  const photos = (p.media ?? []).filter((m) => m.type === 'photo');
  if (photos.length) {
    extra += '<div><div>' + photos.map((m, i) =>
      `<a href="/${p.handle}/status/${p.id}/photo/${i + 1}" role="link"><div><div aria-label="Image" data-testid="tweetPhoto">` +
      `<div style="background-image: url(&quot;${m.url}&quot;);"></div><img alt="${escapeHTML(m.alt || 'Image')}" draggable="true" src="${m.url}"></div></div></a>`,
    ).join('') + '</div></div>';
  }
  // A GIF's cell is drawn like a video's (X's own player loads its file:
  // the page's request, not the reader's, so it is left out here).
  for (const v of (p.media ?? []).filter((m) => m.type === 'video' || m.type === 'gif')) {
    // X plays video from a MediaSource blob: the DOM never has the mp4
    // (and a blob URL that does not exist here would only log errors).
    extra += `<div><div data-testid="videoPlayer"><div data-testid="videoComponent"><video preload="none" playsinline aria-label="Embedded video" ` +
      `poster="${v.poster}"></video></div></div></div>`;
  }
  return html.slice(0, afterText) + extra + html.slice(afterText);
}

// The "Show more replies" cell of the real hidden-replies capture.
export function gapCell(id) {
  return cells(read('x-dom/rvinowise-selfthread-hidden-replies.html'))[1]
    .replace(/ style="transform: translateY\([^)]*\); position: absolute; width: 100%;"/, '')
    .replaceAll('1707007575110099429', id);
}

const headingCell = (text) => `<div data-testid="cellInnerDiv"><div><div><h2 role="heading" aria-level="2"><span>${text}</span></h2></div></div></div>`;

// ---------------------------------------------------------------- made GraphQL

const X_DATE = (iso) => {
  const d = new Date(iso);
  const day = d.toUTCString().slice(0, 3);
  const mon = d.toUTCString().slice(8, 11);
  const pad = (n) => String(n).padStart(2, '0');
  return `${day} ${mon} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
};

let gql;
function gqlTemplates() {
  if (gql) return gql;
  const details = readCopyJSON('x-graphql/twscrape-raw_tweet_details/source.json');
  const entries = details.data.threaded_conversation_with_injections_v2.instructions[1].entries;
  const video = readCopyJSON('x-graphql/twscrape-video-with-replies/source.json').data.threaded_conversation_with_injections_v2.instructions[0].entries[0]
    .content.itemContent.tweet_results.result.legacy.extended_entities.media[0];
  delete video.additional_media_info;
  gql = {
    item: entries[0].content.itemContent, // a SelfThread TimelineTweet by @XDevelopers
    module: entries[1].content, // a VerticalConversation module
    reply: entries[2].content.items[0].item.itemContent, // a reply by another account
    video,
  };
  return gql;
}

// gqlTweet returns a TimelineTweet item for post p, from template tpl.
function gqlTweet(tpl, p) {
  const item = clone(tpl);
  const r = item.tweet_results.result;
  r.rest_id = p.id;
  if (r.edit_control) r.edit_control.edit_tweet_ids = [p.id];
  const user = r.core.user_results.result;
  user.rest_id = p.userId;
  if (user.core) Object.assign(user.core, { screen_name: p.handle, name: p.name });
  if (user.legacy) Object.assign(user.legacy, { screen_name: p.handle, name: p.name });
  const text = p.fullText ?? p.text;
  const shown = p.fullText ? `${text.slice(0, 270)}…` : text;
  Object.assign(r.legacy, {
    id_str: p.id,
    user_id_str: p.userId,
    conversation_id_str: p.conversationId,
    created_at: X_DATE(p.createdAt),
    full_text: shown,
    display_text_range: [0, [...shown].length],
    entities: { hashtags: [], symbols: [], urls: [], user_mentions: [] },
  });
  delete r.legacy.extended_entities;
  delete r.legacy.in_reply_to_status_id_str;
  if (p.replyTo) {
    Object.assign(r.legacy, { in_reply_to_status_id_str: p.replyTo.id, in_reply_to_user_id_str: p.replyTo.userId, in_reply_to_screen_name: p.replyTo.handle });
  }
  if (p.fullText) {
    r.note_tweet = { is_expandable: true, note_tweet_results: { result: { id: `made-note-${p.id}`, text, entity_set: { hashtags: [], symbols: [], urls: [], user_mentions: [] } } } };
  }
  const media = (p.media ?? []).map((m, i) => {
    if (m.type === 'video') {
      const v = clone(gqlTemplates().video);
      Object.assign(v, {
        id_str: `${p.id}${i}`, media_key: `7_${p.id}${i}`, media_url_https: m.poster, type: 'video',
        expanded_url: `https://x.com/${p.handle}/status/${p.id}/video/1`, display_url: 'pic.x.com/made', url: 'https://t.co/made',
      });
      v.video_info.variants = [
        { content_type: 'application/x-mpegURL', url: `https://video.twimg.com/ext_tw_video/${p.id}/pu/pl/made.m3u8` },
        { bitrate: 832000, content_type: 'video/mp4', url: m.mp4.replace('1280x720', '640x360') },
        { bitrate: 2176000, content_type: 'video/mp4', url: m.mp4 },
      ];
      return v;
    }
    if (m.type === 'gif') {
      return {
        display_url: 'pic.x.com/made', expanded_url: `https://x.com/${p.handle}/status/${p.id}/photo/1`, id_str: `${p.id}${i}`,
        media_key: `16_${p.id}${i}`, media_url_https: m.poster, type: 'animated_gif', url: 'https://t.co/made', indices: [0, 0],
        original_info: { width: 120, height: 80 }, video_info: { aspect_ratio: [3, 2], variants: [{ bitrate: 0, content_type: 'video/mp4', url: m.mp4 }] },
      };
    }
    return {
      display_url: 'pic.x.com/made', expanded_url: `https://x.com/${p.handle}/status/${p.id}/photo/${i + 1}`, id_str: `${p.id}${i}`,
      media_key: `3_${p.id}${i}`, media_url_https: m.url.split('?')[0], type: 'photo', url: 'https://t.co/made',
      ext_alt_text: m.alt, original_info: { width: 1200, height: 800 }, sizes: {}, indices: [0, 0],
    };
  });
  if (media.length) {
    r.legacy.extended_entities = { media };
    r.legacy.entities.media = media;
  }
  item.tweetDisplayType = p.selfThread ? 'SelfThread' : 'Tweet';
  return item;
}

const moduleItem = (moduleId, item) => ({
  entryId: `${moduleId}-tweet-${item.tweet_results.result.rest_id}`,
  item: { itemContent: item, clientEventInfo: { component: 'tweet' } },
});

// gqlModule is a reply module; cursor, when set, is the value of the
// ShowMore cursor X puts last in a module it did not send whole ("Show
// replies"), in the shape of twscrape-issue56-author-replies-to-others.
function gqlModule(moduleId, items, cursor) {
  const m = clone(gqlTemplates().module);
  m.items = items.map((it) => (it.entryId ? it : moduleItem(moduleId, it)));
  if (cursor) m.items.push(showMoreItem(moduleId, cursor));
  m.metadata = { conversationMetadata: { allTweetIds: items.map((it) => (it.item?.itemContent ?? it).tweet_results.result.rest_id), enableDeduplication: true } };
  return { entryId: moduleId, sortIndex: moduleId, content: m };
}

const showMoreItem = (moduleId, cursor) => ({
  entryId: `${moduleId}-cursor-showmore-${cursor.slice(-8)}`,
  item: { itemContent: { __typename: 'TimelineTimelineCursor', itemType: 'TimelineTimelineCursor', cursorType: 'ShowMore', value: cursor, displayTreatment: { actionText: 'Show replies' } } },
});

const tweetDetail = (instructions) => JSON.stringify({ data: { threaded_conversation_with_injections_v2: { instructions } } });

// ---------------------------------------------------------------- posts

const SENTENCES = [
  'Threads are how people think out loud in public.',
  'Each post builds on the one before it, and order matters.',
  'A reader view should keep every word and drop the noise.',
  'Media belongs next to the words it illustrates.',
  'Replies from other people are a different conversation.',
  'Virtualised lists keep only a few cells in the page at once.',
  'A collector has to catch each cell while it is mounted.',
];

const AUTHOR = { handle: 'threadwright', name: 'Thread Wright', userId: '9000000001' };
const OTHERS = Array.from({ length: 11 }, (_, i) => ({ handle: `replier${i + 1}`, name: `Replier ${i + 1}`, userId: `90000001${String(i).padStart(2, '0')}` }));

function chainPosts(n, { base = 1900000000000000000n, start = Date.UTC(2024, 2, 1, 10, 0, 0) } = {}) {
  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    return {
      ...AUTHOR,
      k,
      id: String(base + BigInt(k) * 1000n),
      createdAt: new Date(start + i * 60_000).toISOString().replace(/\.\d+Z$/, '.000Z'),
      text: `${k}/ ${SENTENCES[i % SENTENCES.length]} (post ${k} of the made thread)`,
      media: [],
      selfThread: k > 1,
    };
  });
}

function replyPosts(to, count, offset = 0) {
  return OTHERS.slice(offset, offset + count).map((o, i) => ({
    ...o,
    id: String(BigInt(to.id) + 500n + BigInt(offset + i)),
    createdAt: new Date(Date.parse(to.createdAt) + (offset + i + 1) * 3_600_000).toISOString().replace(/\.\d+Z$/, '.000Z'),
    text: `@${AUTHOR.handle} a reply by someone else (${o.handle})`,
    media: [],
    replyTo: to,
  }));
}

const HEIGHT = { post: 260, media: 480, gap: 64, heading: 80 };

// ---------------------------------------------------------------- X's web client

// What the made pages' client sends, as X's does: a query id in the path,
// features and field toggles in the query, a bearer token and the csrf
// token of the ct0 cookie in headers. The test server refuses a request
// without them; the extension must copy them from the page's own request.
export const X_CLIENT = Object.freeze({
  queryId: 'mAdE0QuErY1d-TweetDetail',
  bearer: 'AAAAAAAAAAAAAAAAAAAAAMadeBearerTokenOnlyForUnspoolTests%3DMade',
  ct0: 'made0ct0csrf0token0for0unspool0tests',
  latencyMs: 250,
  features: {
    rweb_video_screen_enabled: false, responsive_web_graphql_timeline_navigation_enabled: true,
    longform_notetweets_consumption_enabled: true, responsive_web_edit_tweet_api_enabled: true,
    view_counts_everywhere_api_enabled: true, tweet_awards_web_tipping_enabled: false,
    freedom_of_speech_not_reach_fetch_enabled: true, standardized_nudges_misinfo: true,
    longform_notetweets_rich_text_read_enabled: true, responsive_web_enhance_cards_enabled: false,
  },
  fieldToggles: { withArticleRichContentState: true, withArticlePlainText: false, withGrokAnalyze: false, withDisallowedReplyControls: false },
});

// The conversations the made client can load, by focal post id; one API
// route serves them all (every page shares X's endpoint).
const conversations = new Map();
const apiPath = (operation) => `/i/api/graphql/${X_CLIENT.queryId}/${operation}`;
const xError = (status, message, code) => ({ status, body: JSON.stringify({ errors: [{ message, code }] }) });

// answer is what the made API says to one request: X's refusals first.
let answers = 0;

function answer(conv, vars, h, request) {
  const ct0 = /(?:^|;\s*)ct0=([^;]+)/.exec(h.cookie ?? '')?.[1];
  if (h.authorization !== `Bearer ${X_CLIENT.bearer}` || !ct0 || h['x-csrf-token'] !== ct0 || !h['x-client-transaction-id'] ||
    h['x-twitter-active-user'] !== 'yes' || h['x-twitter-auth-type'] !== 'OAuth2Session') {
    return xError(403, 'This request requires a matching csrf cookie and header.', 353);
  }
  if (request.features !== JSON.stringify(X_CLIENT.features) || request.fieldToggles !== JSON.stringify(X_CLIENT.fieldToggles)) {
    return xError(400, 'The following features cannot be null: rweb_video_screen_enabled', 336);
  }
  if (!conv) return xError(404, '_Missing: No status found with that ID.', 144);
  // X's transaction ids are made per request: one seen before is refused.
  if (conv.refuseReplay && conv.transactions.has(h['x-client-transaction-id'])) return xError(404, 'Sorry, that page does not exist.', 34);
  conv.transactions.add(h['x-client-transaction-id']);
  if (conv.rateLimitOnce && vars.cursor && !conv.rateLimited) {
    conv.rateLimited = true;
    return { ...xError(429, 'Rate limit exceeded', 88), headers: { 'retry-after': '1', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 1) } };
  }
  const body = vars.cursor ? conv.parts.get(vars.cursor) : conv.first;
  // X never sends the same bytes twice (view counts move, tracking ids
  // change): nor does this, so nothing can lean on a body seen before.
  return body ? { status: 200, body: `{"made_answer":${++answers},${body.slice(1)}` } : xError(400, 'Bad cursor', 214);
}

const apiRoute = {
  async respond(url, req) {
    const vars = JSON.parse(url.searchParams.get('variables') ?? '{}');
    const conv = conversations.get(String(vars.focalTweetId));
    const h = req.headers;
    const request = {
      at: Date.now(), path: url.pathname, cursor: vars.cursor ?? '', focalId: String(vars.focalTweetId), variables: vars,
      features: url.searchParams.get('features'), fieldToggles: url.searchParams.get('fieldToggles'),
      headers: Object.fromEntries(['authorization', 'x-csrf-token', 'x-client-transaction-id', 'x-twitter-active-user', 'x-twitter-auth-type', 'x-twitter-client-language', 'content-type'].map((k) => [k, h[k]])),
    };
    (conv?.requests ?? []).push(request);
    await new Promise((r) => setTimeout(r, conv?.latencyMs ?? X_CLIENT.latencyMs));
    const out = answer(conv, vars, h, request);
    request.status = out.status;
    return out;
  },
};

// xAppPage builds a self-thread of n posts by @threadwright as X serves it
// to its web client: the page loads the conversation opened on post
// `focal` through the made TweetDetail API (X_CLIENT), whose first answer
// holds the ancestors, the focal post and the author's chain up to post
// firstPart — then a ShowMore cursor when the chain goes on —, 8 replies by
// others and a Bottom cursor; each cursor's answer appends the next
// partSize posts (TimelineAddToModule), with another cursor while more
// remain. "Discover more" and unrelated posts follow the conversation.
//
// Options: rich adds what the reader must carry through (long posts whose
// full text is only in the JSON — one behind the first cursor —, a video
// whose mp4 is only in the JSON, photos, an ad inside the author's module);
// refuseReplay makes the API refuse a request whose transaction id it has
// seen (as X would refuse a replay); rateLimitOnce answers the first
// request with a cursor 429 + Retry-After: 1; previous makes the page load
// another conversation (by the same author, with its own cursor) first, as
// after in-app navigation; uncaptured makes the client call the API under
// another operation name, which the extension does not copy — as if it had
// been installed after the page loaded (or X renamed the request): only the
// page's DOM is left to read.
//
// Returns {url, routes, expected, requests, posts, bodies} — requests logs every
// API call of this conversation ({at, cursor, headers, variables, status,
// …}); bodies are the API's answers.
export function xAppPage({ name, n, focal = 1, firstPart = 40, partSize = 40, base, rich = false, media, refuseReplay = false, rateLimitOnce = false, previous = false, uncaptured = false, latencyMs }) {
  const posts = chainPosts(n, { base });
  // media: post number → its media list (mediaOf gives the addresses).
  for (const [k, make] of Object.entries(media ?? {})) posts[k - 1].media = make(posts[k - 1]);
  posts.forEach((p, i) => {
    p.conversationId = posts[0].id;
    if (i > 0) p.replyTo = posts[i - 1];
  });
  const focalPost = posts[focal - 1];
  focalPost.focal = true;
  const expected = { ids: posts.map((p) => p.id), focalId: focalPost.id };
  let ad = null;
  if (rich) {
    const long = posts[9];
    long.fullText = `${long.text} ${SENTENCES.join(' ')} ${SENTENCES.slice(0, 3).join(' ')} The end of the long post is only in the GraphQL copy: tail-marker-10.`;
    long.truncated = true;
    const longHidden = posts[firstPart + 2];
    longHidden.fullText = `${longHidden.text} ${SENTENCES.slice(2).join(' ')} ${SENTENCES.join(' ')} Only the continuation's copy ends like this: tail-marker-${longHidden.k}.`;
    longHidden.truncated = true;
    const video = posts[19];
    video.media = [{ type: 'video', poster: `https://pbs.twimg.com/ext_tw_video_thumb/${video.id}/pu/img/made.jpg`, mp4: `https://video.twimg.com/ext_tw_video/${video.id}/pu/vid/avc1/1280x720/made.mp4?tag=12` }];
    const photos = { 5: 1, 33: 2, [firstPart + 10]: 1 };
    for (const [k, count] of Object.entries(photos)) {
      const p = posts[k - 1];
      p.media = Array.from({ length: count }, (_, i) => ({ type: 'photo', url: `https://pbs.twimg.com/media/made${p.id.slice(-6)}x${i}?format=jpg&name=small`, alt: `photo ${i + 1} of post ${k}` }));
    }
    // An ad inside the chain, as X places them: a post by someone else
    // that must not be taken for the end of the thread.
    ad = { ...OTHERS[10], handle: 'advertiser', id: String(BigInt(posts[29].id) + 500n), createdAt: posts[29].createdAt, text: 'Buy our things', media: [] };
    Object.assign(expected, {
      longId: long.id, longTail: 'tail-marker-10.', longHiddenId: longHidden.id, longHiddenTail: `tail-marker-${longHidden.k}.`,
      videoId: video.id, videoMp4: video.media[0].mp4,
      photos: Object.fromEntries(Object.entries(photos).map(([k, count]) => [posts[k - 1].id, count])),
    });
  }
  const replies = replyPosts(focalPost, 8).map((r) => ({ ...r, conversationId: posts[0].id }));
  const discover = replyPosts(posts.at(-1), 3, 8).map((r) => ({ ...r, text: `Something unrelated from ${r.handle}`, replyTo: null, conversationId: r.id }));
  expected.notIds = [...replies, ...discover, ...(ad ? [ad] : [])].map((p) => p.id);

  // The JSON X sends: the first answer, then one per cursor.
  const t = gqlTemplates();
  const moduleId = `conversationthread-${posts[focal]?.id ?? focalPost.id}`;
  const cursorOf = (k) => Buffer.from(`made:${name}:showmore:${k}:${focalPost.id}`).toString('base64url');
  const tweet = (p) => gqlTweet(t.item, p);
  const withAd = (list) => {
    const items = list.map((p) => moduleItem(moduleId, tweet(p)));
    const at = list.findIndex((p) => p === posts[29]);
    if (ad && at >= 0) {
      const promoted = moduleItem(moduleId, gqlTweet(t.reply, ad));
      promoted.item.itemContent.promotedMetadata = { advertiser_results: { result: { __typename: 'User' } }, disclosureType: 'NoDisclosure' };
      items.splice(at + 1, 0, promoted);
    }
    return items;
  };
  const chainAfterFocal = posts.slice(focal, firstPart);
  const parts = new Map();
  for (let from = firstPart, k = 1; from < n; from += partSize, k++) {
    const part = posts.slice(from, from + partSize);
    const more = from + partSize < n ? cursorOf(k + 1) : '';
    parts.set(cursorOf(k), tweetDetail([{ type: 'TimelineAddToModule', moduleEntryId: moduleId, prepend: false, moduleItems: [...withAd(part), ...(more ? [showMoreItem(moduleId, more)] : [])] }]));
  }
  const first = tweetDetail([
    { type: 'TimelineClearCache' },
    {
      type: 'TimelineAddEntries',
      entries: [
        ...posts.slice(0, focal).map((p) => ({ entryId: `tweet-${p.id}`, sortIndex: p.id, content: { __typename: 'TimelineTimelineItem', entryType: 'TimelineTimelineItem', itemContent: tweet(p) } })),
        ...(chainAfterFocal.length ? [gqlModule(moduleId, withAd(chainAfterFocal), firstPart < n ? cursorOf(1) : '')] : []),
        ...replies.map((r) => gqlModule(`conversationthread-${r.id}`, [gqlTweet(t.reply, r)])),
        { entryId: `cursor-bottom-${focalPost.id}`, sortIndex: '0', content: { __typename: 'TimelineTimelineCursor', entryType: 'TimelineTimelineCursor', itemContent: { __typename: 'TimelineTimelineCursor', itemType: 'TimelineTimelineCursor', cursorType: 'Bottom', value: Buffer.from(`made:${name}:bottom`).toString('base64url') } } },
      ],
    },
    { type: 'TimelineTerminateTimeline', direction: 'Top' },
  ]);
  const requests = [];
  conversations.set(focalPost.id, { first, parts, requests, refuseReplay, rateLimitOnce, latencyMs, transactions: new Set() });

  // What the client draws for each post id.
  const cellFor = (p) => ({ html: madeCell(p), height: p.media.length ? HEIGHT.media : HEIGHT.post });
  const cells = Object.fromEntries([...posts, ...replies].map((p) => [p.id, cellFor(p)]));
  if (ad) cells[ad.id] = { html: madeCell(ad).replace(/^(<div data-testid="cellInnerDiv"[^>]*>)([\s\S]*)(<\/div>)$/, '$1<div data-testid="placementTracking">$2</div>$3'), height: HEIGHT.post };
  const app = {
    ...X_CLIENT, operation: uncaptured ? 'ConversationTimeline' : 'TweetDetail', focalId: focalPost.id, cells, gapHTML: gapCell('GAP_ABOVE'), gapHeight: HEIGHT.gap,
    tail: [{ key: 'discover', html: headingCell('Discover more'), height: HEIGHT.heading }, ...discover.map((p) => ({ key: p.id, ...cellFor(p) }))],
  };
  if (previous) {
    // Another thread of the same author, seen before this one; its first
    // answer holds a cursor the extension must not follow.
    const before = chainPosts(6, { base: BigInt(posts[0].id) + 7_000_000n });
    before.forEach((p, i) => Object.assign(p, { conversationId: before[0].id, replyTo: before[i - 1] }));
    const prevModule = `conversationthread-${before[1].id}`;
    const prevRequests = [];
    conversations.set(before[0].id, {
      first: tweetDetail([{ type: 'TimelineAddEntries', entries: [
        { entryId: `tweet-${before[0].id}`, sortIndex: before[0].id, content: { __typename: 'TimelineTimelineItem', entryType: 'TimelineTimelineItem', itemContent: gqlTweet(t.item, before[0]) } },
        gqlModule(prevModule, before.slice(1, 3).map((p) => gqlTweet(t.item, p)), Buffer.from(`made:${name}:previous`).toString('base64url')),
      ] }]),
      parts: new Map(), requests: prevRequests, transactions: new Set(), latencyMs,
    });
    app.previousFocalId = before[0].id;
    expected.previousRequests = prevRequests;
  }
  const appPath = `/made/${name}/app.json`;
  const url = `https://x.com/${AUTHOR.handle}/status/${focalPost.id}`;
  // Sequential API waits a complete unroll needs: the first answer is the
  // page's; each cursor's answer needs the one before it.
  expected.continuations = parts.size;
  return {
    url,
    requests,
    expected,
    posts, // the chain, as its cells draw it
    bodies: [first, ...parts.values()], // X's answers, in the order a complete unroll needs them
    routes: [
      ...assets,
      [`x.com /${AUTHOR.handle}/status/${focalPost.id}`, {
        body: page({ title: `${AUTHOR.name} on X (made-${name})`, body: '', script: '/assets/x-app.js', app: appPath }),
        headers: { 'set-cookie': `ct0=${X_CLIENT.ct0}; Path=/; Secure; SameSite=Lax` },
      }],
      [`x.com ${appPath}`, { body: JSON.stringify(app), type: 'application/json' }],
      [`x.com ${apiPath('TweetDetail')}`, apiRoute],
      [`x.com ${apiPath('ConversationTimeline')}`, apiRoute],
    ],
  };
}

// virtualPage is the 64-post thread opened on post 3 with everything the
// reader must carry through (xAppPage's rich options).
export const VIRTUAL = Object.freeze({ posts: 64, focal: 3, firstPart: 40 });
export function virtualPage(options = {}) {
  return xAppPage({ name: 'virtual-64', n: VIRTUAL.posts, focal: VIRTUAL.focal, firstPart: VIRTUAL.firstPart, rich: true, ...options });
}

// ---------------------------------------------------------------- hostile page

// Markup, script and URL tricks as post text and names. The page allows
// inline script (unlike X), so any of it that became live markup anywhere
// would run and mark <html data-pwned>.
export const HOSTILE = [
  `<img src=x onerror="document.documentElement.dataset.pwned='img'">`,
  `<script>document.documentElement.dataset.pwned='script'</script>`,
  `</style></template><svg onload="document.documentElement.dataset.pwned='svg'">`,
  `"><iframe srcdoc="<script>parent.document.documentElement.dataset.pwned='iframe'</script>">`,
  `{{constructor.constructor('document.documentElement.dataset.pwned=1')()}} \${document.documentElement.dataset.pwned='tpl'}`,
];

export function hostilePage() {
  const posts = chainPosts(3, { base: 1910000000000000000n });
  const author = { handle: 'hostile_ux', name: `<b onmouseover="document.documentElement.dataset.pwned='name'">Evil</b> Name` };
  posts.forEach((p, i) => Object.assign(p, author, { text: `${i + 1}/ ${HOSTILE[i]} ${HOSTILE[i + 2]}` }));
  const reply = replyPosts(posts[0], 1)[0];
  let third = madeCell(posts[2]);
  // A link element inside the post text with a javascript: target.
  third = third.replace('</span></div></div>', `</span><a href="javascript:document.documentElement.dataset.pwned='link'" role="link">javascript-link</a></div></div>`);
  const body = [madeCell(posts[0]), madeCell(posts[1]), third, madeCell(reply)].join('');
  const url = `https://x.com/${author.handle}/status/${posts[0].id}`;
  return {
    url,
    routes: [
      ...assets,
      [`x.com /${author.handle}/status/${posts[0].id}`, {
        body: page({ title: 'made-hostile-thread', body }),
        csp: "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' https://pbs.twimg.com https://abs.twimg.com data:",
      }],
    ],
    expected: { ids: posts.map((p) => p.id), texts: HOSTILE, name: author.name },
  };
}

// ---------------------------------------------------------------- static page

// staticPage: n posts all in the DOM (no virtualisation), a photo every
// tenth post. X's cell markup without its SVG path data and plain inline
// styles (as the template is heavier than today's cells): ~1.2 MB for 100.
export function staticPage(n = 100) {
  const posts = chainPosts(n, { base: 1920000000000000000n });
  posts.forEach((p) => {
    if (p.k % 10 === 0) p.media = [{ type: 'photo', url: `https://pbs.twimg.com/media/made-s${p.k}?format=jpg&name=small`, alt: `photo of post ${p.k}` }];
  });
  const replies = replyPosts(posts[0], 3);
  const body = [...posts, ...replies].map((p) => madeCell(p)).join('\n')
    .replace(/ d="[^"]*"/g, '')
    .replace(/ style="(?![^"]*url)[^"]*"/g, '');
  const url = `https://x.com/${AUTHOR.handle}/status/${posts[0].id}`;
  return {
    url,
    html: page({ title: `made-static-${n}`, body }),
    routes: [...assets, [`x.com /${AUTHOR.handle}/status/${posts[0].id}`, { body: page({ title: `made-static-${n}`, body }) }]],
    expected: { ids: posts.map((p) => p.id) },
  };
}
