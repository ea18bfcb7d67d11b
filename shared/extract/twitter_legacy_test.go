package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestTwitterLegacySelfThread(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "twitter-legacy", "postlight-kingbeyoncestan-conversation"))
	th := mustExtract(t, gc.URL, gc.Content)
	// Opened on the 2nd post: 1 ancestor above, 8 own replies below; the
	// replies by @LikeaStar1032 and @PurelyIdle are not part of it. The
	// page's "Show more" under the last post means the thread may go on.
	wantChain(t, th, []string{
		"745085351287455744", "745276948213968896", "745277679436447745", "745278392837115909", "745279035786174464",
		"745279838437572608", "745281102277906432", "745281313435881472", "745281845571379202", "745282480815509506",
	}, false)
	if th.Platform != thread.X || th.Source != "twitter-legacy" || th.FocalID != "745276948213968896" {
		t.Errorf("platform %q source %q focal %q", th.Platform, th.Source, th.FocalID)
	}
	if !strings.HasPrefix(th.URL, "https://x.com/KingBeyonceStan/status/") {
		t.Errorf("url %q does not point at x.com", th.URL)
	}
	for _, p := range th.Posts[2:] {
		if len(p.Media) != 1 || strings.Contains(p.Text, "pic.twitter.com") {
			t.Errorf("post %s: media %v, text %q (the pic.twitter.com link stands for the photo)", p.ID, p.Media, p.Text)
		}
	}
}

func TestTwitterLegacyBadInput(t *testing.T) {
	u := "https://twitter.com/a/status/1"
	wantError(t, "no permalink tweet", u, []byte(`<div data-tweet-id="1"><p class="tweet-text">x</p></div>`), thread.ENOTFOUND)
	wantError(t, "no author", u, []byte(`<div class="tweet permalink-tweet" data-tweet-id="1"><p class="tweet-text">x</p></div>`), thread.ENOTFOUND)
	th := mustExtract(t, u, []byte(`<div class="tweet permalink-tweet" data-tweet-id="1" data-screen-name="a">
		<p class="tweet-text">hi <a href="javascript:alert(1)" class="twitter-timeline-link" data-expanded-url="javascript:alert(2)">x</a><script>alert(3)</script><img class="Emoji" src="x" onerror="alert(4)" alt="😂"></p>
		<img class="avatar" src="javascript:alert(5)"></div>`))
	scriptFree(t, th)
	if th.Posts[0].Text != "hi x😂" {
		t.Errorf("text = %q", th.Posts[0].Text)
	}
}

func FuzzExtractTwitterLegacy(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "twitter-legacy", "postlight-kingbeyoncestan-conversation", "source.html")); err == nil {
		// The permalink part only: the whole page is 229 KB, too slow a seed.
		s := string(b)
		if i, j := strings.Index(s, `<div class="permalink-in-reply-tos"`), strings.Index(s, `<li class="ThreadedConversation-viewOther"`); i > 0 && j > i {
			f.Add([]byte(s[i:j]))
		}
	}
	f.Add([]byte(`<div class="tweet permalink-tweet" data-tweet-id="1" data-screen-name="a"><p class="tweet-text">x</p></div>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://twitter.com/a/status/1", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}
