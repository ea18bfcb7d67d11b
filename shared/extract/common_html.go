package extract

// Reading parsed HTML, for every source: which elements never hold text,
// how deep a walk goes, attributes, and an element's displayed text. The X
// extractors and the others share these, so a rule about markup (what is
// inert, how nesting is bounded) has one place.

import (
	"bytes"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// skipTags never contribute text: their content is code, styling, an
// embedded document or a control, and dropping them is what keeps hostile
// markup inert.
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"iframe": true, "object": true, "embed": true, "svg": true, "math": true,
	"button": true, "select": true, "textarea": true, "video": true, "audio": true,
	"canvas": true, "head": true, "title": true,
}

// maxDepth bounds every recursive walk of markup (and of a page's embedded
// data, Threads'), so that 10,000 nested elements cost no more than a
// shallow page. Real pages nest posts a few
// dozen levels deep; X's cells sit deepest, which is why the page-wide
// search for them (xFindTestID) allows four times this.
const maxDepth = 256

// parseHTML parses a whole page or a fragment. The HTML parser never
// fails on malformed markup; the error path is for readers only.
func parseHTML(content []byte) (*goquery.Document, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(content))
	if err != nil {
		return nil, thread.Errorf(thread.EINVALID, "the page cannot be parsed as HTML: %v", err)
	}
	return doc, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == class {
			return true
		}
	}
	return false
}

// nodeText is the text n displays, its text nodes read as space says:
// images as their alt text (emoji), <br> as a line break, skipTags and
// span.invisible (the part of a shortened URL a page hides) left out, and
// "…" after span.ellipsis (where the page shows one by CSS).
func nodeText(n *html.Node, space whitespace) string {
	var b strings.Builder
	appendText(&b, n, space, 0)
	return b.String()
}

func appendText(b *strings.Builder, n *html.Node, space whitespace, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(space.text(c.Data))
		case html.ElementNode:
			switch {
			case skipTags[c.Data] || hasClass(c, "invisible"):
			case c.Data == "img":
				b.WriteString(attr(c, "alt"))
			case c.Data == "br":
				b.WriteByte('\n')
			default:
				appendText(b, c, space, depth+1)
				if hasClass(c, "ellipsis") {
					b.WriteString("…")
				}
			}
		}
	}
}

// firstElement is the first <tag> under n in document order.
func firstElement(n *html.Node, tag string, depth int) *html.Node {
	if depth > maxDepth {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.Data == tag {
			return c
		}
		if f := firstElement(c, tag, depth+1); f != nil {
			return f
		}
	}
	return nil
}
