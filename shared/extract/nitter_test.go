package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

func TestNitterConversation(t *testing.T) {
	gc, _ := loadCase(t, filepath.Join("testdata", "nitter", "postlight-nitter-aktionunterholz"))
	th := mustExtract(t, gc.URL, gc.Content)
	// Not a self-thread: the main tweet alone, none of the three replies by
	// others (nor the "1 more reply" under theirs) belongs to it.
	wantChain(t, th, []string{"1258657263948005377"}, true)
	p := th.Posts[0]
	if th.Platform != thread.X || th.Source != "nitter" || th.URL != "https://x.com/AktionUnterholz/status/1258657263948005377" {
		t.Errorf("platform %q source %q url %q", th.Platform, th.Source, th.URL)
	}
	if p.Quote == nil || p.Quote.Author == nil || p.Quote.Author.Handle != "HambiBleibt" || p.Quote.URL != "https://x.com/HambiBleibt/status/1258562383129214976" {
		t.Errorf("quote = %+v", p.Quote)
	}
	if !strings.HasPrefix(th.Author.Avatar, "https://pbs.twimg.com/") {
		t.Errorf("avatar %q still goes through the instance's proxy", th.Author.Avatar)
	}
	for _, r := range p.Content {
		if r.URL != "" && strings.Contains(r.URL, "nitter.") {
			t.Errorf("run %+v points at the instance, not x.com", r)
		}
	}
}

// A made Nitter page with the author's own continuation (.after-tweet) and
// an ancestor, in the markup of the fixture's timeline items.
const nitterMadeSelfThread = `<div class="conversation"><div class="main-thread">
<div class="before-tweet thread-line"><div class="timeline-item">
 <a class="tweet-link" href="/a/status/1#m"></a><div class="tweet-body"><div class="tweet-header">
 <a class="fullname" href="/a">A</a><a class="username" href="/a">@a</a>
 <span class="tweet-date"><a href="/a/status/1#m" title="May 8, 2020 · 7:00 AM UTC">May 8</a></span></div>
 <div class="tweet-content media-body">one <a href="/search?q=%23tag">#tag</a></div></div></div></div>
<div class="main-tweet"><div class="timeline-item"><div class="tweet-body"><div class="tweet-header">
 <a class="fullname" href="/a">A</a><a class="username" href="/a">@a</a>
 <span class="tweet-date"><a href="/a/status/2#m" title="May 8, 2020 · 7:01 AM UTC">May 8</a></span></div>
 <div class="tweet-content media-body">two</div>
 <div class="attachments"><a class="still-image" href="/pic/orig/media%2FAbCd.jpg"><img src="/pic/media%2FAbCd.jpg%3Fname%3Dsmall" alt=""></a></div></div></div></div>
<div class="after-tweet thread-line"><div class="timeline-item">
 <a class="tweet-link" href="/a/status/3#m"></a><div class="tweet-body"><div class="tweet-header">
 <a class="fullname" href="/a">A</a><a class="username" href="/a">@a</a>
 <span class="tweet-date"><a href="/a/status/3#m" title="May 8, 2020 · 7:02 AM UTC">May 8</a></span></div>
 <div class="tweet-content media-body">three</div></div></div>
 <div class="timeline-item more-replies"><a class="more-replies-text" href="/a/status/3#m">more replies</a></div></div>
</div><div id="r" class="replies"><div class="reply thread thread-line"><div class="timeline-item">
 <a class="tweet-link" href="/b/status/9#m"></a><div class="tweet-body"><div class="tweet-header">
 <a class="fullname" href="/b">B</a><a class="username" href="/b">@b</a>
 <span class="tweet-date"><a href="/b/status/9#m" title="May 8, 2020 · 8:00 AM UTC">May 8</a></span></div>
 <div class="tweet-content media-body">other</div></div></div></div></div></div>`

func TestNitterMadeSelfThread(t *testing.T) {
	th := mustExtract(t, "https://nitter.example.org/a/status/2", []byte(nitterMadeSelfThread))
	wantChain(t, th, []string{"1", "2", "3"}, false)
	if m := th.Posts[1].Media; len(m) != 1 || m[0].URL != "https://pbs.twimg.com/media/AbCd?format=jpg&name=orig" {
		t.Errorf("media = %+v", m)
	}
	if c := th.Posts[0].Content; len(c) != 2 || c[1].Type != thread.HashtagRun || c[1].URL != "https://x.com/hashtag/tag" {
		t.Errorf("content = %+v", c)
	}
}

func TestNitterBadInput(t *testing.T) {
	wantError(t, "no main tweet", "https://nitter.example.org/a/status/1", []byte(`<div class="tweet-content">x</div><div class="main-tweetx"></div>`), thread.ENOTFOUND)
}

func FuzzExtractNitter(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "nitter", "postlight-nitter-aktionunterholz", "source.html")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(nitterMadeSelfThread))
	f.Fuzz(func(t *testing.T, b []byte) {
		th, err := Extract("https://nitter.example.org/a/status/2", b)
		if err == nil {
			scriptFree(t, th)
		}
	})
}
