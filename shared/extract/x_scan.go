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
	"sync"
	"unsafe"

	nethtml "golang.org/x/net/html"
)

// xKeptAttr returns the name of an attribute the X extractor reads, ""
// for the rest (class, style, aria-*, …: most of a page's bytes). It
// decides by length and first byte before comparing, so the common
// attributes cost a comparison or two, and it never allocates.
func xKeptAttr(key []byte) string {
	var want string
	switch len(key) {
	case 3:
		want = "src"
		if key[0]|0x20 == 'a' {
			want = "alt"
		}
	case 4:
		switch key[0] | 0x20 {
		case 'h':
			want = "href"
		case 'l':
			want = "lang"
		case 'r':
			want = "role"
		}
	case 6:
		want = "poster"
	case 8:
		want = "datetime"
	case 10:
		want = "data-block"
		if key[0]|0x20 == 'a' {
			want = "aria-label"
		}
	case 11:
		want = "data-testid"
	}
	if want == "" {
		return ""
	}
	for i := range len(key) {
		c := key[i]
		if c >= 'A' && c <= 'Z' { // hand-written or hostile markup
			c |= 0x20
		}
		if c != want[i] {
			return ""
		}
	}
	return want
}

// Tag kinds, for the elements the reader treats specially.
const (
	xKindNormal  = iota
	xKindSkip    // svg, script, style…: body skipped to the end tag, never read
	xKindRawText // textarea, title, iframe…: body is text up to the end tag
	xKindVoid    // img, br, source…: never has children
)

// xTag interns a lower-case tag name and says its kind. A switch compiles
// to comparisons: no hashing, no allocation for the tags pages are made of.
func xTag(name []byte) (string, int) {
	switch string(name) {
	case "div":
		return "div", xKindNormal
	case "span":
		return "span", xKindNormal
	case "a":
		return "a", xKindNormal
	case "img":
		return "img", xKindVoid
	case "svg":
		return "svg", xKindSkip
	case "article":
		return "article", xKindNormal
	case "time":
		return "time", xKindNormal
	case "button":
		return "button", xKindNormal
	case "section":
		return "section", xKindNormal
	case "video":
		return "video", xKindNormal
	case "source":
		return "source", xKindVoid
	case "br":
		return "br", xKindVoid
	case "li":
		return "li", xKindNormal
	case "ul":
		return "ul", xKindNormal
	case "h1", "h2", "h3", "h4", "p", "pre", "code", "main", "nav", "header", "aside", "form", "label", "body", "html", "head", "strong", "em", "b", "i":
		return string(name), xKindNormal
	case "script":
		return "script", xKindSkip
	case "style":
		return "style", xKindSkip
	case "noscript", "template", "math":
		return string(name), xKindSkip
	case "textarea", "title", "iframe", "xmp", "noembed", "noframes":
		return string(name), xKindRawText
	case "area", "base", "col", "embed", "hr", "input", "link", "meta", "track", "wbr", "param", "keygen":
		return string(name), xKindVoid
	}
	return string(name), xKindNormal
}

// xEndTagReach is how deep into the open elements an end tag looks for its
// element; one that finds none is ignored.
const xEndTagReach = 64

// xMaxOpen caps nesting: deeper elements are added as siblings, so 10,000
// nested divs cost a flat list, never a deep recursion.
const xMaxOpen = 512

// xParseDOM reads page HTML: the fast reader first, html.Parse when the
// fast reading holds no post article. Call release when done with the
// nodes (nothing read from them may keep a node): their memory is reused
// by the next page, which spares WebAssembly's one-threaded garbage
// collector a megabyte of nodes per page.
func xParseDOM(content []byte) (doc *nethtml.Node, release func(), err error) {
	a := &xArena{}
	doc = xScanInto(content, a)
	var probe []*nethtml.Node
	xFindPosts(doc, &probe, 0)
	if len(probe) > 0 {
		return doc, a.release, nil
	}
	a.release()
	doc, err = nethtml.Parse(bytes.NewReader(content))
	return doc, func() {}, err
}

// xArena holds the node and attribute blocks of one reading, from pools.
type xArena struct {
	nodes []*[]nethtml.Node
	attrs []*[]nethtml.Attribute
}

const (
	xNodeBlock = 512
	xAttrBlock = 1024
)

var (
	xNodePool = sync.Pool{New: func() any { b := make([]nethtml.Node, 0, xNodeBlock); return &b }}
	xAttrPool = sync.Pool{New: func() any { b := make([]nethtml.Attribute, 0, xAttrBlock); return &b }}
)

