// The test pages, built at test time from the real captures in
// ../shared/fixtures (read there, never copied into this repository: the
// rvinowise cells have no licence). Everything generated is named made-….
//
//   fixturePages()  the real X cells of fixtures/x-dom as X status pages
//   virtualPage()   a 64-post self-thread on a virtualised timeline with a
//                   "Show more replies" gap, replies by others, "Discover
//                   more", and TweetDetail JSON fetched by the page, built
//                   from the fixtures/x-graphql structures
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
const read = (p) => fs.readFileSync(path.join(fixtures, p), 'utf8');
const readJSON = (p) => JSON.parse(read(p));
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
  ['* /assets/virtual-thread.js', { body: fs.readFileSync(path.join(here, 'pages/virtual-thread.js')), type: 'text/javascript' }],
  ['* /assets/static-thread.js', { body: fs.readFileSync(path.join(here, 'pages/static-thread.js')), type: 'text/javascript' }],
];

function page({ title, canonical, body, script = '/assets/static-thread.js' }) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(title)}</title>` +
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
          body: dom('tweetyoink-x-tweet-quote.html').replace(/^[\s\S]*?(<div data-testid="cellInnerDiv")/, '$1').replace(/ style="[^"]*"/g, ''),
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

// madeCell returns an X post cell for post p = {id, handle, name, text,
// createdAt, media: [{type, url, poster, alt}], truncated}.
export function madeCell(p, { rawText = false } = {}) {
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
  const textAt = html.indexOf('data-testid="tweetText"');
  const afterText = html.indexOf('</div></div>', textAt) + '</div></div>'.length;
  let extra = '';
  if (p.truncated) extra += '<div><button type="button" data-testid="tweet-text-show-more-link" role="button">Show more</button></div>';
  const photos = (p.media ?? []).filter((m) => m.type === 'photo');
  if (photos.length) {
    extra += '<div><div>' + photos.map((m, i) =>
      `<a href="/${p.handle}/status/${p.id}/photo/${i + 1}" role="link"><div><div aria-label="Image" data-testid="tweetPhoto">` +
      `<div style="background-image: url(&quot;${m.url}&quot;);"></div><img alt="${escapeHTML(m.alt || 'Image')}" draggable="true" src="${m.url}"></div></div></a>`,
    ).join('') + '</div></div>';
  }
  for (const v of (p.media ?? []).filter((m) => m.type === 'video')) {
    // X plays video from a MediaSource blob: the DOM never has the mp4
    // (and a blob URL that does not exist here would only log errors).
    extra += `<div><div data-testid="videoPlayer"><div data-testid="videoComponent"><video preload="none" playsinline aria-label="Embedded video" ` +
      `poster="${v.poster}"></video></div></div></div>`;
  }
  return html.slice(0, afterText) + extra + html.slice(afterText);
}

// The "Show more replies" cell of the real hidden-replies capture.
function gapCell(id) {
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
  const details = readJSON('x-graphql/twscrape-raw_tweet_details.json');
  const entries = details.data.threaded_conversation_with_injections_v2.instructions[1].entries;
  const video = readJSON('x-graphql/twscrape-video-with-replies.json').data.threaded_conversation_with_injections_v2.instructions[0].entries[0]
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

function gqlModule(moduleId, items, cursor) {
  const m = clone(gqlTemplates().module);
  m.items = items.map((it) => moduleItem(moduleId, it));
  if (cursor) {
    m.items.push({
      entryId: `${moduleId}-cursor-showmore-made`,
      item: { itemContent: { __typename: 'TimelineTimelineCursor', itemType: 'TimelineTimelineCursor', cursorType: 'ShowMoreThreads', value: 'made-cursor', displayTreatment: { actionText: 'Show more replies' } } },
    });
  }
  m.metadata = { conversationMetadata: { allTweetIds: items.map((it) => it.tweet_results.result.rest_id), enableDeduplication: true } };
  return { entryId: moduleId, sortIndex: moduleId, content: m };
}

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

// ---------------------------------------------------------------- virtual page

export const VIRTUAL = { posts: 64, focal: 3, gapAfter: 40, gapSize: 6, long: 10, longHidden: 43, video: 20, photos: { 5: 1, 33: 2, 50: 1 }, inGraphQL: 40 };

export function virtualPage() {
  const posts = chainPosts(VIRTUAL.posts);
  posts.forEach((p, i) => {
    p.conversationId = posts[0].id;
    if (i > 0) p.replyTo = posts[i - 1];
  });
  const focal = posts[VIRTUAL.focal - 1];
  focal.focal = true;
  const long = posts[VIRTUAL.long - 1];
  long.fullText = `${long.text} ${SENTENCES.join(' ')} ${SENTENCES.slice(0, 3).join(' ')} The end of the long post is only in the GraphQL copy: tail-marker-10.`;
  long.truncated = true;
  // A long post behind the gap: its full text is only in the TweetDetail
  // the page fetches with XMLHttpRequest when the gap is opened.
  const longHidden = posts[VIRTUAL.longHidden - 1];
  longHidden.fullText = `${longHidden.text} ${SENTENCES.slice(2).join(' ')} ${SENTENCES.join(' ')} Only the XHR copy ends like this: tail-marker-43.`;
  longHidden.truncated = true;
  const video = posts[VIRTUAL.video - 1];
  video.media = [{ type: 'video', poster: `https://pbs.twimg.com/ext_tw_video_thumb/${video.id}/pu/img/made.jpg`, mp4: `https://video.twimg.com/ext_tw_video/${video.id}/pu/vid/avc1/1280x720/made.mp4?tag=12` }];
  for (const [k, n] of Object.entries(VIRTUAL.photos)) {
    const p = posts[k - 1];
    p.media = Array.from({ length: n }, (_, i) => ({ type: 'photo', url: `https://pbs.twimg.com/media/made${k}x${i}?format=jpg&name=small`, alt: `photo ${i + 1} of post ${k}` }));
  }
  const last = posts.at(-1);
  const replies = replyPosts(focal, 8).map((r) => ({ ...r, conversationId: posts[0].id }));
  const discover = replyPosts(last, 3, 8).map((r) => ({ ...r, text: `Something unrelated from ${r.handle}`, replyTo: null, conversationId: r.id }));

  const item = (p) => ({ key: p.id, html: madeCell(p), height: p.media.length ? HEIGHT.media : HEIGHT.post });
  // An ad inside the chain, as X places them: a post by someone else that
  // must not be taken for the end of the thread.
  const ad = { ...OTHERS[10], handle: 'advertiser', id: '1900000000000030500', createdAt: posts[29].createdAt, text: 'Buy our things', media: [] };
  const adCell = madeCell(ad).replace(/^(<div data-testid="cellInnerDiv"[^>]*>)([\s\S]*)(<\/div>)$/, '$1<div data-testid="placementTracking">$2</div>$3');
  const gapFrom = VIRTUAL.gapAfter;
  const hidden = posts.slice(gapFrom, gapFrom + VIRTUAL.gapSize);
  const items = [
    ...posts.slice(0, 30).map(item),
    { key: 'ad', html: adCell, height: HEIGHT.post },
    ...posts.slice(30, gapFrom).map(item),
    { key: `gap-${posts[gapFrom - 1].id}`, html: gapCell(posts[gapFrom - 1].id), height: HEIGHT.gap, gap: { items: hidden.map(item), tweetDetail: '/i/api/graphql/made-hash/TweetDetail?variables=' + encodeURIComponent(JSON.stringify({ focalTweetId: focal.id, cursor: 'made-cursor' })) } },
    ...posts.slice(gapFrom + VIRTUAL.gapSize).map(item),
    ...replies.map(item),
    { key: 'discover', html: headingCell('Discover more'), height: HEIGHT.heading },
    ...discover.map(item),
  ];

  const t = gqlTemplates();
  const moduleId = `conversationthread-${posts[VIRTUAL.focal].id}`;
  const firstDetail = tweetDetail([
    { type: 'TimelineClearCache' },
    {
      type: 'TimelineAddEntries',
      entries: [
        ...posts.slice(0, VIRTUAL.focal).map((p) => ({ entryId: `tweet-${p.id}`, sortIndex: p.id, content: { __typename: 'TimelineTimelineItem', entryType: 'TimelineTimelineItem', itemContent: gqlTweet(t.item, p) } })),
        gqlModule(moduleId, posts.slice(VIRTUAL.focal, VIRTUAL.inGraphQL).map((p) => gqlTweet(t.item, p)), true),
        ...replies.map((r) => gqlModule(`conversationthread-${r.id}`, [gqlTweet(t.reply, r)])),
      ],
    },
    { type: 'TimelineTerminateTimeline', direction: 'Top' },
  ]);
  const gapDetail = tweetDetail([
    { type: 'TimelineAddToModule', moduleEntryId: moduleId, prepend: false, moduleItems: hidden.map((p) => moduleItem(moduleId, gqlTweet(t.item, p))) },
  ]);
  const detailPath = '/i/api/graphql/made-hash/TweetDetail';
  const data = {
    focalId: focal.id,
    tweetDetail: `${detailPath}?variables=${encodeURIComponent(JSON.stringify({ focalTweetId: focal.id, with_rux_injections: false }))}`,
    items,
  };
  const url = `https://x.com/${AUTHOR.handle}/status/${focal.id}`;
  return {
    url,
    routes: [
      ...assets,
      [`x.com /${AUTHOR.handle}/status/${focal.id}`, { body: page({ title: `${AUTHOR.name} on X (made-virtual-thread)`, body: '', script: '/assets/virtual-thread.js' }) }],
      ['x.com /made/virtual-data.json', { body: JSON.stringify(data), type: 'application/json' }],
      [`x.com ${detailPath}`, { body: (u) => (JSON.parse(u.searchParams.get('variables')).cursor ? gapDetail : firstDetail), type: 'application/json' }],
    ],
    expected: {
      ids: posts.map((p) => p.id),
      focalId: focal.id,
      notIds: [...replies, ...discover, ad].map((p) => p.id),
      longId: long.id,
      longTail: 'tail-marker-10.',
      longHiddenId: longHidden.id,
      longHiddenTail: 'tail-marker-43.',
      videoId: video.id,
      videoMp4: video.media[0].mp4,
      photos: Object.fromEntries(Object.entries(VIRTUAL.photos).map(([k, n]) => [posts[k - 1].id, n])),
    },
  };
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
