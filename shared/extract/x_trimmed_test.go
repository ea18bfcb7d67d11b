package extract

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"
)

// xTrimLikeExtension does to a page what the extension's trimCell
// (extension/content/trim.js) does to each cell before sending it: svg
// drawings emptied, class/aria-labelledby/aria-describedby/draggable/
// tabindex dropped, styles dropped unless they hold a url(), and bare divs
// with a single element child replaced by that child.
func xTrimLikeExtension(t *testing.T, page []byte) []byte {
	doc, err := nethtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	drop := map[string]bool{"class": true, "aria-labelledby": true, "aria-describedby": true, "draggable": true, "tabindex": true}
	var clean func(n *nethtml.Node)
	clean = func(n *nethtml.Node) {
		if n.Type == nethtml.ElementNode {
			if n.Data == "svg" {
				for n.FirstChild != nil {
					n.RemoveChild(n.FirstChild)
				}
			}
			attrs := n.Attr[:0]
			for _, a := range n.Attr {
				if drop[a.Key] || (a.Key == "style" && !strings.Contains(strings.ToLower(a.Val), "url(")) {
					continue
				}
				attrs = append(attrs, a)
			}
			n.Attr = attrs
		}
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			clean(c)
			c = next
		}
		// Deepest first: children are cleaned (and collapsed) before n.
		if n.Type == nethtml.ElementNode && n.Data == "div" && len(n.Attr) == 0 && n.FirstChild != nil &&
			n.FirstChild == n.LastChild && n.FirstChild.Type == nethtml.ElementNode && n.Parent != nil {
			only := n.FirstChild
			n.RemoveChild(only)
			n.Parent.InsertBefore(only, n)
			n.Parent.RemoveChild(n)
		}
	}
	clean(doc)
	var b bytes.Buffer
	if err := nethtml.Render(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXTrimmedCellsGiveTheSameThread: what the extension sends (trimmed
// cells) reads as the full page does, on every DOM case.
func TestXTrimmedCellsGiveTheSameThread(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "x-dom", "*"))
	for _, dir := range dirs {
		c, skip := xLoadCase(t, "x-dom", dir)
		if skip != "" {
			t.Logf("skip %s: %s", dir, skip)
			continue
		}
		full, err := xRunCase(c)
		if err != nil {
			t.Fatal(err)
		}
		trimmed := xTrimLikeExtension(t, c.Content)
		th, err := Options{Now: xGoldenNow}.Extract(c.URL, trimmed)
		if err != nil {
			t.Errorf("%s trimmed: %v", dir, err)
			continue
		}
		if a, b := xMarshal(t, full), xMarshal(t, th); string(a) != string(b) {
			t.Errorf("%s: trimmed cells read differently (%d → %d bytes; - full, + trimmed):\n%s", dir, len(c.Content), len(trimmed), xLineDiff(string(a), string(b)))
		}
	}
}