// release clears the blocks (no stale pointers survive in a pool) and
// returns them.
func (a *xArena) release() {
	for _, b := range a.nodes {
		clear((*b)[:cap(*b)])
		*b = (*b)[:0]
		xNodePool.Put(b)
	}
	for _, b := range a.attrs {
		clear((*b)[:cap(*b)])
		*b = (*b)[:0]
		xAttrPool.Put(b)
	}
	a.nodes, a.attrs = nil, nil
}

// xScan builds a node tree from content; it never fails. Text and
// attribute values are slices of one string copy of the page, so they cost
// no allocation of their own.
func xScan(b []byte) *nethtml.Node { return xScanInto(b, nil) }

// xScanInto is xScan taking its blocks from arena's pools (nil: allocated).
func xScanInto(b []byte, arena *xArena) *nethtml.Node {
	doc := &nethtml.Node{Type: nethtml.DocumentNode}
	if len(b) == 0 {
		return doc
	}
	// A string view of the page, not a copy (a 2 MB copy per call costs
	// more than the scan in WebAssembly): extraction never writes to the
	// content it is given, and the nodes keep it alive as long as they live.
	src := unsafe.String(&b[0], len(b))
	// Nodes and attributes are carved from blocks rather than allocated one
	// by one: a page has tens of thousands of elements, and in WebAssembly
	// the garbage collector runs on the one thread that extracts.
	var block []nethtml.Node
	alloc := func() *nethtml.Node {
		if len(block) == cap(block) {
			if arena != nil {
				p := xNodePool.Get().(*[]nethtml.Node)
				arena.nodes = append(arena.nodes, p)
				block = (*p)[:0]
			} else {
				block = make([]nethtml.Node, 0, xNodeBlock)
			}
		}
		block = block[:len(block)+1]
		return &block[len(block)-1]
	}
	var attrBlock, scratch []nethtml.Attribute
	attrs := func() []nethtml.Attribute {
		if len(attrBlock)+len(scratch) > cap(attrBlock) {
			if arena != nil && len(scratch) <= xAttrBlock {
				p := xAttrPool.Get().(*[]nethtml.Attribute)
				arena.attrs = append(arena.attrs, p)
				attrBlock = (*p)[:0]
			} else {
				attrBlock = make([]nethtml.Attribute, 0, max(xAttrBlock, len(scratch)))
			}
		}
		k := len(attrBlock)
		attrBlock = append(attrBlock, scratch...)
		return attrBlock[k:len(attrBlock):len(attrBlock)]
	}
	// open is an element whose end tag has not come. A div or span without
	// any attribute the extractor reads is a wrapper only (most of X's
	// markup): it gets no node, its children go to its parent, and mark
	// keeps text on either side of it from being merged.
	type open struct {
		name string
		node *nethtml.Node // where children go
	}
	stack := make([]open, 1, 64)
	stack[0] = open{node: doc}
	top := func() *nethtml.Node { return stack[len(stack)-1].node }
	mark, textMark := 0, -1
	text := func(from, to int) {
		if from >= to {
			return
		}
		t := src[from:to]
		if strings.IndexByte(t, '&') >= 0 {
			t = html.UnescapeString(t)
		}
		p := top()
		if l := p.LastChild; l != nil && l.Type == nethtml.TextNode && textMark == mark {
			l.Data += t // text split by a comment is one text
			return
		}
		n := alloc()
		n.Type, n.Data = nethtml.TextNode, t
		p.AppendChild(n)
		textMark = mark
	}
	i := 0
	for i < len(b) {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			text(i, len(b))
			break
		}
		text(i, i+lt)
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
			name, _, n := xTagName(rest[2:])
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return doc
			}
			i += end + 1
			if n == 0 {
				continue
			}
			// Well-formed pages close the innermost element; looking no
			// further than xEndTagReach keeps stray end tags from costing
			// the whole stack each.
			for k := len(stack) - 1; k > 0 && k >= len(stack)-xEndTagReach; k-- {
				if stack[k].name == name {
					stack = stack[:k]
					mark++
					break
				}
			}
			continue
		}
		name, kind, n := xTagName(rest[1:])
		if n == 0 {
			text(i, i+1)
			i++
			continue
		}
		scratch = scratch[:0]
		j, selfClose := xScanAttrs(rest, src[i:], 1+n, &scratch)
		i += j
		if kind == xKindSkip {
			if !selfClose {
				i += xSkipTo(b[i:], name)
			}
			// Keep the element (without its body) when it carries a marker,
			// e.g. svg[data-testid=icon-verified].
			if len(scratch) > 0 {
				el := alloc()
				el.Type, el.Data, el.Attr = nethtml.ElementNode, name, attrs()
				top().AppendChild(el)
			}
			continue
		}
		if len(scratch) == 0 && (name == "div" || name == "span") && !selfClose {
			if len(stack) < xMaxOpen {
				stack = append(stack, open{name: name, node: top()})
				mark++
			}
			continue
		}
		el := alloc()
		el.Type, el.Data = nethtml.ElementNode, name
		if len(scratch) > 0 {
			el.Attr = attrs()
		}
		top().AppendChild(el)
		if kind == xKindVoid || selfClose {
			continue
		}
		if kind == xKindRawText {
			k := xIndexEndTag(b[i:], name)
			if k < 0 {
				k = len(b) - i
			}
			if name != "iframe" {
				t := alloc()
				t.Type, t.Data = nethtml.TextNode, html.UnescapeString(src[i:i+k])
				el.AppendChild(t)
			}
			i += k
			continue
		}
		if len(stack) < xMaxOpen {
			stack = append(stack, open{name: name, node: el})
		}
	}
	return doc
}

