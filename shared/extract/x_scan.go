package extract

// A fast, tolerant reader of X's page HTML into x/net/html nodes.
//
// html.Parse implements the whole HTML5 tree-construction algorithm and
// keeps every attribute; on X's pages it ran at ~30 MB/s, most of it in
// class attributes and svg icon paths that extraction never reads. X's
// pages reach Unspool as browser-serialised outerHTML (well-formed: every
// element closed, attributes quoted), so this reader keeps only what the X
// extractor reads — elements, text, and the attributes in xKeepAttrs — and
// skips svg, script and style bodies whole. Malformed markup never breaks
// it: an end tag closes the nearest open element of its name or is ignored,
// nesting is capped, and the extractor falls back to html.Parse when this
// reading finds no post at all (xParseDOM).

import (
	"bytes"
	"html"
	"strings"

	nethtml "golang.org/x/net/html"
)

// xKeptAttr returns the name of an attribute the X extractor reads, ""
// for the rest (class, style, aria-*, …, most of a page's bytes). A switch
// on the bytes compiles to comparisons without allocating.
func xKeptAttr(key []byte) string {
	switch string(key) {
	case "data-testid":
		return "data-testid"
	case "href":
		return "href"
	case "src":
		return "src"
	case "alt":
		return "alt"
	case "datetime":
		return "datetime"
	case "poster":
		return "poster"
	case "lang":
		return "lang"
	case "role":
		return "role"
	case "aria-label":
		return "aria-label"
	case "data-block":
		return "data-block"
	}
	for _, c := range key {
		if c >= 'A' && c <= 'Z' { // rare: hand-written or hostile markup
			return xKeptAttr(bytes.ToLower(key))
		}
	}
	return ""
}

// xSkipBody are elements whose content is never read: their bodies are
// skipped to the matching end tag without building nodes.
var xSkipBody = map[string]bool{"svg": true, "script": true, "style": true, "noscript": true, "template": true, "math": true}

// xRawText are elements whose content is text up to their end tag.
var xRawText = map[string]bool{"textarea": true, "title": true, "iframe": true, "xmp": true, "noembed": true, "noframes": true}

// xVoid are elements that never have children.
var xVoid = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true, "param": true, "keygen": true,
}

// xMaxOpen caps nesting: deeper elements are added as siblings, so 10,000
// nested divs cost a flat list, never a deep recursion.
const xMaxOpen = 512

// xParseDOM reads page HTML: the fast reader first, html.Parse when the
// fast reading holds no post article.
func xParseDOM(content []byte) (*nethtml.Node, error) {
	doc := xScan(content)
	var probe []*nethtml.Node
	xFindTestID(doc, xTidTweet, &probe, 0)
	if len(probe) > 0 {
		return doc, nil
	}
	return nethtml.Parse(bytes.NewReader(content))
}

// xScan builds a node tree from content; it never fails.
func xScan(b []byte) *nethtml.Node {
	doc := &nethtml.Node{Type: nethtml.DocumentNode}
	// Nodes are carved from blocks rather than allocated one by one: a
	// page has tens of thousands of elements.
	var block []nethtml.Node
	alloc := func() *nethtml.Node {
		if len(block) == cap(block) {
			block = make([]nethtml.Node, 0, 512)
		}
		block = block[:len(block)+1]
		return &block[len(block)-1]
	}
	stack := make([]*nethtml.Node, 1, 64)
	stack[0] = doc
	top := func() *nethtml.Node { return stack[len(stack)-1] }
	text := func(s []byte) {
		if len(s) == 0 {
			return
		}
		t := string(s)
		if bytes.IndexByte(s, '&') >= 0 {
			t = html.UnescapeString(t)
		}
		p := top()
		if l := p.LastChild; l != nil && l.Type == nethtml.TextNode {
			l.Data += t
			return
		}
		n := alloc()
		n.Type, n.Data = nethtml.TextNode, t
		p.AppendChild(n)
	}
	i := 0
	for i < len(b) {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			text(b[i:])
			break
		}
		text(b[i : i+lt])
		i += lt
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return doc
			}
			i += 4 + end + 3
			continue
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return doc
			}
			i += end + 1
			continue
		case len(rest) > 1 && rest[1] == '/':
			name, n := xTagName(rest[2:])
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return doc
			}
			i += end + 1
			if n == 0 {
				continue
			}
			for k := len(stack) - 1; k > 0; k-- {
				if stack[k].Data == name {
					stack = stack[:k]
					break
				}
			}
			continue
		}
		name, n := xTagName(rest[1:])
		if n == 0 {
			text(rest[:1])
			i++
			continue
		}
		el := alloc()
		el.Type, el.Data = nethtml.ElementNode, name
		j, selfClose := xScanAttrs(rest, 1+n, el)
		i += j
		if xSkipBody[name] {
			if !selfClose {
				i += xSkipTo(b[i:], name)
			}
			// Keep the element (without its body) when it carries a marker,
			// e.g. svg[data-testid=icon-verified].
			if len(el.Attr) > 0 {
				top().AppendChild(el)
			}
			continue
		}
		top().AppendChild(el)
		if xVoid[name] || selfClose {
			continue
		}
		if xRawText[name] {
			k := xIndexEndTag(b[i:], name)
			if k < 0 {
				k = len(b) - i
			}
			if name != "iframe" {
				t := alloc()
				t.Type, t.Data = nethtml.TextNode, html.UnescapeString(string(b[i:i+k]))
				el.AppendChild(t)
			}
			i += k
			continue
		}
		if len(stack) < xMaxOpen {
			stack = append(stack, el)
		}
	}
	return doc
}

