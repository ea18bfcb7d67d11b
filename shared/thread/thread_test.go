package thread_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"unspool/shared/thread"
)

func validThread() *thread.Thread {
	return &thread.Thread{
		Platform: thread.X, URL: "https://x.com/a/status/1", ID: "1",
		Author: thread.Author{Handle: "a"},
		Posts:  []thread.Post{{ID: "1", Text: "hi", CreatedAt: time.Unix(0, 0).UTC()}},
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com/a?b#c": "https://example.com/a?b#c",
		"http://example.com":        "http://example.com",
		" HTTPS://EXAMPLE.COM ":     "HTTPS://EXAMPLE.COM",
		"javascript:alert(1)":       "",
		"JaVaScRiPt:alert(1)":       "",
		"data:text/html,<script>":   "",
		"//evil.example/x":          "",
		"/relative":                 "",
		"vbscript:x":                "",
		"https:///nohost":           "",
		"":                          "",
		"https://exa mple.com/%zz":  "",
	} {
		if got := thread.SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainTextExpandsLinks(t *testing.T) {
	runs := []thread.Run{
		{Type: thread.TextRun, Text: "read "},
		{Type: thread.LinkRun, Text: "example.com/a…", URL: "https://example.com/a/long"},
		{Type: thread.TextRun, Text: "\nby "},
		{Type: thread.MentionRun, Text: "@b", URL: "https://x.com/b"},
	}
	if got, want := thread.PlainText(runs), "read https://example.com/a/long\nby @b"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func TestNormalizeRuns(t *testing.T) {
	got := thread.NormalizeRuns([]thread.Run{
		{Type: thread.TextRun, Text: "\n a"}, {Type: thread.TextRun, Text: ""}, {Type: thread.TextRun, Text: "b "},
		{Type: thread.HashtagRun, Text: "#c"}, {Type: thread.TextRun, Text: " \n"},
	})
	want := []thread.Run{{Type: thread.TextRun, Text: "ab "}, {Type: thread.HashtagRun, Text: "#c"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("NormalizeRuns = %+v, want %+v", got, want)
	}
	if thread.NormalizeRuns([]thread.Run{{Type: thread.TextRun, Text: " \n "}}) != nil {
		t.Error("whitespace-only runs should normalise to nil")
	}
}

func TestValidate(t *testing.T) {
	if err := validThread().Validate(); err != nil {
		t.Fatalf("valid thread: %v", err)
	}
	cases := map[string]func(*thread.Thread){
		"no platform":    func(t *thread.Thread) { t.Platform = "" },
		"script url":     func(t *thread.Thread) { t.URL = "javascript:alert(1)" },
		"no author":      func(t *thread.Thread) { t.Author.Handle = "" },
		"no posts":       func(t *thread.Thread) { t.Posts = nil },
		"duplicate post": func(t *thread.Thread) { t.Posts = append(t.Posts, t.Posts[0]) },
		"bad media":      func(t *thread.Thread) { t.Posts[0].Media = []thread.Media{{Type: "flash"}} },
		"huge text":      func(t *thread.Thread) { t.Posts[0].Text = strings.Repeat("a", thread.MaxTextBytes+1) },
		"nested quotes": func(t *thread.Thread) {
			t.Posts[0].Quote = &thread.Post{ID: "2", Quote: &thread.Post{ID: "3"}}
		},
	}
	for name, breakIt := range cases {
		th := validThread()
		breakIt(th)
		if err := th.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		} else if code := thread.ErrorCode(err); code != thread.EINVALID && code != thread.ETOOLARGE {
			t.Errorf("%s: code %q", name, code)
		}
	}
}

func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(validThread())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"platform", "url", "id", "author", "posts", "complete", "capturedAt"} {
		if _, ok := m[k]; !ok {
			t.Errorf("thread JSON lacks %q: %s", k, b)
		}
	}
	post := m["posts"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "url", "createdAt", "text", "media", "quote", "card", "poll", "truncated"} {
		if _, ok := post[k]; !ok {
			t.Errorf("post JSON lacks %q: %s", k, b)
		}
	}
	if media, ok := post["media"].([]any); !ok || len(media) != 0 {
		t.Errorf("media should be [] when empty, got %v", post["media"])
	}
	if post["createdAt"] != "1970-01-01T00:00:00Z" {
		t.Errorf("createdAt = %v, want RFC 3339", post["createdAt"])
	}
}
