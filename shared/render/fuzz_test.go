package render_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"unspool/shared/render"
	"unspool/shared/thread"
)

// hostileSeeds are payloads a page can put in any field: markup, script
// URLs, attribute and element breakers, bidi controls, NULs, huge strings.
var hostileSeeds = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)' x='`,
	"javascript:alert(1)",
	" JaVaScRiPt:alert(1)",
	"java\tscript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"https://ok.test/\"onerror=\"alert(1)",
	"https://ok.test/'><svg onload=alert(1)>",
	"</style><script>alert(1)</script>",
	"</textarea></title><iframe src=javascript:alert(1)>",
	"<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
	"<base href=javascript:/>",
	"\u202e\u2066evil\u2069\u202c",
	"\x00\x01\x1b[31m",
	"[x](javascript:alert(1)) ![y](https://a.test/y.png) <https://a.test> *_`|~&amp;",
	strings.Repeat("<", 5000),
	"\xff\xfe invalid utf-8",
}

// hostileThread puts s (and pieces of it as runs of every type) into every
// field of a small thread with every kind of content.
func hostileThread(s string, field uint8) *thread.Thread {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	url := "https://x.com/a/status/1"
	if field%3 == 0 {
		url = "https://x.com/a/status/1?" + s // still http(s), hostile query
	}
	runs := []thread.Run{
		{Type: thread.TextRun, Text: s},
		{Type: thread.LinkRun, Text: s, URL: s},
		{Type: thread.MentionRun, Text: "@" + s, URL: s},
		{Type: thread.HashtagRun, Text: "#" + s},
		{Type: thread.CashtagRun, Text: "$" + s},
		{Type: thread.EmojiRun, Text: s, URL: s},
		{Type: thread.LinkRun, Text: "ok", URL: "https://ok.test/" + s},
	}
	author := &thread.Author{Handle: s + "@inst.test", Name: s, URL: s, Avatar: s}
	post := func(id string) thread.Post {
		return thread.Post{
			ID: id + s, URL: s, CreatedAt: at, Text: s, Content: runs, Lang: s, ContentWarning: s,
			Truncated: field%2 == 0,
			Media: []thread.Media{
				{Type: thread.Photo, URL: s, Alt: s, Width: int(field) * 1000, Height: -1},
				{Type: thread.Photo, URL: "https://m.test/" + s, Alt: s},
				{Type: thread.Video, URL: s, Poster: s, Alt: s, DurationMS: int(field) * 7919},
				{Type: thread.GIF, URL: "https://m.test/g", Poster: "https://m.test/" + s},
				{Type: thread.Audio, URL: s},
				// Files that play in place, the hostile part in their path and query.
				{Type: thread.Video, URL: "https://m.test/" + s + ".mp4?" + s, Poster: "https://m.test/" + s, Alt: s},
				{Type: thread.GIF, URL: "https://m.test/g/" + s + ".mp4", Width: 1, Height: int(field)},
				{Type: thread.Audio, URL: "https://m.test/a.mp3?" + s, Alt: s},
				{Type: thread.Video, URL: "https://m.test/" + s + "/playlist.m3u8", Poster: s},
			},
			Card: &thread.Card{URL: "https://c.test/" + s, Title: s, Description: s, Image: s, Domain: s},
			Poll: &thread.Poll{Options: []thread.PollOption{{Label: s, Votes: int(field)}, {Label: s, Votes: -1 + int(field%2)}}, Closed: field%2 == 1},
		}
	}
	first := post("1")
	q := post("q")
	q.Author = author
	first.Quote = &q
	second := post("2")
	second.Author = author // a post by someone else inside the chain
	return &thread.Thread{
		Platform: thread.Platform([]string{"x", "bluesky", "mastodon", "threads", s}[field%5]),
		URL:      url, ID: "1",
		Author:   thread.Author{Handle: s, Name: s, URL: s, Avatar: "https://m.test/" + s},
		Posts:    []thread.Post{first, second},
		Complete: field%2 == 0, Gaps: []string{s},
		CapturedAt: at,
	}
}

