package extract

// Helpers shared by the non-X sources (Bluesky, Mastodon, Threads, Nitter,
// legacy twitter.com, Thread Reader App): parsing a page once, turning a
// fragment of post HTML into escape-safe runs, and small URL and time
// helpers. Names carry a "plat" prefix so that they never collide with the X
// extractors' helpers in the same package.

import (
	"bytes"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// platSkipTags never contribute text: their content is code, styling or an
// embedded document, and dropping them is what keeps hostile markup inert.
var platSkipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"iframe": true, "object": true, "embed": true, "svg": true, "math": true,
	"button": true, "select": true, "textarea": true, "video": true, "audio": true,
	"canvas": true, "head": true, "title": true,
}

// platParseHTML parses a whole page or a fragment. The HTML parser never
// fails on malformed markup; the error path is for readers only.
func platParseHTML(content []byte) (*goquery.Document, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(content))
	if err != nil {
		return nil, thread.Errorf(thread.EINVALID, "the page cannot be parsed as HTML: %v", err)
	}
	return doc, nil
}

// platRunner turns post HTML into runs. Link decides what an <a> becomes:
// it gets the anchor and the text it displays and returns the run (ok false
// drops the link and its text, e.g. a pic.twitter.com link standing for an
// attached photo). Skip, when set, drops other elements (media blocks).
type platRunner struct {
	// Pre keeps source line breaks (white-space: pre-wrap sources such as
	// Nitter and legacy twitter.com); otherwise whitespace collapses.
	Pre  bool
	Link func(a *goquery.Selection, text string) (thread.Run, bool)
	Skip func(n *html.Node) bool
	// Emoji turns an <img> into an emoji run (ok false drops it).
	Emoji func(img *goquery.Selection) (thread.Run, bool)
}

// Runs walks sel's children and returns normalised runs.
func (r platRunner) Runs(sel *goquery.Selection) []thread.Run {
	var out []thread.Run
	budget := thread.MaxTextBytes + 1
	for _, n := range sel.Nodes {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			out = r.walk(c, out, 0, &budget)
		}
	}
	return platTidyRuns(out)
}

// platMaxDepth bounds recursion on deeply nested hostile markup; the HTML
// parser already limits nesting, this keeps the walk cheap regardless.
const platMaxDepth = 256

// walk appends n's runs to out. budget is the text still worth reading:
// past the model's limit for one post the rest of a giant page is skipped
// (the post then fails validation with a clear "too large" error) instead
// of being turned into runs first.
func (r platRunner) walk(n *html.Node, out []thread.Run, depth int, budget *int) []thread.Run {
	if depth > platMaxDepth || *budget <= 0 {
		return out
	}
	switch n.Type {
	case html.TextNode:
		*budget -= len(n.Data)
		return append(out, thread.Run{Type: thread.TextRun, Text: r.text(n.Data)})
	case html.ElementNode:
	default:
		return out
	}
	if platSkipTags[n.Data] || platHasClass(n, "invisible") || (r.Skip != nil && r.Skip(n)) {
		return out
	}
	switch n.Data {
	case "br":
		return append(out, thread.Run{Type: thread.TextRun, Text: "\n"})
	case "img":
		if r.Emoji != nil {
			if run, ok := r.Emoji(goquery.NewDocumentFromNode(n).Selection); ok {
				return append(out, run)
			}
		}
		return out
	case "a":
		text := r.plain(n, 0)
		*budget -= len(text)
		if r.Link != nil {
			if run, ok := r.Link(goquery.NewDocumentFromNode(n).Selection, text); ok {
				if run.URL != "" && thread.SafeURL(run.URL) == "" {
					run = thread.Run{Type: thread.TextRun, Text: run.Text}
				}
				return append(out, run)
			}
			return out
		}
		return append(out, thread.Run{Type: thread.TextRun, Text: text})
	case "p", "div", "li", "blockquote":
		// Blocks start on a new line; paragraphs are separated by a blank one.
		if len(out) > 0 {
			sep := "\n"
			if n.Data == "p" {
				sep = "\n\n"
			}
			out = append(out, thread.Run{Type: thread.TextRun, Text: sep})
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = r.walk(c, out, depth+1, budget)
	}
	return out
}

// plain is the text an element displays, with Mastodon's hidden URL parts
// left out and its shortened links ending in "…".
func (r platRunner) plain(n *html.Node, depth int) string {
	var b strings.Builder
	var rec func(n *html.Node, depth int)
	rec = func(n *html.Node, depth int) {
		if depth > platMaxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(r.text(c.Data))
			case html.ElementNode:
				if platSkipTags[c.Data] || platHasClass(c, "invisible") {
					continue
				}
				if c.Data == "img" {
					b.WriteString(platAttr(c, "alt"))
					continue
				}
				rec(c, depth+1)
				if platHasClass(c, "ellipsis") {
					b.WriteString("…")
				}
			}
		}
	}
	rec(n, depth)
	return strings.TrimSpace(b.String())
}

