package sharepage_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"unspool/server/library"
	"unspool/server/sharepage"
	"unspool/shared/render"
	"unspool/shared/thread"
)

// FuzzBuild asserts that minification never turns the renderer's escaped
// output into executable markup (the minifier rewrites entities, quotes and
// tags after templ has escaped them): the stored page, parsed as a browser
// tokenizes it, has no script, frame, base, form or refresh, no event
// handler, no URL that is not http(s) or one of the page's own alternates,
// and exactly the one stylesheet the CSP hash allows.
func FuzzBuild(f *testing.F) {
	for i, s := range []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `' onmouseover='alert(1)' x='`,
		"javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "https://ok.test/\"onerror=\"alert(1)",
		"</style><script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;svg onload=alert(1)&#62;",
		"<!--<script>-->", "<![CDATA[<script>]]>", "\u202e\x00", "a\u00a0\u2028b",
	} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
		th := &thread.Thread{
			Platform: thread.X, URL: "https://x.com/a/status/1?" + s, ID: "1",
			Author: thread.Author{Handle: "a" + s, Name: s, URL: s, Avatar: "https://m.test/" + s},
			Posts: []thread.Post{{
				ID: "1", URL: s, CreatedAt: at, Text: s, ContentWarning: strings.Repeat(s, int(n%2)),
				Content: []thread.Run{{Type: thread.TextRun, Text: s}, {Type: thread.LinkRun, Text: s, URL: "https://l.test/" + s},
					{Type: thread.LinkRun, Text: s, URL: s}, {Type: thread.MentionRun, Text: "@" + s, URL: s}},
				Media: []thread.Media{{Type: thread.Photo, URL: "https://m.test/" + s, Alt: s}, {Type: thread.Video, URL: s, Poster: s}},
				Card:  &thread.Card{URL: "https://c.test/" + s, Title: s, Description: s, Image: s},
			}},
			Gaps: []string{s},
		}
		p, err := sharepage.Build(th, n%3 == 0)
		if err != nil {
			if thread.ErrorCode(err) == thread.EINVALID || thread.ErrorCode(err) == thread.ETOOLARGE {
				return
			}
			t.Fatal(err)
		}
		page := p.Bodies[library.PageHTML]
		z := html.NewTokenizer(bytes.NewReader(page))
		styles := 0
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			switch tok.Data {
			case "script", "iframe", "frame", "object", "embed", "base", "form", "svg", "math":
				t.Fatalf("<%s> in the page for %q", tok.Data, s)
			case "style":
				styles++
			case "meta":
				for _, a := range tok.Attr {
					if a.Key == "http-equiv" && !strings.EqualFold(a.Val, "Content-Security-Policy") {
						t.Fatalf("<meta http-equiv=%q> for %q", a.Val, s)
					}
				}
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("<%s %s=%q> for %q", tok.Data, a.Key, a.Val, s)
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "poster" || a.Key == "srcset") &&
					!strings.HasPrefix(v, "https:") && !strings.HasPrefix(v, "http:") &&
					!strings.HasPrefix(v, "?format=") && !strings.HasPrefix(v, "#") {
					t.Fatalf("<%s %s=%q> for %q", tok.Data, a.Key, a.Val, s)
				}
			}
		}
		if styles != 1 || !bytes.Contains(page, []byte("<style>"+render.CSS+"</style>")) {
			t.Fatalf("%d style elements, or the stylesheet changed, for %q", styles, s)
		}
	})
}
