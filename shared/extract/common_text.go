package extract

// Post text as runs, for every source: the one walker from post HTML to
// escape-safe runs, the whitespace rules a source's markup follows, and
// the one limit on a post's text.

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// whitespace is how a source's text nodes read, as its CSS renders them.
type whitespace int

const (
	// spaceCollapse: white-space: normal. Each run of spaces and line
	// breaks shows as one space; lines come from <br> and blocks.
	spaceCollapse whitespace = iota
	// spaceLines: white-space: pre-wrap pages written by hand-made
	// templates (Nitter, legacy twitter.com): line breaks in the source
	// show, the spaces templates leave around them do not.
	spaceLines
	// spaceExact: text exactly as the platform stored it (X's web app,
	// pre-wrap), with no block structure of its own, so the DOM reading
	// equals the GraphQL one character for character.
	spaceExact
)

func (w whitespace) text(s string) string {
	switch w {
	case spaceCollapse:
		return collapseSpace(s)
	case spaceLines:
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}

// runWalker turns post HTML into runs. Link decides what an <a> becomes: it
// gets the anchor and the text it displays and returns the run (ok false
// drops the link and its text, e.g. a pic.twitter.com link standing for an
// attached photo). Image decides what an <img> becomes (nil drops images).
// Skip, when set, drops other elements (media blocks).
type runWalker struct {
	Space whitespace
	Link  func(a *html.Node, text string) (thread.Run, bool)
	Image func(img *html.Node) (thread.Run, bool)
	Skip  func(n *html.Node) bool
}

// altText reads an <img> as the text of its alt: how the platforms that
// draw Unicode emoji as images write the character.
func altText(img *html.Node) (thread.Run, bool) {
	alt := attr(img, "alt")
	return thread.Run{Type: thread.TextRun, Text: alt}, alt != ""
}

// Runs walks sel's children and returns tidy runs.
func (r runWalker) Runs(sel *goquery.Selection) []thread.Run {
	return r.nodeRuns(sel.Nodes...)
}

// nodeRuns walks the children of nodes and returns tidy runs.
func (r runWalker) nodeRuns(nodes ...*html.Node) []thread.Run {
	var out []thread.Run
	// Text past the limit is not kept (capRuns), so it is not read either:
	// a giant page costs the limit, not its size.
	budget := thread.MaxTextBytes
	for _, n := range nodes {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			out = r.walk(c, out, 0, &budget)
		}
	}
	if r.Space == spaceExact {
		return thread.NormalizeRuns(out)
	}
	return tidyRuns(out)
}

// walk appends n's runs to out; budget is the text still worth reading.
func (r runWalker) walk(n *html.Node, out []thread.Run, depth int, budget *int) []thread.Run {
	if depth > maxDepth || *budget <= 0 {
		return out
	}
	switch n.Type {
	case html.TextNode:
		*budget -= len(n.Data)
		return append(out, thread.Run{Type: thread.TextRun, Text: r.Space.text(n.Data)})
	case html.ElementNode:
	default:
		return out
	}
	if skipTags[n.Data] || hasClass(n, "invisible") || (r.Skip != nil && r.Skip(n)) {
		return out
	}
	switch n.Data {
	case "br":
		return append(out, thread.Run{Type: thread.TextRun, Text: "\n"})
	case "img":
		if r.Image != nil {
			if run, ok := r.Image(n); ok {
				return append(out, run)
			}
		}
		return out
	case "a":
		text := strings.TrimSpace(nodeText(n, r.Space))
		*budget -= len(text)
		if r.Link == nil {
			return append(out, thread.Run{Type: thread.TextRun, Text: text})
		}
		run, ok := r.Link(n, text)
		if !ok {
			return out
		}
		if run.URL != "" && thread.SafeURL(run.URL) == "" {
			run = thread.Run{Type: thread.TextRun, Text: run.Text}
		}
		return append(out, run)
	case "p", "div", "li", "blockquote":
		// Blocks start on a new line; paragraphs are separated by a blank
		// one. X's post text has no blocks: its divs are layout only.
		if len(out) > 0 && r.Space != spaceExact {
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

// collapseSpace turns each run of HTML whitespace into one space, as
// white-space: normal renders it (a loop: regexps cost seconds on 20 MB).
func collapseSpace(s string) string {
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

// trimAroundNewlines removes the spaces collapsing leaves around a line
// break ("<br>\n<a>" would otherwise start the next line with a space) and
// keeps at most one blank line.
func trimAroundNewlines(s string) string {
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

// tidyRuns normalises runs and removes the spaces collapsing leaves around
// line breaks, so equal text from two sources gives equal runs. The sources
// that build runs from JSON text (Bluesky, Threads, Mastodon's emoji) pass
// theirs through it too; X's text is exact and only normalised.
func tidyRuns(runs []thread.Run) []thread.Run {
	runs = thread.NormalizeRuns(runs)
	for i := range runs {
		if runs[i].Type == thread.TextRun {
			runs[i].Text = trimAroundNewlines(runs[i].Text)
		}
	}
	return thread.NormalizeRuns(runs)
}

// maxKeptText is how much of a post's text (counted as text plus link
// targets, more than its plain form) is kept: under thread.MaxTextBytes
// with room to spare, so a kept post always validates.
const maxKeptText = thread.MaxTextBytes - 1024

// setText fills a post's structured and plain text from runs, under the
// one limit on a post's text for every source. A post longer than that (a
// hostile or broken page: X's longest posts are 25,000 characters) keeps
// what fits and is marked Truncated, and its thread says the post is cut
// short. Failing the whole extraction instead would lose every other post
// of the thread to one bad one; a reader loses nothing by the cut that the
// refusal would have kept.
func setText(p *thread.Post, runs []thread.Run) {
	var cut bool
	p.Content, cut = capRuns(runs)
	p.Truncated = p.Truncated || cut
	p.Text = thread.PlainText(p.Content)
}

// capRuns keeps runs within maxKeptText: a text run that crosses the limit
// is cut at a character boundary, any other run there is dropped whole (a
// link cut short would point elsewhere).
func capRuns(runs []thread.Run) ([]thread.Run, bool) {
	total := 0
	for i, r := range runs {
		size := len(r.Text) + len(r.URL)
		if total+size <= maxKeptText {
			total += size
			continue
		}
		kept := runs[:i:i]
		if r.Type == thread.TextRun {
			end := maxKeptText - total
			for end > 0 && !utf8.RuneStart(r.Text[end]) {
				end--
			}
			kept = append(kept, thread.Run{Type: thread.TextRun, Text: r.Text[:end]})
		}
		return thread.NormalizeRuns(kept), true
	}
	return runs, false
}

// cutShortGap is the gap a post cut short puts in its thread, why saying
// what cut it. Extract adds it, with the limit as the reason, for every
// truncated post the source did not already explain.
func cutShortGap(post int, why string) string {
	return fmt.Sprintf("post %d is cut short %s", post, why)
}
