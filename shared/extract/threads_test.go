package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

var threadsMadeIDs = []string{"DMadeAAA001", "DMadeAAA002", "DMadeAAA003", "DMadeAAA004", "DMadeAAA005"}

func TestThreadsSelfThread(t *testing.T) {
	for _, c := range []struct{ dir, source string }{
		// Opened on post 3: posts 1–2 from the containing thread, 4–5 from
		// the author's earliest own reply thread; the reply by another
		// account, the author's answer to it and a later own branch are out.
		{"made-selfthread-5-json", "threads-json"},
		// The same page without its data blocks: the rendered posts.
		{"made-selfthread-5-dom-only", "threads-dom"},
	} {
		t.Run(c.dir, func(t *testing.T) {
			gc, _ := loadCase(t, filepath.Join("testdata", "threads", c.dir))
			th := mustExtract(t, gc.URL, gc.Content)
			wantChain(t, th, threadsMadeIDs, true)
			scriptFree(t, th)
			if th.Platform != thread.Threads || th.Source != c.source || th.FocalID != "DMadeAAA003" {
				t.Errorf("platform %q source %q focal %q", th.Platform, th.Source, th.FocalID)
			}
			if q := th.Posts[2].Quote; q == nil || q.Author == nil || q.Author.Handle != "someone.else" {
				t.Errorf("quote = %+v", q)
			}
			if m := th.Posts[1].Media; len(m) != 3 || m[0].Type != thread.Photo || m[2].Type != thread.Video {
				t.Errorf("carousel = %+v", m)
			}
		})
	}
}

// Both paths read the same words and links from the same page.
func TestThreadsJSONAndDOMAgree(t *testing.T) {
	a, _ := loadCase(t, filepath.Join("testdata", "threads", "made-selfthread-5-json"))
	b, _ := loadCase(t, filepath.Join("testdata", "threads", "made-selfthread-5-dom-only"))
	ja, da := mustExtract(t, a.URL, a.Content), mustExtract(t, b.URL, b.Content)
	for i := range ja.Posts {
		if ja.Posts[i].Text != da.Posts[i].Text {
			t.Errorf("post %d: json %q, dom %q", i+1, ja.Posts[i].Text, da.Posts[i].Text)
		}
	}
	if u := ja.Posts[0].Content[3].URL; u != "https://unspool.example/why?ref=threads" {
		t.Errorf("the l.threads.com shim was not undone: %q", u)
	}
}

func TestThreadsBadInput(t *testing.T) {
	u := "https://www.threads.com/@a/post/DAbc"
	wantError(t, "no post in the data", u, []byte(`<script type="application/json" data-sjs>{"x":{"thread_items":[{"post":{"code":"DOther","user":{"username":"b"}}}]}}</script>`), thread.ENOTFOUND)
	wantError(t, "broken data", u, []byte(`<script type="application/json" data-sjs>{"thread_items":[</script>`), thread.ENOTFOUND)
	wantError(t, "profile page", "https://www.threads.com/@a", []byte(`<script type="application/json">{"thread_items":[]}</script>`), thread.EINVALID)
	wantError(t, "dom without the post", u, []byte(`<div data-pressable-container="true"><a href="/@a">a</a></div>`), thread.ENOTFOUND)
}

// The page data is walked to the same depth bound as markup (maxDepth):
// posts nested just inside it are found, posts past it are not.
func TestThreadsDataDepthBound(t *testing.T) {
	u := "https://www.threads.com/@a/post/DAbc"
	page := func(depth int) []byte {
		items := `{"thread_items":[{"post":{"code":"DAbc","user":{"username":"a"},"taken_at":1735689600,"caption":{"text":"hi"}}}]}`
		return []byte(`<script type="application/json" data-sjs>` + strings.Repeat(`{"a":`, depth) + items + strings.Repeat(`}`, depth) + `</script>`)
	}
	wantChain(t, mustExtract(t, u, page(maxDepth-8)), []string{"DAbc"}, true)
	wantError(t, "posts past the depth bound", u, page(maxDepth+8), thread.ENOTFOUND)
}

func FuzzExtractThreads(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "threads", "made-selfthread-5-json", "source.html")); err == nil {
		// The data block alone: the whole page is a slow seed.
		s := string(b)
		if i := strings.LastIndex(s, `<script type="application/json"`); i > 0 {
			f.Add([]byte(s[i:]))
		}
	}
	f.Add([]byte(`<div data-pressable-container="true"><a href="/@a">a</a><a href="/@a/post/DAbc"><time datetime="2025-01-01T00:00:00Z"></time></a><span dir="auto">hi</span></div>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://www.threads.com/@made.unspool/post/DMadeAAA003", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}

func TestThreadsRunsFromFragments(t *testing.T) {
	frags := []threadsFragment{{FragmentType: "plaintext", Plaintext: "hi "}, {FragmentType: "mention", Plaintext: "@b"}}
	frags[1].MentionFragment = &struct {
		MentionedUser struct {
			Username string `json:"username"`
		} `json:"mentioned_user"`
	}{}
	frags[1].MentionFragment.MentionedUser.Username = "b"
	for caption, want := range map[string]string{"hi @b": "hi @b", "": "hi @b", "edited text": "edited text"} {
		runs := thread.NormalizeRuns(threadsRuns(caption, frags))
		if got := thread.PlainText(runs); got != want {
			t.Errorf("caption %q: text %q, want %q", caption, got, want)
		}
		if want == "hi @b" && (len(runs) != 2 || runs[1].Type != thread.MentionRun) {
			t.Errorf("caption %q: runs %+v", caption, runs)
		}
	}
}

// The browser suite serves pages from 127.0.0.1: a Threads page is known by
// its content there, and the thread still points at threads.com.
func TestThreadsServedElsewhere(t *testing.T) {
	for _, dir := range []string{"made-selfthread-5-json", "made-selfthread-5-dom-only"} {
		gc, _ := loadCase(t, filepath.Join("testdata", "threads", dir))
		th := mustExtract(t, "http://127.0.0.1:8080/@made.unspool/post/DMadeAAA003", gc.Content)
		wantChain(t, th, threadsMadeIDs, true)
		if th.URL != "https://www.threads.com/@made.unspool/post/DMadeAAA003" {
			t.Errorf("%s: url %q", dir, th.URL)
		}
	}
}
