package library

import (
	"context"
	"encoding/base64"

	"unspool/shared/protocol"
)

// Share pages: one thread a library's owner chose to publish,
// stored as plaintext with its page rendered once at publish time, so that
// serving it (a fresh Worker instance per request) is one read and a write.

// EGONE is a share that was unpublished: its page answers 410. It is not a
// JSON API error code — only the public page handler meets it.
const EGONE = "gone"

// ETAKENDOWN is a share the deployment's operator took down: its page
// answers 410 saying so. Like EGONE, only the public page handler meets it.
const ETAKENDOWN = "taken_down"

// Page formats a share is stored in; the page handler picks one by ?format=.
const (
	PageHTML     = "html"
	PageMarkdown = "md"
	PageText     = "txt"
	PageJSON     = "json"
)

// PageFormats are the stored formats, the page's default first.
var PageFormats = []string{PageHTML, PageMarkdown, PageText, PageJSON}

// SharePage is a thread made ready to publish: its identity and every
// stored body, rendered by server/sharepage.
type SharePage struct {
	Platform  string
	ThreadID  string
	ThreadURL string
	Title     string
	Indexable bool
	// Bodies holds one body per PageFormats entry.
	Bodies map[string][]byte
	// ETag names this content (a hash of every body); each format's HTTP
	// ETag is derived from it, so one column serves every representation.
	ETag string
	// CSP is the HTML page's Content-Security-Policy header. It is stored
	// with the page because it names the hash of the stylesheet inside it.
	CSP string
}

// Size is the stored size of the page's bodies.
func (p *SharePage) Size() int {
	n := 0
	for _, b := range p.Bodies {
		n += len(b)
	}
	return n
}

// PageBody is one stored representation of a live share.
type PageBody struct {
	Body      []byte
	ETag      string // quoted, strong, per format
	Indexable bool
	CSP       string // the HTML page's policy; "" for rows older than the column
}

// ShareService is implemented by server/store beside LibraryService.
type ShareService interface {
	// PublishShare authenticates a, then calls build (rendering is costly:
	// it is done only for a caller holding the key) and stores its page.
	// A live share of the same thread in the library is updated in place
	// (created=false, same slug).
	PublishShare(ctx context.Context, a Auth, build func() (*SharePage, error)) (s protocol.Share, created bool, err error)
	// ListShares returns the library's live shares, newest first.
	ListShares(ctx context.Context, a Auth) ([]protocol.Share, error)
	// UnpublishShare tombstones a share of the library: its content is
	// dropped and its page answers 410. A slug of another library, unknown
	// or already unpublished is ENOTFOUND alike.
	UnpublishShare(ctx context.Context, a Auth, slug string) error
	// SharePageBody reads one format of a share for the public page:
	// ENOTFOUND for an unknown slug, EGONE for an unpublished one.
	SharePageBody(ctx context.Context, slug, format string) (*PageBody, error)
}

// ValidSlug reports whether s has the shape of a slug, so malformed ones
// are answered without a database read.
func ValidSlug(s string) bool {
	if len(s) != protocol.ShareSlugLength {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == protocol.ShareSlugBytes
}

// FormatETag is the HTTP ETag of one format of a page whose content is etag.
func FormatETag(etag, format string) string {
	return `"` + etag + "-" + format + `"`
}
