package extract

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"unspool/shared/thread"
)

// minimalPages is one minimal page per HTML source, each recognised by its
// own markers, for the bad-input checks below.
var minimalPages = []struct{ name, url, page string }{
	{"bluesky-dom", "https://bsky.app/profile/a.example/post/3kabc", `<div data-testid="postThreadItem-by-a.example"><a href="/profile/a.example">A</a><div data-testid="postText">%s</div></div>`},
	{"mastodon-dom", "https://m.example/@a/1", `<div id="mastodon"><div class="detailed-status"><a class="detailed-status__display-name" href="/@a"></a><div class="status__content"><div class="status__content__text">%s</div></div><a class="detailed-status__datetime" href="/@a/1"></a></div></div>`},
	{"nitter", "https://n.example/a/status/1", `<div class="main-tweet"><div class="timeline-item"><a class="username" href="/a">@a</a><span class="tweet-date"><a href="/a/status/1#m"></a></span><div class="tweet-content">%s</div></div></div>`},
	{"twitter-legacy", "https://twitter.com/a/status/1", `<div class="tweet permalink-tweet" data-tweet-id="1" data-screen-name="a"><p class="tweet-text">%s</p></div>`},
	{"threadreaderapp", "https://threadreaderapp.com/thread/1.html", `<meta name="twitter:creator" content="@a"><div class="t-main"><div class="content-tweet" id="tweet_1" data-tweet="1">%s</div>`},
	{"threads-dom", "https://www.threads.com/@a/post/DAbc", `<div data-pressable-container="true"><a href="/@a">a</a><a href="/@a/post/DAbc"><time datetime="2025-01-01T00:00:00Z"></time></a><span dir="auto">%s</span></div>`},
}

// Hostile markup inside a post: scripts and styles vanish with their
// content, javascript: links lose their target, event handlers never reach
// the output (it holds no attributes at all).
func TestPlatformHostilePostHTML(t *testing.T) {
	hostile := `hi<script>alert(1)</script><style>*{x}</style> <a href="javascript:alert(2)">click</a> <img src=x onerror="alert(3)"> <svg onload="alert(4)"></svg><iframe src="javascript:alert(5)"></iframe>`
	for _, c := range minimalPages {
		t.Run(c.name, func(t *testing.T) {
			th := mustExtract(t, c.url, []byte(strings.Replace(c.page, "%s", hostile, 1)))
			if th.Source != c.name {
				t.Fatalf("read by %q", th.Source)
			}
			scriptFree(t, th)
			text := th.Posts[0].Text
			if strings.Contains(text, "alert") || strings.Contains(text, "{x}") || !strings.HasPrefix(text, "hi") || !strings.Contains(text, "click") {
				t.Errorf("text = %q", text)
			}
		})
	}
}

// Deeply nested and very large pages end in a result or a clear error,
// quickly and without exhausting the stack.
func TestPlatformDeepAndLargePages(t *testing.T) {
	deep := strings.Repeat("<div>", 10_000) + "deep" + strings.Repeat("</div>", 10_000)
	paragraphs := 500_000 // ~20 MB
	if runtime.GOOS == "js" {
		// Under node the same code runs some ten times slower on two shared
		// cores; the native run holds the 20 MB bound, this one the behaviour.
		paragraphs = 50_000
	}
	big := strings.Repeat("<p>filler text of a large saved page</p>", paragraphs)
	for _, c := range minimalPages {
		for name, fill := range map[string]string{"deep": deep, "large": big} {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				start := time.Now()
				th, err := Extract(c.url, []byte(strings.Replace(c.page, "%s", fill, 1)))
				if err != nil && thread.ErrorCode(err) == thread.EINTERNAL {
					t.Errorf("error without a code: %v", err)
				}
				if err == nil {
					scriptFree(t, th)
				}
				if d := time.Since(start); d > 60*time.Second { // a hang guard: two shared cores
					t.Errorf("took %v", d)
				}
			})
		}
	}
}

func TestPlatformNotAThreadPage(t *testing.T) {
	for name, c := range map[string]struct{ url, content string }{
		"bluesky home":      {"https://bsky.app/", `<html><body><div id="root"></div></body></html>`},
		"mastodon about":    {"https://m.example/about", `<html><body><div id="mastodon" class="app-holder"></div></body></html>`},
		"nitter search":     {"https://n.example/search?q=x", `<html><body><div class="timeline"></div></body></html>`},
		"JSON of something": {"https://m.example/api/v1/instance", `{"uri":"m.example","title":"x"}`},
		"threads profile":   {"https://www.threads.com/@a", `<html><body></body></html>`},
	} {
		th, err := Extract(c.url, []byte(c.content))
		if err == nil {
			t.Errorf("%s: accepted: %+v", name, th)
		} else if code := thread.ErrorCode(err); code != thread.ENOTFOUND && code != thread.EINVALID {
			t.Errorf("%s: code %q (%v)", name, code, err)
		}
	}
}

