package render

import (
	"reflect"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestEntityURL(t *testing.T) {
	for _, c := range []struct {
		p        thread.Platform
		typ      thread.RunType
		text     string
		url      string
		instance string
		want     string
	}{
		{thread.X, thread.MentionRun, "@jack", "", "", "https://x.com/jack"},
		{thread.X, thread.HashtagRun, "#golang", "", "", "https://x.com/hashtag/golang"},
		{thread.X, thread.CashtagRun, "$TSLA", "", "", "https://x.com/search?q=%24TSLA"},
		{thread.X, thread.MentionRun, "@jack", "https://x.com/i/user/12", "", "https://x.com/i/user/12"},
		{thread.X, thread.MentionRun, "@jack", "javascript:alert(1)", "", "https://x.com/jack"},
		{thread.Bluesky, thread.MentionRun, "@alice.bsky.social", "", "", "https://bsky.app/profile/alice.bsky.social"},
		{thread.Bluesky, thread.HashtagRun, "#art", "", "", "https://bsky.app/hashtag/art"},
		{thread.Mastodon, thread.MentionRun, "@bob@hachyderm.io", "", "fosstodon.org", "https://hachyderm.io/@bob"},
		{thread.Mastodon, thread.MentionRun, "@bob", "", "fosstodon.org", "https://fosstodon.org/@bob"},
		{thread.Mastodon, thread.HashtagRun, "#foss", "", "fosstodon.org", "https://fosstodon.org/tags/foss"},
		{thread.Mastodon, thread.MentionRun, "@bob@evil/x", "", "fosstodon.org", ""},
		// Misskey names profiles and tags as Mastodon does.
		{thread.Misskey, thread.MentionRun, "@ada", "", "misskey.example", "https://misskey.example/@ada"},
		{thread.Misskey, thread.MentionRun, "@bob@hachyderm.io", "", "misskey.example", "https://hachyderm.io/@bob"},
		{thread.Misskey, thread.HashtagRun, "#knit", "", "misskey.example", "https://misskey.example/tags/knit"},
		{thread.Threads, thread.MentionRun, "@zuck", "", "", "https://www.threads.net/@zuck"},
		{thread.Threads, thread.HashtagRun, "#food", "", "", "https://www.threads.net/search?serp_type=tags&q=food"},
		{thread.X, thread.MentionRun, "@two words", "", "", ""},
		{"unknown", thread.MentionRun, "@a", "", "", ""},
	} {
		got := entityURL(c.p, c.instance, thread.Run{Type: c.typ, Text: c.text, URL: c.url})
		if got != c.want {
			t.Errorf("entityURL(%s, %s %q) = %q, want %q", c.p, c.typ, c.text, got, c.want)
		}
	}
}

func TestLinkLabel(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.example.com/a/b/?utm=1#frag": "example.com/a/b",
		"https://Example.com":                     "example.com",
		"https://example.com/caf%C3%A9":           "example.com/café",
		"https://example.com/x/very/long/path/that/goes/on/and/on/and/on/forever/and/ever": "example.com/x/very/long/path/that/goes/on/and/on/and/on/for…", // 60 runes
	} {
		if got := linkLabel(in); got != want {
			t.Errorf("linkLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	text := func(s string) seg { return seg{Kind: segText, Text: s} }
	br := seg{Kind: segBreak}
	got := paragraphs(thread.X, "", []thread.Run{
		{Type: thread.TextRun, Text: "  one\ntwo\n\n\nthree "},
		{Type: thread.LinkRun, Text: "t.co/x", URL: "https://example.com/p"},
		{Type: thread.TextRun, Text: "\n\n\n"},
		{Type: thread.LinkRun, Text: "bad", URL: "javascript:alert(1)"},
		{Type: thread.TextRun, Text: "\r\nend\n"},
	})
	want := []para{
		{text("one"), br, text("two")},
		{text("three "), {Kind: segLink, Text: "example.com/p", URL: "https://example.com/p", Ext: true}},
		{text("bad"), br, text("end")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs:\n got %+v\nwant %+v", got, want)
	}
}

func TestPoll(t *testing.T) {
	p := pollOf(&thread.Poll{Options: []thread.PollOption{{Label: "a", Votes: 1}, {Label: "b", Votes: 2}}, Closed: true})
	if p.Options[0].Percent != 33 || p.Options[1].Percent != 67 || !p.Options[1].Winner || p.Options[0].Winner {
		t.Errorf("closed poll: %+v", p.Options)
	}
	if p.Summary != "3 votes · Final results" {
		t.Errorf("summary %q", p.Summary)
	}
	open := pollOf(&thread.Poll{Options: []thread.PollOption{{Label: "a", Votes: -1}, {Label: "b", Votes: 5}}})
	if open.Options[1].Known || open.Options[1].Winner || open.Summary != "" {
		t.Errorf("unknown counts must show no results: %+v %q", open.Options, open.Summary)
	}
	if z := pollOf(&thread.Poll{Options: []thread.PollOption{{Label: "a"}}}); z.Options[0].Known || z.Summary != "0 votes" {
		t.Errorf("no votes yet: %+v %q", z.Options, z.Summary)
	}
}

func TestLangDir(t *testing.T) {
	for tag, want := range map[string]string{"ar": "rtl", "he-IL": "rtl", "fa": "rtl", "en": "ltr", "ja": "ltr", "": "auto"} {
		if got := langDir(tag); got != want {
			t.Errorf("langDir(%q) = %q, want %q", tag, got, want)
		}
	}
	for in, want := range map[string]string{"en": "en", "zh-Hant": "zh-Hant", "und": "", "zxx": "", `en" x`: "", "": ""} {
		if got := langTag(in); got != want {
			t.Errorf("langTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanAndClip(t *testing.T) {
	if got := clean("a\u202eb\u2066c\u0000d\te\nf\u200fg"); got != "abcd\te\nf\u200fg" {
		t.Errorf("clean = %q", got)
	}
	if got := clean("bad \xff utf8"); got != "bad \uFFFD utf8" {
		t.Errorf("clean(invalid) = %q", got)
	}
	if got := clip("  many   words\nhere ", 100); got != "many words here" {
		t.Errorf("clip folds space: %q", got)
	}
	if got := clip("abcdefghij", 5); got != "abcd…" {
		t.Errorf("clip = %q", got)
	}
}

func TestCountWordsAndDuration(t *testing.T) {
	if n := countWords("one two  three\nfour"); n != 4 {
		t.Errorf("countWords = %d", n)
	}
	if n := countWords("日本語のテキスト"); n != 3 {
		t.Errorf("countWords(CJK) = %d, want 3 (8 characters / 3, rounded up)", n)
	}
	for ms, want := range map[int]string{0: "", 999: "0:00", 42000: "0:42", 95000: "1:35", 3723000: "1:02:03"} {
		if got := duration(ms); got != want {
			t.Errorf("duration(%d) = %q, want %q", ms, got, want)
		}
	}
}

func TestGapsAreBounded(t *testing.T) {
	th := &thread.Thread{Platform: thread.X, Posts: []thread.Post{{ID: "1"}}}
	for i := 0; i < 1000; i++ {
		th.Gaps = append(th.Gaps, "post 2 is missing.")
	}
	v := newView(th, Options{})
	if len(v.Notes) != 1 || strings.Count(strings.ToLower(v.Notes[0]), "post 2 is missing") != maxGaps || !strings.HasSuffix(v.Notes[0], "; and 988 more gaps.") {
		t.Errorf("notes: %q", v.Notes)
	}
	th.Gaps = []string{"the end was not reached.", "post 3 is cut short"}
	if v := newView(th, Options{}); v.Notes[0] != "The end was not reached; post 3 is cut short." {
		t.Errorf("note: %q", v.Notes[0])
	}
}
