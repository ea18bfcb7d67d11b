package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestThreadReaderAppImport(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "threadreaderapp", "made-tra-page-5"))
	th := mustExtract(t, gc.URL, gc.Content)
	wantChain(t, th, []string{"1500000000000000001", "1500000000000000002", "1500000000000000003", "1500000000000000004", "1500000000000000005"}, true)
	scriptFree(t, th)
	if th.Platform != thread.X || th.Source != "threadreaderapp" || th.URL != "https://x.com/unspool_dev/status/1500000000000000001" {
		t.Errorf("platform %q source %q url %q", th.Platform, th.Source, th.URL)
	}
	if p := th.Posts[3]; strings.Contains(p.Text, "alert(3)") || !strings.Contains(p.Text, "<script>alert(1)</script>") {
		t.Errorf("post 4 text %q: a script element must go, escaped text must stay text", p.Text)
	}
	if m := th.Posts[2].Media; len(m) != 1 || !strings.Contains(m[0].URL, "MadeImgKey01") {
		t.Errorf("lazy image = %+v", m)
	}
}

// The real capture is a fragment: nine posts, no author anywhere. It must
// be refused clearly, not attributed to the blog's front-matter author.
func TestThreadReaderAppFragmentRefused(t *testing.T) {
	b := sourceFixture(t, "threadreaderapp/jekyll-post-tra-snnl-thread.html")
	wantError(t, "fragment", "https://example.github.io/2019/02/06/snnl-thread.html", b, thread.ENOTFOUND)
	// Named by the caller (importing with the original thread's address),
	// the same fragment reads as nine posts.
	th := mustExtract(t, "https://x.com/nickfrosst/status/1093581702453231623", b)
	if len(th.Posts) != 9 || th.Author.Handle != "nickfrosst" || th.Complete {
		t.Errorf("%d posts by %q, complete %v (post ids other than the first are unknown)", len(th.Posts), th.Author.Handle, th.Complete)
	}
	var media int
	for _, p := range th.Posts {
		media += len(p.Media)
	}
	if media != 7 {
		t.Errorf("%d media, want 6 images and 1 GIF", media)
	}
}

func FuzzExtractThreadReaderApp(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "threadreaderapp", "made-tra-page-5", "source.html")); err == nil {
		f.Add(b)
	}
	// The real fragment, where this machine has it (its licence forbids a copy).
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "fixtures", "threadreaderapp", "jekyll-post-tra-snnl-thread.html")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<meta name="twitter:creator" content="@a"><div class="t-main"><div class="content-tweet" id="tweet_1">x</div>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://threadreaderapp.com/thread/1.html", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}
