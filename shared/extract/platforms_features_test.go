package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

// Features the Platforms table (docs/platforms.md) claims that no capture shows,
// each on a small made input in the source's own markup or JSON shape.

func TestBlueskyVideoEmbed(t *testing.T) {
	src := `{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"at://did:plc:a/app.bsky.feed.post/3kvid",
	"author":{"did":"did:plc:a","handle":"a.example"},"record":{"text":"clip","createdAt":"2024-01-01T00:00:00Z"},
	"embed":{"$type":"app.bsky.embed.video#view","cid":"bafy","playlist":"https://video.bsky.app/watch/did%3Aplc%3Aa/bafy/playlist.m3u8",
	"thumbnail":"https://video.bsky.app/watch/did%3Aplc%3Aa/bafy/thumbnail.jpg","alt":"a clip","aspectRatio":{"width":16,"height":9}}},"replies":[]}}`
	th := mustExtract(t, "https://bsky.app/profile/a.example/post/3kvid", []byte(src))
	m := th.Posts[0].Media
	if len(m) != 1 || m[0].Type != thread.Video || !strings.HasSuffix(m[0].URL, "playlist.m3u8") || !strings.HasSuffix(m[0].Poster, "thumbnail.jpg") || m[0].Alt != "a clip" {
		t.Errorf("media = %+v", m)
	}
}

func TestMastodonBoostReadsTheBoostedStatus(t *testing.T) {
	src := `{"id":"2","created_at":"2024-01-01T00:00:00Z","in_reply_to_id":null,"content":"","media_attachments":[],
	"account":{"id":"9","acct":"booster","url":"https://a.example/@booster"},
	"reblog":{"id":"1","created_at":"2023-12-31T00:00:00Z","in_reply_to_id":null,"content":"<p>original</p>","media_attachments":[],
	  "url":"https://b.example/@orig/1","account":{"id":"5","acct":"orig@b.example","url":"https://b.example/@orig"}}}`
	th := mustExtract(t, "https://a.example/@booster/2", []byte(src))
	if th.Author.Handle != "orig@b.example" || th.Posts[0].Text != "original" || th.URL != "https://b.example/@orig/1" {
		t.Errorf("author %q text %q url %q", th.Author.Handle, th.Posts[0].Text, th.URL)
	}
}

func TestNitterCardPollVideo(t *testing.T) {
	page := `<div class="main-thread"><div class="main-tweet"><div class="timeline-item"><div class="tweet-body">
	<div class="tweet-header"><a class="fullname" href="/a">A</a><a class="username" href="/a">@a</a>
	<span class="tweet-date"><a href="/a/status/5#m" title="Jan 2, 2024 · 3:04 PM UTC">Jan 2</a></span></div>
	<div class="tweet-content media-body">see <a href="https://example.com/x">example.com/x</a></div>
	<div class="attachments card"><div class="gallery-video"><div class="attachment video-container">
	  <img src="/pic/amplify_video_thumb%2F1%2Fimg%2Fposter.jpg" alt=""></div></div></div>
	<div class="card"><a class="card-container" href="https://example.com/x"><div class="card-image-container"><div class="card-image">
	  <img src="/pic/card_img%2F1%2Fcard.jpg" alt=""></div></div><div class="card-content-container"><div class="card-content">
	  <h2 class="card-title">Example</h2><p class="card-description">An example page</p></div></div></a></div>
	<div class="poll"><div class="poll-meter leader"><span class="poll-choice-bar" style="width: 60%"></span>
	  <span class="poll-choice-value">60%</span><span class="poll-choice-option">Yes</span></div>
	  <div class="poll-meter"><span class="poll-choice-value">40%</span><span class="poll-choice-option">No</span></div></div>
	</div></div></div></div>`
	th := mustExtract(t, "https://nitter.example.org/a/status/5", []byte(page))
	p := th.Posts[0]
	if p.Card == nil || p.Card.Title != "Example" || p.Card.Image != "https://pbs.twimg.com/card_img/1/card.jpg" {
		t.Errorf("card = %+v", p.Card)
	}
	if p.Poll == nil || len(p.Poll.Options) != 2 || p.Poll.Options[0].Label != "Yes" || p.Poll.Options[0].Votes != -1 {
		t.Errorf("poll = %+v", p.Poll)
	}
	if len(p.Media) != 1 || p.Media[0].Type != thread.Video || p.Media[0].URL != "https://x.com/a/status/5" || !strings.HasSuffix(p.Media[0].Poster, "poster.jpg") {
		t.Errorf("media = %+v", p.Media)
	}
	if !p.CreatedAt.Equal(nitterTime("Jan 2, 2024 · 3:04 PM UTC")) || p.CreatedAt.IsZero() {
		t.Errorf("time = %v", p.CreatedAt)
	}
}