func (r platRunner) text(s string) string {
	if r.Pre {
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	return platCollapseSpace(s)
}

// platCollapseSpace turns each run of HTML whitespace into one space, as
// white-space: normal renders it (a loop: regexps cost seconds on 20 MB).
func platCollapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\n', '\f':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteByte(c)
			space = false
		}
	}
	return b.String()
}

// platTrimAroundNewlines removes the spaces collapsing leaves around a line
// break ("<br>\n<a>" would otherwise start the next line with a space) and
// keeps at most one blank line.
func platTrimAroundNewlines(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for i, l := range lines {
		if i > 0 {
			l = strings.TrimLeft(l, " ")
		}
		if i < len(lines)-1 {
			l = strings.TrimRight(l, " ")
		}
		if l == "" && i > 0 && i < len(lines)-1 {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// platTidyRuns normalises runs and removes the spaces collapsing leaves
// around line breaks, so equal text from two sources gives equal runs.
func platTidyRuns(runs []thread.Run) []thread.Run {
	runs = thread.NormalizeRuns(platMergeText(runs))
	for i := range runs {
		if runs[i].Type == thread.TextRun {
			runs[i].Text = platTrimAroundNewlines(runs[i].Text)
		}
	}
	return thread.NormalizeRuns(runs)
}

// platMergeText joins adjacent text runs with one builder each: a page
// with half a million paragraphs would otherwise cost quadratic copying.
func platMergeText(runs []thread.Run) []thread.Run {
	out := make([]thread.Run, 0, len(runs))
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, thread.Run{Type: thread.TextRun, Text: b.String()})
			b.Reset()
		}
	}
	for _, r := range runs {
		if r.Type == thread.TextRun {
			b.WriteString(r.Text)
			continue
		}
		flush()
		out = append(out, r)
	}
	flush()
	return out
}

// platSetText fills a post's structured and plain text from runs.
func platSetText(p *thread.Post, runs []thread.Run) {
	p.Content = platTidyRuns(runs)
	p.Text = thread.PlainText(p.Content)
}

func platAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func platHasClass(n *html.Node, class string) bool {
	for _, f := range strings.Fields(platAttr(n, "class")) {
		if f == class {
			return true
		}
	}
	return false
}

// platAbs resolves ref against base and returns it only when it is a safe
// http(s) URL.
func platAbs(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return thread.SafeURL(u.String())
}