// xByteClass classifies bytes for the scanning loops: one table load per
// byte instead of a chain of comparisons (which WebAssembly pays in full).
var xByteClass = func() (t [256]uint8) {
	for _, c := range " \t\n\r\f" {
		t[c] |= xEndsName | xSpace
	}
	t['>'] |= xEndsName
	t['/'] |= xEndsName
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= xUpper | xLetter
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= xLetter
	}
	return t
}()

const (
	xEndsName = 1 << iota // ends a tag or attribute name
	xSpace                // HTML whitespace
	xUpper                // A–Z
	xLetter               // a–z, A–Z
)

// xTagName reads a tag name (lower-cased) at the start of b, with its kind.
func xTagName(b []byte) (string, int, int) {
	if len(b) == 0 || xByteClass[b[0]]&xLetter == 0 {
		return "", 0, 0
	}
	n, upper := 0, uint8(0)
	for n < len(b) {
		k := xByteClass[b[n]]
		if k&xEndsName != 0 {
			break
		}
		upper |= k
		n++
	}
	name := b[:n]
	if upper&xUpper != 0 {
		name = bytes.ToLower(name)
	}
	s, kind := xTag(name)
	return s, kind, n
}

// xScanAttrs reads attributes from b[i:] up to the tag's '>', keeping those
// in xKeepAttrs. It returns the index after '>' and whether the tag ended "/>".
func xScanAttrs(b []byte, src string, i int, out *[]nethtml.Attribute) (int, bool) {
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
		vs, ve := i, i
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
				vs, ve = i+1, i+1+end
				i += end + 2
			} else {
				vs = i
				for i < len(b) && b[i] != '>' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
					i++
				}
				ve = i
			}
		}
		if len(key) == 0 {
			i++
			continue
		}
		if k := xKeptAttr(key); k != "" {
			v := src[vs:ve]
			if strings.IndexByte(v, '&') >= 0 {
				v = html.UnescapeString(v)
			}
			*out = append(*out, nethtml.Attribute{Key: k, Val: v})
		}
	}
	return len(b), false
}

// xSkipTo returns how far b extends to the end of the current name element,
// counting nested elements of the same name (svg in svg). Serialised pages
// write tags in lower case, so it jumps from "<name" to "</name"; markup in
// other cases takes the tag-by-tag path.
func xSkipTo(b []byte, name string) int {
	open, end := []byte("<"+name), []byte("</"+name)
	// script and style bodies are text: "<script" inside one opens nothing.
	nests := name == "svg" || name == "math" || name == "template" || name == "noscript"
	depth, i := 1, 0
	for {
		j := bytes.Index(b[i:], end)
		if j < 0 {
			return xSkipToSlow(b, name)
		}
		// Elements of the same name opened before this end tag nest.
		for k := bytes.Index(b[i:i+j], open); nests && k >= 0; k = bytes.Index(b[i:i+j], open) {
			if t := i + k + len(open); t < len(b) && xByteClass[b[t]]&xEndsName != 0 {
				depth++
			}
			i += k + len(open)
			j -= k + len(open)
		}
		i += j + len(end)
		if i < len(b) && xByteClass[b[i]]&xEndsName == 0 {
			continue // "</svgfoo": not our end tag
		}
		if depth--; depth == 0 {
			gt := bytes.IndexByte(b[i:], '>')
			if gt < 0 {
				return len(b)
			}
			return i + gt + 1
		}
	}
}

// xSkipToSlow is xSkipTo reading every tag (any letter case).
func xSkipToSlow(b []byte, name string) int {
	depth := 1
	i := 0
	for depth > 0 {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return len(b)
		}
		i += lt
		if i+1 < len(b) && b[i+1] == '/' {
			if n, _, l := xTagName(b[i+2:]); l > 0 && n == name {
				depth--
			}
		} else if name == "svg" || name == "math" || name == "template" || name == "noscript" {
			if n, _, l := xTagName(b[i+1:]); l > 0 && n == name {
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
		if n, _, l := xTagName(b[i+2:]); l > 0 && n == name {
			return i
		}
		i += 2
	}
}
