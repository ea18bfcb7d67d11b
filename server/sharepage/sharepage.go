// Package sharepage turns a thread into everything a share stores: the
// public reader page (shared/render's standalone document with the share
// head — canonical, robots, OpenGraph/Twitter cards, alternates — minified
// with tdewolff/minify) and its Markdown, text and JSON exports.
//
// It runs once per publish, never per page view: a Worker instance lives for
// one request, so the page is stored ready to send. It is server-only: the
// extension's WASM links shared/render but never this package or minify.
package sharepage

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"

	"unspool/server/library"
	"unspool/shared/render"
	"unspool/shared/thread"
)

// CSP is the policy of a share page: no script of any kind, the inlined
// stylesheet allowed by its hash only, images and media over https, nothing
// else but the server's own images: Firefox asks every page's server for
// /favicon.ico, and a server on plain http (the native default) would have
// that refused and logged on each share page. The same policy is the page's <meta> (which cannot carry
// frame-ancestors) and its header (HeaderCSP, which adds it).
const CSP = "default-src 'none'; style-src '" + render.CSSHash + "'; img-src https: 'self'; media-src https:; base-uri 'none'; form-action 'none'"

// HeaderCSP is CSP as an HTTP header: also no framing by other sites.
const HeaderCSP = CSP + "; frame-ancestors 'none'"

// alternates are the page's other formats, as relative links ("?format=md"
// resolves against /t/<slug>, so the page needs no knowledge of its slug).
var alternates = []render.Link{
	{Rel: "alternate", Type: "text/markdown", Href: "?format=md", Title: "Markdown"},
	{Rel: "alternate", Type: "text/plain", Href: "?format=txt", Title: "Plain text"},
	{Rel: "alternate", Type: "application/json", Href: "?format=json", Title: "JSON"},
}

// minifier only minifies HTML. The stylesheet is already minified and the
// CSP allows it by the hash of its exact bytes, so it must pass through
// untouched: no text/css minifier is registered (Build checks the bytes).
var minifier = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true})
	return m
}()

// Head is the share page's head: the thread's summary as title and
// description, the original thread as canonical, noindex unless indexable,
// OpenGraph and Twitter card meta, the alternates and CSP, and the
// provenance line above the thread.
func Head(t *thread.Thread, indexable bool) render.Head {
	s := render.Summarize(t)
	// Published: the page says above the thread that a user published it
	// from a capture the platform never verified (anyone can publish any
	// Thread JSON under any author's name).
	h := render.Head{Canonical: s.URL, CSP: CSP, Links: alternates, Published: true}
	if !indexable {
		// noindex keeps the page out of search results; nofollow because the
		// links are the author's, not the publisher's, to vouch for.
		h.Robots = "noindex, nofollow"
	}
	title := s.Title
	card := "summary"
	h.Meta = []render.Meta{
		{Property: "og:type", Content: "article"},
		{Property: "og:site_name", Content: "Unspool"},
		{Property: "og:title", Content: title},
	}
	if s.Description != "" {
		h.Meta = append(h.Meta, render.Meta{Property: "og:description", Content: s.Description})
	}
	if s.URL != "" {
		h.Meta = append(h.Meta, render.Meta{Property: "og:url", Content: s.URL})
	}
	if s.Image != "" {
		card = "summary_large_image"
		h.Meta = append(h.Meta, render.Meta{Property: "og:image", Content: s.Image})
	}
	h.Meta = append(h.Meta, render.Meta{Name: "twitter:card", Content: card},
		render.Meta{Name: "twitter:title", Content: title})
	if s.Description != "" {
		h.Meta = append(h.Meta, render.Meta{Name: "twitter:description", Content: s.Description})
	}
	if s.Image != "" {
		h.Meta = append(h.Meta, render.Meta{Name: "twitter:image", Content: s.Image})
	}
	return h
}

// Build validates t and renders every stored format of its share.
func Build(t *thread.Thread, indexable bool) (*library.SharePage, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	page, err := HTML(t, indexable)
	if err != nil {
		return nil, err
	}
	p := &library.SharePage{
		Platform: string(t.Platform), ThreadID: t.ID, ThreadURL: thread.SafeURL(t.URL),
		Title: render.Summarize(t).Title, Indexable: indexable,
		Bodies: map[string][]byte{library.PageHTML: page}, CSP: HeaderCSP,
	}
	for _, f := range []struct {
		name string
		fmt  render.Format
	}{{library.PageMarkdown, render.Markdown}, {library.PageText, render.Text}, {library.PageJSON, render.JSON}} {
		var b bytes.Buffer
		// The Markdown and text forms carry the page's provenance line too;
		// the JSON is the Thread shape, which clients read back as a thread.
		if err := render.Export(&b, t, f.fmt, render.Options{Head: render.Head{Published: true}}); err != nil {
			return nil, err
		}
		p.Bodies[f.name] = b.Bytes()
	}
	h := sha256.New()
	for _, f := range library.PageFormats {
		fmt.Fprintf(h, "%s %d\n", f, len(p.Bodies[f]))
		h.Write(p.Bodies[f])
	}
	p.ETag = base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
	return p, nil
}

// HTML renders the share page, minified.
func HTML(t *thread.Thread, indexable bool) ([]byte, error) {
	raw, err := Unminified(t, indexable)
	if err != nil {
		return nil, err
	}
	// Into a buffer, never straight to a response: minify makes empty
	// writes, and two in a row hang a Workers response.
	out, err := minifier.Bytes("text/html", raw)
	if err != nil {
		return nil, fmt.Errorf("minify share page: %w", err)
	}
	// The CSP allows the stylesheet by the hash of its exact bytes: if the
	// minifier ever touched them the page would show unstyled. Refuse that
	// here rather than publish it.
	if !bytes.Contains(out, []byte(">"+render.CSS+"</style>")) {
		return nil, fmt.Errorf("minify share page: the stylesheet changed, its CSP hash would not match")
	}
	return out, nil
}

// Unminified is the share page before minification (for the benchmark's
// before/after figure and for tests).
func Unminified(t *thread.Thread, indexable bool) ([]byte, error) {
	var b bytes.Buffer
	if err := render.Document(&b, t, render.Options{Head: Head(t, indexable)}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
