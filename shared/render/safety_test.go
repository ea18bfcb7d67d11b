package render_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"unspool/shared/render"
)

// urlAttrs are the attributes a browser loads or navigates to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "srcset": true, "action": true, "formaction": true, "cite": true,
	"poster": true, "data": true, "background": true, "xlink:href": true, "ping": true, "lowsrc": true,
}

// forbiddenElements can run script, load documents or change how the page
// resolves URLs; the renderer must never emit them.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "base": true, "form": true, "svg": true, "math": true, "noscript": true, "template": true,
	"input": true, "button": true, "textarea": true, "select": true, "portal": true,
}

// assertSafeHTML parses out the way a browser does and fails on anything that
// could execute or load from a non-http(s) URL. doc says whether out is a
// whole document (else a fragment, parsed in a <div>).
func assertSafeHTML(t testing.TB, out string, doc bool) {
	t.Helper()
	if problem := unsafeHTML(out, doc); problem != "" {
		t.Fatalf("unsafe output: %s\n%s", problem, short(out))
	}
}

func unsafeHTML(out string, doc bool) string {
	var nodes []*html.Node
	if doc {
		n, err := html.Parse(strings.NewReader(out))
		if err != nil {
			return err.Error()
		}
		nodes = []*html.Node{n}
	} else {
		ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
		ns, err := html.ParseFragment(strings.NewReader(out), ctx)
		if err != nil {
			return err.Error()
		}
		nodes = ns
	}
	articles := 0
	var problem string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if problem != "" {
			return
		}
		if n.Type == html.ElementNode {
			problem = unsafeElement(n)
			if n.Data == "article" {
				articles++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if problem == "" && articles != 1 {
		problem = "want exactly one <article>"
	}
	return problem
}

func unsafeElement(n *html.Node) string {
	if n.Namespace != "" || forbiddenElements[n.Data] {
		return "element <" + n.Data + ">"
	}
	if n.Data == "style" {
		// The only stylesheet is the renderer's own.
		if n.FirstChild == nil || n.FirstChild.Data != render.CSS || n.FirstChild.NextSibling != nil {
			return "a <style> that is not render.CSS"
		}
	}
	if n.Data == "video" || n.Data == "audio" {
		if problem := unsafeMedia(n); problem != "" {
			return problem
		}
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		switch {
		case strings.HasPrefix(key, "on"):
			return "event handler attribute " + a.Key
		case key == "style":
			return "style attribute (the renderer uses classes only)"
		case key == "srcdoc":
			return "srcdoc attribute"
		case key == "http-equiv" && strings.EqualFold(strings.TrimSpace(a.Val), "refresh"):
			return "meta refresh"
		case key == "href" && n.Data == "link" && isSameSiteRef(a.Val):
			// A share page's alternates ("?format=md") are same-site references.
		case urlAttrs[key]:
			if !httpURL(a.Val) {
				return key + "=" + a.Val
			}
		}
	}
	return ""
}

// unsafeMedia holds a media element to what the reader promises: nothing
// plays or downloads before the reader asks (preload none, no autoplay), and
// what it plays is an https file or playlist.
func unsafeMedia(n *html.Node) string {
	preload := ""
	for _, a := range n.Attr {
		switch key := strings.ToLower(a.Key); key {
		case "preload":
			preload = a.Val
		case "autoplay":
			return "<" + n.Data + " autoplay>"
		case "src", "data-u-hls":
			if !httpURL(a.Val) || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "https://") {
				return "<" + n.Data + " " + key + "=" + a.Val + ">"
			}
		}
	}
	if preload != "none" {
		return "<" + n.Data + "> without preload=none"
	}
	return ""
}

// httpURL is the browser's view: leading/trailing spaces and controls are
// stripped before the scheme is read.
func httpURL(v string) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return false
	}
	s := strings.ToLower(u.Scheme)
	return (s == "http" || s == "https") && !strings.ContainsAny(v, "\t\n\r")
}

// isSameSiteRef: a query or an absolute path, which keeps the page's own
// scheme and host.
func isSameSiteRef(v string) bool {
	return strings.HasPrefix(v, "?") || strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") && !strings.ContainsRune(v, '\\')
}