func TestTwitterLegacyQuoteAndVideo(t *testing.T) {
	page := `<div class="permalink-inner permalink-tweet-container"><div class="tweet permalink-tweet" data-tweet-id="7" data-screen-name="a" data-name="A" data-user-id="1">
	<small class="time"><a href="/a/status/7"><span class="_timestamp" data-time="1466522845">Jun 21</span></a></small>
	<p class="TweetTextSize tweet-text" lang="en">look <a href="https://t.co/x" class="twitter-timeline-link" data-expanded-url="https://example.com/long/path" title="https://example.com/long/path"><span class="invisible">https://</span><span class="js-display-url">example.com/long/pa</span><span class="tco-ellipsis"><span class="invisible">&nbsp;</span>…</span></a> <a href="/hashtag/tag" class="twitter-hashtag"><s>#</s><b>tag</b></a> <a class="twitter-cashtag" href="/search?q=%24ABC"><s>$</s><b>ABC</b></a></p>
	<div class="AdaptiveMedia"><div class="AdaptiveMedia-videoContainer"><div class="PlayableMedia PlayableMedia--gif"><div class="PlayableMedia-player" style="padding-bottom: 56%; background-image:url('https://pbs.twimg.com/tweet_video_thumb/G.jpg')"></div></div></div></div>
	<div class="QuoteTweet"><div class="QuoteTweet-container"><div class="QuoteTweet-innerContainer" data-item-id="3" data-screen-name="b" data-user-id="2" href="/b/status/3">
	  <b class="QuoteTweet-fullname">B</b><div class="QuoteTweet-text tweet-text">quoted words</div>
	  <span class="_timestamp" data-time="1"></span></div></div></div>
	</div></div>`
	th := mustExtract(t, "https://twitter.com/a/status/7", []byte(page))
	p := th.Posts[0]
	if p.Text != "look https://example.com/long/path #tag $ABC" {
		t.Errorf("text = %q", p.Text)
	}
	if p.Quote == nil || p.Quote.ID != "3" || p.Quote.Author.Handle != "b" || p.Quote.Text != "quoted words" {
		t.Errorf("quote = %+v", p.Quote)
	}
	if len(p.Media) != 1 || p.Media[0].Type != thread.GIF || p.Media[0].Poster != "https://pbs.twimg.com/tweet_video_thumb/G.jpg" {
		t.Errorf("media = %+v", p.Media)
	}
	if p.CreatedAt.Unix() != 1466522845 {
		t.Errorf("time = %v (the quote's time must not be taken)", p.CreatedAt)
	}
}