// platHost is the page's host without "www." and port, lower case.
func platHost(u *url.URL) string {
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// platUnixTime reads an epoch in seconds (legacy twitter.com's data-time,
// Threads' taken_at).
func platUnixTime(s string) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// platTime reads an RFC 3339 time with or without fractional seconds.
func platTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// platXStatusURL is the x.com address of a post: sources that mirror X
// (Nitter, legacy pages, Thread Reader App) point at it so the library sees
// one thread whichever way it was captured.
func platXStatusURL(handle, id string) string {
	if handle == "" {
		// A mirror that lost the author: X's own handle-less address.
		return "https://x.com/i/web/status/" + url.PathEscape(id)
	}
	return "https://x.com/" + url.PathEscape(handle) + "/status/" + url.PathEscape(id)
}

// platXProfileURL is the x.com address of an account.
func platXProfileURL(handle string) string {
	return "https://x.com/" + url.PathEscape(handle)
}

// platSafeMedia drops media without a usable URL, so no post carries an
// empty or unsafe source.
func platSafeMedia(ms []thread.Media) []thread.Media {
	out := ms[:0]
	for _, m := range ms {
		m.URL = thread.SafeURL(m.URL)
		m.Poster = thread.SafeURL(m.Poster)
		if m.URL == "" {
			continue
		}
		out = append(out, m)
		if len(out) == thread.MaxMedia {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// platSafeCard returns c with unsafe URLs removed, or nil without a target.
func platSafeCard(c *thread.Card) *thread.Card {
	if c == nil {
		return nil
	}
	c.URL = thread.SafeURL(c.URL)
	c.Image = thread.SafeURL(c.Image)
	if c.URL == "" {
		return nil
	}
	if c.Domain == "" {
		c.Domain = thread.Domain(c.URL)
	}
	return c
}

// platSafeAuthor clears author URLs that are not http(s).
func platSafeAuthor(a thread.Author) thread.Author {
	a.URL = thread.SafeURL(a.URL)
	a.Avatar = thread.SafeURL(a.Avatar)
	return a
}

// platContainsAll reports whether content holds every marker: how the
// HTML sources recognise their pages without a list of hosts.
func platContainsAll(content []byte, markers [][]byte) bool {
	for _, m := range markers {
		if !bytes.Contains(content, m) {
			return false
		}
	}
	return len(markers) > 0
}

// platAuthorRun is the chain on a page that does not say which post a reply
// answers: the focal post and the unbroken run of posts by the same author
// directly above and below it, in reading order.
func platAuthorRun[T any](items []T, focal int, sameAuthor func(a, b T) bool, post func(T) thread.Post) []thread.Post {
	var above, below []thread.Post
	for i := focal - 1; i >= 0 && sameAuthor(items[i], items[focal]); i-- {
		above = append(above, post(items[i]))
	}
	for i := focal + 1; i < len(items) && sameAuthor(items[i], items[focal]); i++ {
		below = append(below, post(items[i]))
	}
	return platChainPosts(above, post(items[focal]), below)
}

// platChainPosts puts a chain in reading order: above is the author's posts
// over the focal one, nearest first; below those under it, in order. Posts
// without an id and repeats are dropped.
func platChainPosts(above []thread.Post, focal thread.Post, below []thread.Post) []thread.Post {
	out := make([]thread.Post, 0, len(above)+1+len(below))
	seen := map[string]bool{}
	add := func(p thread.Post) {
		if p.ID != "" && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for i := len(above) - 1; i >= 0; i-- {
		add(above[i])
	}
	add(focal)
	for _, p := range below {
		add(p)
	}
	return out
}

// platEarliest is the earliest of items by time, then by id (numeric or
// time-sortable ids: shorter is older, then lexical), so that a branching
// self-thread always continues the same way.
func platEarliest[T any](items []T, when func(T) time.Time, id func(T) string) (T, bool) {
	var best T
	if len(items) == 0 {
		return best, false
	}
	best = items[0]
	for _, it := range items[1:] {
		ti, tb := when(it), when(best)
		if ti.Before(tb) || (ti.Equal(tb) && platIDLess(id(it), id(best))) {
			best = it
		}
	}
	return best, true
}

// platIDLess orders ids that grow with time: Mastodon's and X's numeric
// strings (a longer one is later) and Bluesky's fixed-length TIDs.
func platIDLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// platSortedKeys lists a JSON object's keys in order, so walks over decoded
// JSON visit it the same way every time.
func platSortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
