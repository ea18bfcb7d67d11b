package extract

// Saved twitter.com permalink pages from before the 2019 redesign
// (server-rendered; people keep archives of them). The opened tweet is
// .permalink-tweet; its ancestors (the reply chain up to the root) sit in
// .permalink-in-reply-tos, its replies below in groups: a
// li.ThreadedConversation is one chain of replies, the author's own chain
// shown first, a ThreadedConversation--loneTweet a single reply. Times are
// epoch seconds in data-time. The thread points at x.com.

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// Selectors of the legacy page (Twitter's own stable js- and semantic
// classes, the ones its own scripts used).
const (
	legacySelTweet     = "div.tweet[data-tweet-id]"
	legacySelFocal     = "div.tweet.permalink-tweet[data-tweet-id]"
	legacySelAncestors = ".permalink-in-reply-tos"
	legacySelReplies   = "#descendants, .permalink-replies, .replies-to"
	legacySelGroup     = "li.ThreadedConversation, .ThreadedConversation--loneTweet, li.stream-item"
	legacySelShowMore  = ".ThreadedConversation-showMore, .ThreadedConversation-moreReplies"
	legacySelText      = "p.tweet-text"
	legacySelTime      = "._timestamp[data-time]"
	legacySelAvatar    = "img.avatar"
	legacySelPhoto     = ".AdaptiveMedia-photoContainer[data-image-url]"
	legacySelVideo     = ".AdaptiveMedia-videoContainer, .AdaptiveMedia-video, .PlayableMedia"
	legacySelQuote     = ".QuoteTweet-innerContainer[data-item-id]"
	legacySelPromoted  = ".promoted-tweet, [data-promoted=\"true\"]"
)

var (
	// legacyMarkers: the tweet container and its text paragraph, both required.
	legacyMarkers = [][]byte{[]byte(`data-tweet-id=`), []byte(`tweet-text`)}
	// legacyStatusPathRe takes the status id from a permalink path.
	legacyStatusPathRe = regexp.MustCompile(`/status(?:es)?/(\d+)`)
	// legacyBgURLRe takes a poster from an inline background-image style.
	legacyBgURLRe = regexp.MustCompile(`url\(['"]?([^'")]+)['"]?\)`)
)

type twitterLegacy struct{}

func (twitterLegacy) Name() string { return "twitter-legacy" }

func (twitterLegacy) Accepts(p *Page) bool {
	return !p.JSON && containsAll(p.Content, legacyMarkers)
}

func (twitterLegacy) Extract(p *Page) (*thread.Thread, error) {
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	// The page is built around its permalink tweet (ancestors and replies
	// are its own); the URL's id serves only where that marker is missing.
	focal := doc.Find(legacySelFocal).First()
	if m := legacyStatusPathRe.FindStringSubmatch(p.URL.Path); m != nil && focal.Length() == 0 {
		focal = doc.Find(`div.tweet[data-tweet-id="` + m[1] + `"]`).First()
	}
	if focal.Length() == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "twitter-legacy: the page has no opened tweet (.permalink-tweet)")
	}
	f := legacyTweet(focal)
	if f.post.ID == "" || f.handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "twitter-legacy: the opened tweet has no id or author")
	}
	var gaps []string

	// Ancestors: the author's own tweets directly above, nearest first.
	var above []legacyItem
	anc := doc.Find(legacySelAncestors).Find(legacySelTweet).Not(legacySelPromoted)
	for i := anc.Length() - 1; i >= 0; i-- {
		a := legacyTweet(anc.Eq(i))
		if !f.sameAuthor(a) {
			break
		}
		above = append(above, a)
	}

	// Replies: the first group that starts with the author's own reply is
	// the continuation; inside it, the author's tweets until someone else.
	var below []legacyItem
	doc.Find(legacySelReplies).First().Find(legacySelGroup).EachWithBreak(func(_ int, g *goquery.Selection) bool {
		if g.ParentsFiltered(legacySelGroup).Length() > 0 {
			return true // a stream item inside a ThreadedConversation: seen with its group
		}
		tweets := g.Find(legacySelTweet).Not(legacySelPromoted)
		if tweets.Length() == 0 || !f.sameAuthor(legacyTweet(tweets.First())) {
			return true
		}
		all := true
		tweets.EachWithBreak(func(_ int, s *goquery.Selection) bool {
			t := legacyTweet(s)
			if !f.sameAuthor(t) {
				all = false
				return false
			}
			below = append(below, t)
			return true
		})
		if all && g.Find(legacySelShowMore).Length() > 0 {
			gaps = append(gaps, "the page shows \"Show more\" below the last post of the thread")
		}
		return false
	})

	t := &thread.Thread{
		Platform: thread.X,
		Author:   f.author,
		URL:      xStatusURL(f.handle, f.post.ID),
		FocalID:  f.post.ID,
		Complete: len(gaps) == 0,
		Gaps:     gaps,
	}
	t.Posts = chainPosts(legacyPosts(above), f.post, legacyPosts(below))
	t.ID = t.Posts[0].ID
	return t, nil
}

