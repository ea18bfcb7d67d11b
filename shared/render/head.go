package render

import (
	"strings"

	"unspool/shared/thread"
)

// Head is what a standalone document's <head> gets beyond the defaults. The
// share pages (server) fill it; the export leaves it empty.
type Head struct {
	// Title replaces the default "Name (@handle): first words".
	Title string
	// Description replaces the default (the thread's first line).
	Description string
	// Canonical is the <link rel=canonical> URL; only http(s) is written.
	Canonical string
	// Robots is the robots meta, e.g. "noindex".
	Robots string
	// Meta are extra <meta> elements (OpenGraph, Twitter cards).
	Meta []Meta
	// Links are extra <link> elements (share pages: their alternate formats).
	Links []Link
	// CSP replaces DefaultCSP, e.g. when a server adds its own policy.
	CSP string
	// Published marks a page published from a user's capture (the server's
	// share pages): anyone can publish any Thread JSON, so above the thread
	// the page says who published it, links the original prominently and
	// says the platform did not verify it.
	Published bool
}

// Meta is one <meta>: Property is for OpenGraph (og:*), Name for the rest.
type Meta struct {
	Name     string
	Property string
	Content  string
}

// Link is one <link>. Only the rels in linkRels are written, and only with
// an http(s) Href or one on the same site ("/t/abc", "?format=md").
type Link struct {
	Rel   string
	Type  string
	Href  string
	Title string
}

// linkRels are the <link> relations a document may carry: ones that only
// describe. stylesheet, preload, import, manifest, icon and the like load
// things and are never written.
var linkRels = map[string]bool{"alternate": true, "author": true, "license": true, "me": true, "next": true, "prev": true}

// links keeps the allowed links with usable addresses.
func links(ls []Link) []Link {
	var out []Link
	for _, l := range ls {
		rel := strings.ToLower(strings.TrimSpace(l.Rel))
		href := sameSiteOrSafeURL(l.Href)
		if !linkRels[rel] || href == "" {
			continue
		}
		out = append(out, Link{Rel: rel, Type: clip(l.Type, maxHandle), Href: href, Title: clip(l.Title, maxCardTitle)})
	}
	return out
}

// sameSiteOrSafeURL accepts an http(s) URL or a reference to the same site
// (an absolute path or a query), which cannot name another scheme or host.
func sameSiteOrSafeURL(s string) string {
	if u := thread.SafeURL(s); u != "" {
		return u
	}
	s = strings.TrimSpace(s)
	sameSite := strings.HasPrefix(s, "?") || strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.HasPrefix(s, "/\\")
	if !sameSite || strings.ContainsAny(s, "\x00\t\n\r\\") {
		return ""
	}
	return s
}

// styleElement is the stylesheet as written into fragments and documents.
// CSS comes from our own style.css (a test checks it cannot close the
// element early), so it is written raw.
const styleElement = "<style>" + CSS + "</style>"

// DefaultCSP is the standalone document's policy: no script of any kind, the
// inlined stylesheet by its hash, images and media from http(s) only, and
// no base, forms or frames.
const DefaultCSP = "default-src 'none'; style-src '" + CSSHash + "'; img-src https: http:; media-src https: http:; base-uri 'none'; form-action 'none'"

// Summary is what a link preview of a thread shows.
type Summary struct {
	Title       string // "Name (@handle)"
	Description string // the first line of the first post, clipped
	Image       string // the first photo (or poster) of the thread, if any
	URL         string // the original thread
}

// Summarize describes t for a document title and link previews (OpenGraph).
func Summarize(t *thread.Thread) Summary {
	s := Summary{URL: thread.SafeURL(t.URL)}
	name, handle := clip(t.Author.Name, maxName), clip(t.Author.Handle, maxHandle)
	s.Title = "@" + handle
	if name != "" {
		s.Title = name + " (@" + handle + ")"
	}
	s.Description = Title(t, maxDescription)
	for i := range t.Posts {
		for _, m := range t.Posts[i].Media {
			if s.Image == "" {
				if m.Type == thread.Photo {
					s.Image = thread.SafeURL(m.URL)
				} else {
					s.Image = thread.SafeURL(m.Poster)
				}
			}
		}
		if s.Image != "" {
			break
		}
	}
	return s
}

// The lengths Title is clipped to where the extension shows it (the
// extension reads them from contract.gen.js and asks the WASM for the title).
const (
	ListTitleMax     = 160 // a row of the library's list
	FileNameTitleMax = 60  // a Markdown export's file name (each part of it)
)

// Title is the one line that names t wherever a title is short: the first
// line of its first post with text, white space collapsed, clipped to max
// characters (an ellipsis marks the cut). Link previews (maxDescription), the
// library's list (ListTitleMax) and the Markdown export's file names
// (FileNameTitleMax) all use it, each with its length.
func Title(t *thread.Thread, max int) string {
	for i := range t.Posts {
		first, _, _ := strings.Cut(strings.TrimSpace(thread.PlainText(postRuns(&t.Posts[i]))), "\n")
		if first = clip(first, max); first != "" {
			return first
		}
	}
	return ""
}

type docView struct {
	View        *readerView
	Title       string
	Description string
	Author      string
	Canonical   string
	Robots      string
	Meta        []Meta
	Links       []Link
	CSP         string
}

func newDocView(t *thread.Thread, v *readerView, h Head) *docView {
	s := Summarize(t)
	d := &docView{
		View: v, Author: s.Title, Description: clip(h.Description, maxCardDesc),
		Canonical: thread.SafeURL(h.Canonical), Robots: clip(h.Robots, maxNote), Meta: h.Meta, Links: links(h.Links), CSP: h.CSP,
	}
	if d.Description == "" {
		d.Description = s.Description
	}
	d.Title = clip(h.Title, maxCardTitle)
	if d.Title == "" {
		d.Title = s.Title
		if s.Description != "" {
			d.Title = clip(s.Title+": "+s.Description, maxTitle)
		}
	}
	if d.CSP == "" {
		d.CSP = DefaultCSP
	}
	return d
}

// colorScheme tells the browser which of its own colours (scrollbars, form
// controls) fit the theme.
func colorScheme(theme string) string {
	switch theme {
	case "dark":
		return "dark"
	case "light", "sepia":
		return "light"
	}
	return "light dark"
}

func gridClass(n int) string {
	if n > 4 {
		n = 4
	}
	return "u-grid" + string(rune('0'+n))
}

func anchorTitle(p *postView, platform string) string {
	s := "Post " + groupThousands(p.Index) + " of " + groupThousands(p.Total) + " on " + platform
	if p.Time.ISO != "" {
		s += ", " + p.Time.ISO[:10] + " " + p.Time.ISO[11:16] + " UTC"
	}
	return s
}
