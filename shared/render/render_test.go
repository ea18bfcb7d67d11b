package render_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"unspool/shared/render"
	"unspool/shared/thread"
)

func madeThread(t testing.TB, name string) *thread.Thread {
	return loadThread(t, "testdata/made/"+name+"/thread.json")
}

func TestParseOptions(t *testing.T) {
	o, err := render.ParseOptions("")
	if err != nil || o.Theme != "auto" || o.FontSize != "medium" || o.Width != "medium" || o.Font != "serif" || o.Standalone {
		t.Errorf("defaults: %+v %v", o, err)
	}
	o, err = render.ParseOptions(`{"theme":"sepia","fontSize":"xlarge","width":"narrow","font":"sans","standalone":true}`)
	if err != nil || o.Theme != "sepia" || o.FontSize != "xlarge" || o.Width != "narrow" || o.Font != "sans" || !o.Standalone {
		t.Errorf("parsed: %+v %v", o, err)
	}
	for in, want := range map[string]string{
		`{"theme":"neon"}`:  `theme "neon" is not one of auto, light, dark, sepia`,
		`{"fontSize":"12"}`: `fontSize "12" is not one of medium, small, large, xlarge`,
		`{"Head":{}}`:       `unknown field "Head"`,
		`[1]`:               "cannot unmarshal array",
	} {
		_, err := render.ParseOptions(in)
		if err == nil || !strings.Contains(err.Error(), want) || thread.ErrorCode(err) != thread.EINVALID {
			t.Errorf("ParseOptions(%s) = %v, want an EINVALID error containing %q", in, err, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]render.Format{"html": render.HTML, "MD": render.Markdown, "markdown": render.Markdown, "txt": render.Text, " text ": render.Text, "json": render.JSON} {
		if got, err := render.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := render.ParseFormat("pdf"); err == nil {
		t.Error("pdf is not an export format (print the standalone HTML instead)")
	}
}

func TestRenderRefusesInvalidThreads(t *testing.T) {
	bad := madeThread(t, "x-search-rebuild")
	bad.Posts = nil
	for name, th := range map[string]*thread.Thread{"nil": nil, "no posts": bad} {
		for _, f := range render.Formats {
			if err := render.Export(&bytes.Buffer{}, th, f, render.Options{}); err == nil {
				t.Errorf("%s: Export(%s) accepted it", name, f)
			}
		}
		if err := render.Render(&bytes.Buffer{}, th, render.Options{}); err == nil {
			t.Errorf("%s: Render accepted it", name)
		}
	}
	if err := render.Render(&bytes.Buffer{}, madeThread(t, "x-search-rebuild"), render.Options{Width: "huge"}); err == nil {
		t.Error("Render accepted an unknown width")
	}
}

func TestDocument(t *testing.T) {
	th := madeThread(t, "bluesky-rtl")
	var b bytes.Buffer
	err := render.Document(&b, th, render.Options{Theme: "dark", Head: render.Head{
		Canonical: "https://unspool.example/t/abc", Robots: "noindex",
		Meta: []render.Meta{{Property: "og:title", Content: `A "quoted" title`}, {Name: "twitter:card", Content: "summary"}},
		Links: []render.Link{
			{Rel: "alternate", Type: "text/markdown", Href: "?format=md", Title: "Markdown"},
			{Rel: "stylesheet", Href: "https://evil.test/x.css"}, // loads: dropped
			{Rel: "alternate", Href: "javascript:alert(1)"},      // not a URL we write: dropped
			{Rel: "alternate", Href: "//evil.test/x"},            // another site: dropped
			{Rel: "alternate", Href: "/\\evil.test/x"},           // read as //evil.test by browsers: dropped
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	assertSafeHTML(t, doc, true)
	for _, want := range []string{
		`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;` + render.CSSHash + `&#39;;`,
		`<meta name="color-scheme" content="dark">`,
		`<title>ليلى حداد (@layla.bsky.social): رحلتي إلى وادي رم: ثلاثة أيام في الصحراء 🏜️</title>`,
		`<link rel="canonical" href="https://unspool.example/t/abc">`,
		`<meta name="robots" content="noindex">`,
		`<meta property="og:title" content="A &#34;quoted&#34; title">`,
		`<meta name="twitter:card" content="summary">`,
		`<link rel="alternate" type="text/markdown" href="?format=md" title="Markdown">`,
		`<style>` + render.CSS + `</style></head><body class="unspool-doc"><div class="unspool" data-theme="dark"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %s", want)
		}
	}
	if strings.Contains(doc, "<script") || strings.Contains(doc, "evil.test") || strings.Count(doc, "<link") != 2 {
		t.Error("document has a script, or a link it should have dropped")
	}
}

// TestCSSHash recomputes the hash the CSP allows: a stale one would leave
// the standalone document unstyled.
func TestCSSHash(t *testing.T) {
	sum := sha256.Sum256([]byte(render.CSS))
	if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); render.CSSHash != want {
		t.Errorf("CSSHash = %s, want %s", render.CSSHash, want)
	}
	if strings.Contains(render.CSS, "</") {
		t.Error("CSS contains </, which could close its <style> element")
	}
}

// TestCSSIsScoped checks every selector starts at the reader root (or the
// shadow host), so the sheet cannot restyle the page it is shown in.
func TestCSSIsScoped(t *testing.T) {
	rule := regexp.MustCompile(`([^{}]+)\{`)
	for _, m := range rule.FindAllStringSubmatch(render.CSS, -1) {
		sel := strings.TrimSpace(m[1])
		if strings.HasPrefix(sel, "@") {
			continue
		}
		for _, s := range strings.Split(sel, ",") {
			s = strings.TrimSpace(s)
			if !strings.HasPrefix(s, ".unspool") && s != ":host" {
				t.Errorf("selector %q is not under .unspool", s)
			}
		}
	}
	if !strings.Contains(render.CSS, "@media print") || !strings.Contains(render.CSS, "prefers-color-scheme:dark") {
		t.Error("CSS lacks its print or dark rules")
	}
	if strings.Contains(render.CSS, "url(") || strings.Contains(render.CSS, "@import") || strings.Contains(render.CSS, "@font-face") {
		t.Error("CSS loads something: it must be self-contained")
	}
}

func TestReaderNotesAndDirections(t *testing.T) {
	var b bytes.Buffer
	if err := render.Reader(&b, madeThread(t, "mastodon-tape-deck"), render.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<div class="u-note" role="note"><p><strong>This thread may be incomplete.</strong> A reply in the middle of the thread was not shown by the server.</p></div>`,
		`<details class="u-cw"><summary>spider, mould (photos)</summary>`,
		`<figure class="u-photos u-grid4">`,
		`<a href="https://mastodon.social/@tapeheads" rel="noopener noreferrer nofollow" target="_blank"><bdi>@tapeheads@mastodon.social</bdi></a>`,
		`<a href="https://fosstodon.org/tags/restoration"`,
		`Play audio on Mastodon <span class="u-dur">1:35</span>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("reader lacks %s", want)
		}
	}
	b.Reset()
	if err := render.Reader(&b, madeThread(t, "threads-single"), render.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`This is a single post`, `Threads showed only the start of this post.`, `<figure class="u-player u-gif">`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("single post lacks %s", want)
		}
	}
	b.Reset()
	if err := render.Reader(&b, madeThread(t, "bluesky-rtl"), render.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<article class="u-article" lang="ar" dir="rtl">`) || !strings.Contains(b.String(), `<section class="u-post" id="u-3kxyz0001" lang="ar" dir="rtl">`) {
		t.Errorf("RTL thread not marked rtl:\n%s", short(b.String()))
	}
}

func TestSummarize(t *testing.T) {
	s := render.Summarize(madeThread(t, "x-search-rebuild"))
	want := render.Summary{
		Title:       "Mara Okafor (@mara_builds)",
		Description: "We rebuilt our search in 6 weeks and cut p99 latency from 1.8 s to 140 ms.",
		Image:       "https://pbs.twimg.com/media/GNa1.jpg?name=large",
		URL:         "https://x.com/mara_builds/status/1790000000000000100",
	}
	if s != want {
		t.Errorf("Summarize = %+v\nwant %+v", s, want)
	}
}

// TestPostByAnotherAuthor: a post in the chain by someone else is attributed
// in every format, never shown as the thread author's words.
func TestPostByAnotherAuthor(t *testing.T) {
	th := madeThread(t, "x-search-rebuild")
	th.Posts[1].Author = &thread.Author{Handle: "guest", Name: "Guest Writer", URL: "https://x.com/guest"}
	th.Posts[2].Author = &thread.Author{Handle: "MARA_BUILDS"} // the author, differently cased: not attributed
	var h, md, txt bytes.Buffer
	if err := render.Reader(&h, th, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.WriteMarkdown(&md, th); err != nil {
		t.Fatal(err)
	}
	if err := render.WriteText(&txt, th); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, want string }{
		{h.String(), `<section class="u-post" id="u-1790000000000000101" lang="en" dir="ltr"><p class="u-by"><a href="https://x.com/guest" rel="noopener noreferrer" target="_blank"><bdi>Guest Writer</bdi></a> <span class="u-handle" dir="ltr">@guest</span></p><p>1. Measure first.`},
		{md.String(), "**Guest Writer** @guest:\n\n1\\. Measure first."},
		{txt.String(), "Guest Writer (@guest):\n1. Measure first."},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("lacks %q:\n%s", c.want, short(c.out))
		}
		if strings.Count(c.out, "@guest") != 1 {
			t.Errorf("want one attribution, got %d", strings.Count(c.out, "@guest"))
		}
	}
}
