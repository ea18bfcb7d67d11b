package protocol

import "unspool/shared/thread"

// Share routes: one thread of a library published as a public
// reader page. Unlike records, a share is plaintext by the user's explicit
// choice; the encrypted library is untouched.
//
//	POST   /v1/libraries/{lib}/shares          ShareRequest → ShareResponse (201 new, 200 updated)
//	GET    /v1/libraries/{lib}/shares          → ShareList (live shares only)
//	DELETE /v1/libraries/{lib}/shares/{slug}   → 204; the page answers 410 from then on
//	GET    /t/{slug}[?format=html|md|txt|json] the public page (not JSON API: HTML errors)
//
// The authenticated routes carry the library's auth key as the sync routes
// do. A slug of another library is "not found" (404), never "forbidden", so
// a key cannot probe which slugs exist elsewhere.

// ShareRequest publishes Thread. Publishing the same thread (same platform
// and id) again while its share is live updates that share in place and keeps
// its slug, so a library has at most one live page per thread.
type ShareRequest struct {
	Thread thread.Thread `json:"thread"`
	// Indexable lets search engines index the page; by default the page
	// carries robots "noindex" (the author did not choose to be indexed here).
	Indexable bool `json:"indexable,omitempty"`
}

// ShareResponse answers a publish; Share.URL is the page's path on the
// server that answered ("/t/<slug>").
type ShareResponse struct {
	Share
}

// Share describes one published page.
type Share struct {
	// Slug is base64url of ShareSlugBytes random bytes: unguessable, so only
	// people given the link find the page. A server spreading libraries over
	// several databases prefixes it with "<shard>." (shards 1 and up); clients
	// treat it as opaque.
	Slug string `json:"slug"`
	URL  string `json:"url"`
	// Platform and ThreadID identify the thread, so a client can show which
	// of its saved threads are published.
	Platform  thread.Platform `json:"platform"`
	ThreadID  string          `json:"threadId"`
	ThreadURL string          `json:"threadUrl"`
	Title     string          `json:"title"`
	Indexable bool            `json:"indexable"`
	// CreatedAt and UpdatedAt are unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
}

// ShareList is a library's live shares, newest first.
type ShareList struct {
	Shares []Share `json:"shares"`
}

// Share limits. A share's thread travels as plaintext JSON and is stored with
// its rendered page and exports in one row; D1 refuses rows over 2 MB, so the
// request is capped well below that and the rendered total is checked too.
const (
	MaxShareRequestBytes = 512 << 10
	MaxShareStoredBytes  = 1_800_000
	MaxLibraryShares     = 1000
	ShareSlugBytes       = 16 // 128 bits
	ShareSlugLength      = 22 // base64url of ShareSlugBytes, unpadded
)

// SharePath is the public page of a slug.
func SharePath(slug string) string { return "/t/" + slug }