// FuzzRender asserts that no input yields executable markup: every output
// is parsed as a browser would and checked for script elements, event
// handlers, non-http(s) URLs, frames, bases, refreshes and foreign styles.
func FuzzRender(f *testing.F) {
	for i, s := range hostileSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, field uint8) {
		th := hostileThread(s, field)
		if th.Validate() != nil {
			return // Render refuses invalid threads (checked in render_test.go)
		}
		themes := render.Settings[0].Values()
		opts := render.Options{Theme: themes[int(field)%len(themes)]}
		var frag, doc bytes.Buffer
		if err := render.Render(&frag, th, opts); err != nil {
			t.Fatal(err)
		}
		assertSafeHTML(t, frag.String(), false)
		opts.Standalone = true
		opts.Head = render.Head{Title: s, Description: s, Canonical: s, Robots: s, Meta: []render.Meta{{Property: s, Content: s}, {Name: s, Content: s}},
			Links: []render.Link{{Rel: "alternate", Type: s, Href: s, Title: s}, {Rel: s, Href: "?" + s}, {Rel: "alternate", Href: "/" + s}}}
		if err := render.Render(&doc, th, opts); err != nil {
			t.Fatal(err)
		}
		assertSafeHTML(t, doc.String(), true)
		if strings.Contains(doc.String(), "data-u-hls") {
			t.Fatal("a document without script holds an HLS player")
		}
		for _, f := range []render.Format{render.Markdown, render.Text, render.JSON} {
			if err := render.Export(&bytes.Buffer{}, th, f, render.Options{}); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	})
}

// FuzzMarkdownText asserts that post text stays text in Markdown: read back
// with CommonMark's backslash-escape rule, the output is the input, and no
// metacharacter is left unescaped.
func FuzzMarkdownText(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Add("1. not a list\n# not a heading\n- nor an item\n> nor a quote\n=== nor a rule")
	f.Add("%%a comment%% ==highlight== $x^2$ [[Page]] text ^block-id") // Obsidian's syntax
	f.Fuzz(func(t *testing.T, s string) {
		th := &thread.Thread{
			Platform: thread.X, URL: "https://x.com/a/status/1", ID: "1", Author: thread.Author{Handle: "a"}, Complete: true,
			Posts: []thread.Post{{ID: "1", Text: "x", Content: []thread.Run{{Type: thread.TextRun, Text: "¶" + s + "¶"}}}},
		}
		var b bytes.Buffer
		if err := render.WriteMarkdown(&b, th); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		// The body starts after the front matter (whose quoted title also
		// holds the text) and the byline.
		body := out[strings.Index(out, "\n---\n")+5:]
		body = body[strings.Index(body, "\n\n")+2:]
		body = body[strings.Index(body, "¶"):strings.LastIndex(body, "¶")]
		for _, line := range strings.Split(body, "\n") {
			line = strings.TrimSuffix(line, "\\") // hard break
			if problem := unescapedMarkdown(line); problem != "" {
				t.Fatalf("%s in line %q of\n%s", problem, line, out)
			}
		}
	})
}

// entityRef is CommonMark's entity and numeric character reference syntax.
var entityRef = regexp.MustCompile(`^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// unescapedMarkdown reports a metacharacter that CommonMark (or GitHub's
// tables and strikethrough) could read as syntax: one not preceded by a
// backslash escape, or block syntax at the start of the line.
func unescapedMarkdown(line string) string {
	trimmed := strings.TrimLeft(line, " ")
	if trimmed != "" && strings.ContainsRune("#-+=>", rune(trimmed[0])) {
		return "block syntax " + trimmed[:1]
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '\\':
			i++ // the escaped character
		case '`', '*', '_', '[', ']', '<', '>', '|', '~', '$', '^':
			return "unescaped " + string(c)
		case '%', '=':
			if i+1 < len(line) && line[i+1] == c {
				return "unescaped " + line[i:i+2]
			}
		case '&':
			if m := entityRef.FindString(line[i:]); m != "" {
				return "entity " + m
			}
		}
	}
	return ""
}