// xTagName reads a tag name (lower-cased) at the start of b.
func xTagName(b []byte) (string, int) {
	n := 0
	for n < len(b) {
		c := b[n]
		if c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			break
		}
		n++
	}
	if n == 0 || !(b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z') {
		return "", 0
	}
	name := b[:n]
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			return strings.ToLower(string(name)), n
		}
	}
	if s, ok := xCommonTags[string(name)]; ok {
		return s, n // no allocation for the tags a page is made of
	}
	return string(name), n
}

// xCommonTags interns tag names.
var xCommonTags = map[string]string{}

func init() {
	for _, t := range []string{"div", "span", "a", "img", "svg", "path", "g", "article", "time", "button", "section",
		"main", "video", "source", "br", "li", "ul", "h1", "h2", "h3", "nav", "header", "aside", "p", "input", "label",
		"form", "code", "pre", "script", "style", "link", "meta", "head", "body", "html", "title", "strong", "em", "b", "i"} {
		xCommonTags[t] = t
	}
}

// xScanAttrs reads attributes from b[i:] up to the tag's '>', keeping those
// in xKeepAttrs. It returns the index after '>' and whether the tag ended "/>".
func xScanAttrs(b []byte, i int, el *nethtml.Node) (int, bool) {
	for i < len(b) {
		c := b[i]
		switch {
		case c == '>':
			return i + 1, false
		case c == '/':
			if i+1 < len(b) && b[i+1] == '>' {
				return i + 2, true
			}
			i++
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		}
		start := i
		for i < len(b) && b[i] != '=' && b[i] != '>' && b[i] != ' ' && b[i] != '/' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		key := b[start:i]
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
			i++
		}
		var val []byte
		if i < len(b) && b[i] == '=' {
			i++
			for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
				i++
			}
			if i < len(b) && (b[i] == '"' || b[i] == '\'') {
				q := b[i]
				end := bytes.IndexByte(b[i+1:], q)
				if end < 0 {
					return len(b), false
				}
				val = b[i+1 : i+1+end]
				i += end + 2
			} else {
				vs := i
				for i < len(b) && b[i] != '>' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
					i++
				}
				val = b[vs:i]
			}
		}
		if len(key) == 0 {
			i++
			continue
		}
		if k := xKeptAttr(key); k != "" {
			v := string(val)
			if bytes.IndexByte(val, '&') >= 0 {
				v = html.UnescapeString(v)
			}
			el.Attr = append(el.Attr, nethtml.Attribute{Key: k, Val: v})
		}
	}
	return len(b), false
}

// xSkipTo returns how far b extends to the end of the current name element,
// counting nested elements of the same name (svg in svg).
func xSkipTo(b []byte, name string) int {
	depth := 1
	i := 0
	for depth > 0 {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return len(b)
		}
		i += lt
		if i+1 < len(b) && b[i+1] == '/' {
			if n, l := xTagName(b[i+2:]); l > 0 && n == name {
				depth--
			}
		} else if name == "svg" || name == "math" || name == "template" || name == "noscript" {
			if n, l := xTagName(b[i+1:]); l > 0 && n == name {
				depth++
			}
		}
		end := bytes.IndexByte(b[i:], '>')
		if end < 0 {
			return len(b)
		}
		i += end + 1
	}
	return i
}

// xIndexEndTag finds "</name" (any case) in b.
func xIndexEndTag(b []byte, name string) int {
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("</"))
		if k < 0 {
			return -1
		}
		i += k
		if n, l := xTagName(b[i+2:]); l > 0 && n == name {
			return i
		}
		i += 2
	}
}