// Current Nitter markup (its tweet templates): a GIF's mp4 through the
// /pic/ proxy, a video card linking from its text block, and an
// unavailable post inside the author's continuation.
func TestNitterGIFVideoCardAndUnavailable(t *testing.T) {
	page := `<div class="main-thread"><div class="main-tweet"><div class="timeline-item thread thread-line"><div class="tweet-body">
	<div class="tweet-header"><a class="username" href="/a">@a</a><span class="tweet-date"><a href="/a/status/5#m" title="Jan 2, 2024 · 3:04 PM UTC">Jan 2</a></span></div>
	<div class="tweet-content media-body">gif</div>
	<div class="card large"><div class="card-container"><div class="attachments card"><div class="gallery-video"><div class="attachment video-container">
	  <video poster="/pic/ext_tw_video_thumb%2F9%2Fpu%2Fimg%2Fv.jpg%3Fname%3Dsmall" data-url="/video/x/y.m3u8"></video></div></div></div>
	  <a class="card-content-container" href="https://example.com/watch"><div class="card-content"><h2 class="card-title">Watch</h2></div></a></div></div>
	<div class="attachments media-gif"><div class="gallery-gif"><div class="attachment">
	  <video class="gif" poster="/pic/tweet_video_thumb%2FG1.jpg%3Fname%3Dsmall" controls="" muted="" loop=""><source src="/pic/video.twimg.com%2Ftweet_video%2FG1.mp4" type="video/mp4"></video></div></div></div>
	</div></div></div>
	<div class="after-tweet thread-line">
	  <div class="timeline-item"><a class="tweet-link" href="/a/status/6#m"></a><div class="tweet-body"><div class="tweet-header"><a class="username" href="/a">@a</a>
	    <span class="tweet-date"><a href="/a/status/6#m" title="Jan 2, 2024 · 3:05 PM UTC">Jan 2</a></span></div><div class="tweet-content media-body">six</div></div></div>
	  <div class="unavailable timeline-item"><div class="unavailable-box">This tweet is unavailable</div></div>
	</div></div>`
	th := mustExtract(t, "https://nitter.example.org/a/status/5", []byte(page))
	wantChain(t, th, []string{"5", "6"}, false)
	p := th.Posts[0]
	if p.Card == nil || p.Card.URL != "https://example.com/watch" || p.Card.Title != "Watch" {
		t.Errorf("card = %+v", p.Card)
	}
	if len(p.Media) != 1 || p.Media[0].Type != thread.Video || !strings.HasPrefix(p.Media[0].Poster, "https://pbs.twimg.com/ext_tw_video_thumb/9/pu/img/v.jpg") {
		t.Errorf("video = %+v", p.Media)
	}
	// The GIF block comes after the card's video: pick it from a page with the GIF alone.
	gif := strings.Replace(page, `<div class="card large">`, `<div class="x">`, 1)
	gif = gif[:strings.Index(gif, `<div class="x">`)] + gif[strings.Index(gif, `<div class="attachments media-gif">`):]
	g := mustExtract(t, "https://nitter.example.org/a/status/5", []byte(gif)).Posts[0].Media
	if len(g) != 1 || g[0].Type != thread.GIF || g[0].URL != "https://video.twimg.com/tweet_video/G1.mp4" || g[0].Poster != "https://pbs.twimg.com/tweet_video_thumb/G1.jpg?name=small" {
		t.Errorf("gif = %+v", g)
	}
	if !strings.Contains(strings.Join(th.Gaps, " "), "unavailable") {
		t.Errorf("gaps = %q", th.Gaps)
	}
}

// The browser suite serves pages and API responses from 127.0.0.1: the
// sources are recognised by content, and the JSON sources still point at
// the platforms' own addresses.
func TestPlatformsServedFromLocalhost(t *testing.T) {
	for _, c := range []struct{ dir, url, wantURL string }{
		{"bluesky/made-page-dom-selfthread-6", "http://127.0.0.1:8080/profile/soubhikbarari.bsky.social/post/3madeaaaa0003", "https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003"},
		{"bluesky/made-selfthread-6-midthread", "http://127.0.0.1:8080/profile/soubhikbarari.bsky.social/post/3madeaaaa0003", "https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003"},
		{"mastodon/made-selfthread-5-midthread", "http://127.0.0.1:8080/@halcy/110447010000000001", "https://mastodon.social/@halcy/110447010000000001"},
		{"mastodon/defuddle-mastodon-alice-thread", "http://127.0.0.1:8080/@alice/12345678", "http://127.0.0.1:8080/@alice/12345678"},
	} {
		gc, _ := loadCase(t, filepath.Join("testdata", c.dir))
		th := mustExtract(t, c.url, gc.Content)
		if th.URL != c.wantURL || len(th.Posts) < 2 {
			t.Errorf("%s: url %q, %d posts", c.dir, th.URL, len(th.Posts))
		}
	}
}