// TestOversizedPostIsCut: a post over the text limit keeps what fits, is
// marked truncated and makes its thread say so, in every source, instead of
// failing the extraction (and losing every other post with it).
func TestOversizedPostIsCut(t *testing.T) {
	fill := strings.Repeat("many words ", 15_000) + "END" // 165 KB
	check := func(t *testing.T, th *thread.Thread, err error, post int) {
		t.Helper()
		if err != nil {
			t.Fatalf("failed instead of cutting: %v", err)
		}
		p := th.Posts[post-1]
		if !p.Truncated || len(p.Text) > thread.MaxTextBytes || len(p.Text) < thread.MaxTextBytes*9/10 ||
			!strings.HasPrefix(p.Text, "many words many words") || strings.Contains(p.Text, "END") {
			t.Errorf("truncated=%v, %d bytes of text", p.Truncated, len(p.Text))
		}
		// The gap gives the limit as the reason, in every source: X's
		// "Show more" wording is for posts X itself cut.
		gap := cutShortGap(post, "to the first")
		if th.Complete || !slices.ContainsFunc(th.Gaps, func(g string) bool { return strings.HasPrefix(g, gap) }) ||
			slices.ContainsFunc(th.Gaps, func(g string) bool { return strings.Contains(g, "Show more") }) {
			t.Errorf("complete=%v gaps=%q, want a gap %q… and none about X's Show more", th.Complete, th.Gaps, gap)
		}
	}
	for _, c := range minimalPages {
		t.Run(c.name, func(t *testing.T) {
			th, err := Extract(c.url, []byte(strings.Replace(c.page, "%s", fill, 1)))
			check(t, th, err, 1)
		})
	}
	t.Run("x-dom", func(t *testing.T) {
		page := xSource(t, "x-dom", "made-selfthread-25")
		at := bytes.Index(page, []byte(`data-testid="tweetText"`))
		at += bytes.IndexByte(page[at:], '>') + 1
		content := append(append(append([]byte{}, page[:at]...), fill...), page[at:]...)
		th, err := Extract("https://x.com/loom_weaver/status/"+mkID(100), content)
		check(t, th, err, 1)
		if len(th.Posts) != 25 {
			t.Errorf("%d posts, want all 25", len(th.Posts))
		}
	})
}

// TestExplainCuts_QuotedPost: a quoted post cut by the limit makes its
// thread incomplete and says which post quotes it.
func TestExplainCuts_QuotedPost(t *testing.T) {
	th := &thread.Thread{Complete: true, Posts: []thread.Post{{ID: "1"}, {ID: "2", Quote: &thread.Post{ID: "9", Truncated: true}}}}
	explainCuts(th)
	if th.Complete || len(th.Gaps) != 1 || !strings.HasPrefix(th.Gaps[0], "the post quoted in post 2 is cut short to the first") {
		t.Errorf("complete=%v gaps=%q", th.Complete, th.Gaps)
	}
}

// TestCapRunsCutsAtACharacter: the run that crosses the limit is cut on a
// character boundary, a link there is dropped whole.
func TestCapRunsCutsAtACharacter(t *testing.T) {
	long := strings.Repeat("é", maxKeptText) // two bytes each
	got, cut := capRuns([]thread.Run{{Type: thread.TextRun, Text: "a"}, {Type: thread.TextRun, Text: long}})
	if !cut || len(got) != 1 || !utf8.ValidString(got[0].Text) || len(got[0].Text) < maxKeptText-2 || len(got[0].Text) > maxKeptText {
		t.Errorf("cut=%v runs=%d len=%d", cut, len(got), len(got[0].Text))
	}
	link := thread.Run{Type: thread.LinkRun, Text: "x.example", URL: "https://x.example/" + strings.Repeat("a", maxKeptText)}
	got, cut = capRuns([]thread.Run{{Type: thread.TextRun, Text: "see "}, link})
	if !cut || len(got) != 1 || got[0].Text != "see" {
		t.Errorf("cut=%v runs=%+v", cut, got)
	}
	if got, cut := capRuns([]thread.Run{{Type: thread.TextRun, Text: "short"}}); cut || got[0].Text != "short" {
		t.Errorf("a short post was cut: %+v", got)
	}
}
