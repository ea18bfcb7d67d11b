// Package extract turns a captured page (HTML, or a platform's own JSON) into
// a thread.Thread: the focal author's own chain of posts, in order, without
// replies by others, ads or related posts.
//
// Extract(pageURL, content) picks the extractor from the registry in
// extract.go. Each source lives in files named for it, with its selectors
// and patterns named at the top; what every source shares is in common_*.go
// and is written once: one HTML-to-runs walker, one set of node helpers,
// one depth bound, one limit on a post's text.
//   - extract.go  the entry point, the Page, the registry and the shared checks
//   - common_html.go  markup for every source: skipped elements, the depth bound, attributes, displayed text
//   - common_text.go  the one walker from post HTML to runs (runWalker), whitespace modes, tidying, and the
//     text limit: a post over it keeps what fits and is marked truncated (setText)
//   - common_post.go  URLs made absolute and safe, times, safe media/cards/authors, an author's chain
//   - x_collected.go  ExtractCollected: the extension's captures of one X page (cells + TweetDetail) merged
//   - x_thread.go  X's post graph and the one chain walk both X sources share (order, gaps in words)
//   - x_dom.go  X's web app DOM: data-testid markers, timeline cells, the reply boundary
//   - x_dom_post.go  one post article: author, time, text, media, quote, in a single walk
//   - x_dom_media.go  photos, videos/GIFs, link cards, polls, X Articles in the DOM
//   - x_scan.go  a fast tolerant HTML reader for X pages (falls back to html.Parse)
//   - x_graphql.go  X's TweetDetail GraphQL JSON: entries, modules, cursors, posts
//   - x_graphql_card.go  GraphQL cards: summary, unified_card, polls
//   - x_text.go  X post text: the walker set for X's DOM, GraphQL entity ranges (code points / UTF-16),
//     mention/hashtag/cashtag runs
//   - x_url.go  X hosts, status and profile URLs, canonical photos and avatars: what every source of X
//     posts (X itself, Nitter, legacy pages, Thread Reader App) writes
//   - bluesky.go  Bluesky getPostThread JSON (facets, embeds, the author's chain)
//   - bluesky_dom.go  bsky.app's rendered thread view, the fallback
//   - mastodon.go  Mastodon API Status / {status, context} (any instance)
//   - mastodon_follow.go  keep current's one request per reading of a saved Mastodon thread
//     (MastodonRequest) and the reading its answer gives (MastodonReading)
//   - mastodon_dom.go  Mastodon web UI DOM, the fallback
//   - misskey.go  the Misskey family's own API: a Note / {note, conversation, children}, as platform misskey
//   - misskey_mfm.go  MFM, Misskey's markup, into runs
//   - nitter.go  Nitter conversation pages (any instance), as X threads
//   - twitter_legacy.go  saved pre-2019 twitter.com permalink pages, as X threads
//   - threadreaderapp.go  Thread Reader App unrolls, imported as X threads
//   - author.go  ExtractAuthorThreads, ExtractAuthorPage: a profile's timeline responses (and X's
//     rendered cells) → the author's self-threads, grouped once for every platform (authorChains);
//     author_x.go (UserTweets), author_x_dom.go (X's profile cells: the thread line, "Show this
//     thread"; merged with UserTweets in page order), author_bluesky.go (getAuthorFeed),
//     author_mastodon.go (account statuses; MastodonAccountID reads the account lookup that
//     comes first) read each platform's answers
//   - threads.go  Threads post pages: the embedded data (thread_items)
//   - threads_dom.go  Threads' rendered DOM, the fallback
//
// Tests: x_golden_test.go walks testdata/x-dom, x-graphql and x-collected
// (-update rewrites expected.json) and checks hand-written expectations and
// invariants besides; x_made_*_test.go generate the made-… cases;
// x_pair_test.go holds the DOM and GraphQL readings of one thread equal;
// x_trimmed_test.go reads cells trimmed as the extension trims them;
// x_dom_test.go, x_graphql_test.go and x_text_test.go pin single rules;
// x_bad_input_test.go the bad inputs; edits_test.go each platform's edit signal (editedAt,
// previousIds) and what thread.Follow makes of it; bench_x_test.go has the benchmarks,
// x_fuzz_test.go the fuzz targets.
// common_golden_test.go walks testdata/bluesky, mastodon, misskey, threads, nitter, twitter-legacy and
// threadreaderapp with the same helpers; <source>_test.go pin each source's chains, bad input and
// Fuzz<Source> target with the helpers in common_test.go; common_bad_input_test.go holds the
// checks every HTML source shares, the text limit's among them; platforms_features_test.go
// the features docs/platforms.md claims that no capture shows; author_test.go walks testdata/author
// (profile pages: url.txt, body-N.json, expected-listing.json) and pins each case's threads by hand.
package extract