func legacyPosts(items []legacyItem) []thread.Post {
	out := make([]thread.Post, 0, len(items))
	for _, it := range items {
		out = append(out, it.post)
	}
	return out
}

type legacyItem struct {
	handle, userID string
	author         thread.Author
	post           thread.Post
}

// sameAuthor compares the stable user id when both have one, else the
// screen name (case-insensitive, as X handles are).
func (a legacyItem) sameAuthor(b legacyItem) bool {
	if a.userID != "" && b.userID != "" {
		return a.userID == b.userID
	}
	return a.handle != "" && strings.EqualFold(a.handle, b.handle)
}

func legacyTweet(s *goquery.Selection) legacyItem {
	var it legacyItem
	it.handle = strings.TrimSpace(s.AttrOr("data-screen-name", ""))
	it.userID = s.AttrOr("data-user-id", "")
	it.author = safeAuthor(thread.Author{
		Handle: it.handle,
		Name:   s.AttrOr("data-name", ""),
		URL:    xProfileURL(it.handle),
		Avatar: xAvatar(s.Find(legacySelAvatar).First().AttrOr("src", "")),
		ID:     it.userID,
	})
	id := s.AttrOr("data-tweet-id", "")
	p := thread.Post{ID: id, URL: xStatusURL(it.handle, id)}
	own := s.Find(legacySelTime).FilterFunction(func(_ int, x *goquery.Selection) bool {
		return x.ParentsFiltered(".QuoteTweet").Length() == 0
	})
	p.CreatedAt = unixTime(own.First().AttrOr("data-time", ""))
	text := s.Find(legacySelText).FilterFunction(func(_ int, x *goquery.Selection) bool {
		return x.ParentsFiltered(".QuoteTweet").Length() == 0
	}).First()
	p.Lang = text.AttrOr("lang", "")
	setText(&p, legacyRunner.Runs(text))

	s.Find(legacySelPhoto).Each(func(_ int, ph *goquery.Selection) {
		if ph.ParentsFiltered(".QuoteTweet").Length() > 0 {
			return
		}
		p.Media = append(p.Media, thread.Media{Type: thread.Photo, URL: xPhoto(ph.AttrOr("data-image-url", "")), Alt: ph.Find("img").AttrOr("alt", "")})
	})
	if v := s.Find(legacySelVideo).First(); v.Length() > 0 && v.ParentsFiltered(".QuoteTweet").Length() == 0 {
		typ := thread.Video
		if v.Find(".PlayableMedia--gif").Length() > 0 || v.HasClass("PlayableMedia--gif") {
			typ = thread.GIF
		}
		poster := ""
		if m := legacyBgURLRe.FindStringSubmatch(v.Find("[style*=background-image]").AttrOr("style", "")); m != nil {
			poster = m[1]
		}
		p.Media = append(p.Media, thread.Media{Type: typ, URL: p.URL, Poster: poster})
	}
	p.Media = safeMedia(p.Media)

	if q := s.Find(legacySelQuote).First(); q.Length() > 0 {
		qh := q.AttrOr("data-screen-name", "")
		qid := q.AttrOr("data-item-id", "")
		if qh != "" && qid != "" {
			a := safeAuthor(thread.Author{Handle: qh, Name: strings.TrimSpace(q.Find(".QuoteTweet-fullname").First().Text()), URL: xProfileURL(qh), ID: q.AttrOr("data-user-id", "")})
			qp := &thread.Post{ID: qid, URL: xStatusURL(qh, qid), Author: &a}
			setText(qp, legacyRunner.Runs(q.Find(".QuoteTweet-text").First()))
			p.Quote = qp
		}
	}
	it.post = p
	return it
}

// legacyRunner reads p.tweet-text: Twitter marked every entity with a class
// and put the expanded URL in data-expanded-url; the pic.twitter.com link
// (u-hidden) stands for attached media and is dropped.
var legacyRunner = runWalker{
	Space: spaceLines,
	Link: func(a *html.Node, text string) (thread.Run, bool) {
		switch {
		case hasClass(a, "u-hidden"):
			return thread.Run{}, false
		case hasClass(a, "twitter-atreply"):
			return xMentionRun(strings.TrimPrefix(text, "@")), true
		case hasClass(a, "twitter-hashtag"):
			return xHashtagRun(strings.TrimLeft(text, "#＃")), true
		case hasClass(a, "twitter-cashtag"):
			return xCashtagRun(strings.TrimPrefix(text, "$")), true
		}
		full := attr(a, "data-expanded-url")
		if full == "" {
			full = attr(a, "title")
		}
		if thread.SafeURL(full) == "" {
			full = absURL(&url.URL{Scheme: "https", Host: "x.com"}, attr(a, "href"))
		}
		return thread.Run{Type: thread.LinkRun, Text: text, URL: full}, true
	},
	Image: altText,
	Skip:  func(n *html.Node) bool { return hasClass(n, "QuoteTweet") },
}
