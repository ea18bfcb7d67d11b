// Package extract turns a captured page (HTML, or a platform's own JSON) into
// a thread.Thread: the focal author's own chain of posts, in order, without
// replies by others, ads or related posts.
//
// Extract(pageURL, content) picks the extractor from the registry in
// extract.go. Each source lives in its own files, named for it, with its
// selectors and patterns named at the top:
//   - extract.go  the entry point, the Page, the registry and the shared checks
//   - platforms_common.go  helpers of the non-X sources: post HTML → runs, URL and time helpers
//   - bluesky.go  Bluesky getPostThread JSON (facets, embeds, the author's chain)
//   - bluesky_dom.go  bsky.app's rendered thread view, the fallback
//   - mastodon.go  Mastodon API Status / {status, context} (any instance)
//   - mastodon_dom.go  Mastodon web UI DOM, the fallback
//   - nitter.go  Nitter conversation pages (any instance), as X threads
//   - twitter_legacy.go  saved pre-2019 twitter.com permalink pages, as X threads
//   - threadreaderapp.go  Thread Reader App unrolls, imported as X threads
//   - threads.go  Threads post pages: the embedded data (thread_items)
//   - threads_dom.go  Threads' rendered DOM, the fallback
package extract
