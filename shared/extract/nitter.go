package extract

// Nitter conversation pages, on any instance (recognised by the page's
// markup, not by a list of hosts). .main-thread holds the opened tweet
// (.main-tweet), the chain above it (.before-tweet) and the author's own
// continuation below it (.after-tweet); .replies holds groups
// (.reply.thread) of replies by anyone. Media and avatars go through the
// instance's /pic/ proxy; the thread points at x.com and at the original
// pbs.twimg.com files.

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// Selectors of Nitter's templates (its own, hand-written class names).
const (
	nitterSelMain     = ".main-thread .main-tweet .timeline-item, .main-tweet .timeline-item"
	nitterSelBefore   = ".main-thread .before-tweet .timeline-item"
	nitterSelAfter    = ".main-thread .after-tweet .timeline-item"
	nitterSelGroups   = ".replies .reply"
	nitterSelItem     = ".timeline-item"
	nitterSelMore     = ".more-replies, .show-more"
	nitterSelDateLink = ".tweet-date a"
	nitterSelFullname = ".tweet-header .fullname"
	nitterSelUsername = ".tweet-header .username"
	nitterSelAvatar   = ".tweet-header img.avatar"
	nitterSelText     = ".tweet-content"
	nitterSelPhoto    = ".attachments .still-image"
	nitterSelVideo    = ".attachments video, .attachments .video-container"
	nitterSelQuote    = ".quote"
	// A link card; "attachments card" is the box around a video.
	nitterSelCard      = ".card:not(.attachments)"
	nitterSelPollMeter = ".poll .poll-meter"
)

var (
	// nitterMarkers: the opened tweet and the tweet text, both required.
	nitterMarkers = [][]byte{[]byte(`main-tweet`), []byte(`tweet-content`)}
	// nitterStatusRe takes handle and id from a status link.
	nitterStatusRe = regexp.MustCompile(`^/([A-Za-z0-9_]{1,20})/status/(\d+)`)
	// nitterProfileRe is a profile link (a mention).
	nitterProfileRe = regexp.MustCompile(`^/([A-Za-z0-9_]{1,20})/?$`)
	// nitterPicRe is the instance's media proxy: /pic/<escaped URL or path>.
	nitterPicRe = regexp.MustCompile(`^/pic/(?:orig/)?(.+)$`)
	// nitterUnavailable marks a tweet Nitter could not show (deleted, withheld).
	nitterUnavailable = ".unavailable, .unavailable-box"
)

// nitterTimeLayouts are the date formats Nitter has written in the
// tweet-date title over its versions (UTC).
var nitterTimeLayouts = []string{"Jan 2, 2006 · 3:04 PM MST", "Jan 2, 2006 · 3:04 PM", "2/1/2006, 15:04:05"}

type nitter struct{}

func (nitter) Name() string { return "nitter" }

func (nitter) Accepts(p *Page) bool {
	return !p.JSON && containsAll(p.Content, nitterMarkers)
}

func (nitter) Extract(p *Page) (*thread.Thread, error) {
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	main := doc.Find(nitterSelMain).First()
	if main.Length() == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "nitter: the page has no opened tweet (.main-tweet)")
	}
	f := nitterTweet(main, p.URL)
	if f.post.ID == "" || f.handle == "" {
		if m := nitterStatusRe.FindStringSubmatch(p.URL.Path); m != nil && f.post.ID == "" {
			f.handle, f.post.ID = m[1], m[2]
			f.post.URL = xStatusURL(m[1], m[2])
		}
	}
	if f.post.ID == "" || f.handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "nitter: the opened tweet has no id or author")
	}
	f.author.Handle = f.handle
	var gaps []string

	var above []nitterItem
	before := doc.Find(nitterSelBefore)
	for i := before.Length() - 1; i >= 0; i-- {
		it := before.Eq(i)
		if it.Is(nitterUnavailable) || it.Find(nitterUnavailable).Length() > 0 {
			gaps = append(gaps, "an earlier post is unavailable")
			break
		}
		t := nitterTweet(it, p.URL)
		if !strings.EqualFold(t.handle, f.handle) {
			break
		}
		above = append(above, t)
	}

	// Below: Nitter's own .after-tweet continuation, else the first reply
	// group that starts with the author's own reply.
	var below []nitterItem
	takeGroup := func(items, group *goquery.Selection) {
		all := true
		items.EachWithBreak(func(_ int, it *goquery.Selection) bool {
			if it.Is(".more-replies") || it.Is(".show-more") {
				return true
			}
			if it.Is(nitterUnavailable) || it.Find(nitterUnavailable).Length() > 0 {
				gaps = append(gaps, "a later post of the thread is unavailable")
				all = false
				return false
			}
			t := nitterTweet(it, p.URL)
			if t.post.ID == "" || !strings.EqualFold(t.handle, f.handle) {
				all = false
				return false
			}
			below = append(below, t)
			return true
		})
		if all && group.Find(nitterSelMore).Length() > 0 {
			gaps = append(gaps, "the page shows more replies below the last post of the thread")
		}
	}
	if after := doc.Find(nitterSelAfter); after.Length() > 0 {
		takeGroup(after, doc.Find(".main-thread .after-tweet"))
	}
	if len(below) == 0 {
		doc.Find(nitterSelGroups).EachWithBreak(func(_ int, g *goquery.Selection) bool {
			items := g.Find(nitterSelItem).Not(".more-replies")
			if items.Length() == 0 || !strings.EqualFold(nitterTweet(items.First(), p.URL).handle, f.handle) {
				return true
			}
			takeGroup(items, g)
			return false
		})
	}

	t := &thread.Thread{Platform: thread.X, Author: f.author, URL: xStatusURL(f.handle, f.post.ID), FocalID: f.post.ID, Complete: len(gaps) == 0, Gaps: gaps}
	t.Posts = chainPosts(nitterPosts(above), f.post, nitterPosts(below))
	t.ID = t.Posts[0].ID
	return t, nil
}

func nitterPosts(items []nitterItem) []thread.Post {
	out := make([]thread.Post, 0, len(items))
	for _, it := range items {
		out = append(out, it.post)
	}
	return out
}

type nitterItem struct {
	handle string
	author thread.Author
	post   thread.Post
}

func nitterTweet(s *goquery.Selection, base *url.URL) nitterItem {
	var it nitterItem
	notQuote := func(_ int, x *goquery.Selection) bool { return x.ParentsFiltered(nitterSelQuote).Length() == 0 }
	it.handle = strings.TrimPrefix(strings.TrimSpace(s.Find(nitterSelUsername).FilterFunction(notQuote).First().Text()), "@")
	it.author = safeAuthor(thread.Author{
		Handle: it.handle,
		Name:   strings.TrimSpace(s.Find(nitterSelFullname).FilterFunction(notQuote).First().Text()),
		URL:    xProfileURL(it.handle),
		Avatar: xAvatar(nitterPic(s.Find(nitterSelAvatar).First().AttrOr("src", ""), base)),
	})
	date := s.Find(nitterSelDateLink).FilterFunction(notQuote).First()
	href := date.AttrOr("href", s.Find("a.tweet-link").First().AttrOr("href", ""))
	var p thread.Post
	if u, err := url.Parse(href); err == nil {
		if m := nitterStatusRe.FindStringSubmatch(u.Path); m != nil {
			p.ID = m[2]
			if it.handle == "" {
				it.handle = m[1]
			}
		}
	}
	p.URL = xStatusURL(it.handle, p.ID)
	p.CreatedAt = nitterTime(date.AttrOr("title", ""))
	setText(&p, nitterRunner(base).Runs(s.Find(nitterSelText).FilterFunction(notQuote).First()))

	s.Find(nitterSelPhoto).FilterFunction(notQuote).Each(func(_ int, a *goquery.Selection) {
		p.Media = append(p.Media, thread.Media{Type: thread.Photo, URL: xPhoto(nitterPic(a.AttrOr("href", ""), base)), Alt: a.Find("img").AttrOr("alt", "")})
	})
	s.Find(nitterSelVideo).FilterFunction(notQuote).First().Each(func(_ int, v *goquery.Selection) {
		if !v.Is("video") && v.Find("video").Length() > 0 {
			v = v.Find("video").First()
		}
		m := thread.Media{Type: thread.Video, URL: p.URL}
		poster := v.AttrOr("poster", v.Find("img").AttrOr("src", ""))
		if v.ParentsFiltered(".gallery-gif").Length() > 0 || v.HasClass("gif") {
			// A GIF is an mp4 Nitter serves through its proxy; the file
			// itself is on video.twimg.com.
			m.Type = thread.GIF
			if src := nitterPic(v.Find("source").AttrOr("src", v.AttrOr("src", "")), base); strings.Contains(src, "video.twimg.com/") {
				m.URL = src
			}
		}
		m.Poster = nitterPic(poster, base)
		p.Media = append(p.Media, m)
	})
	p.Media = safeMedia(p.Media)

	if q := s.Find(nitterSelQuote).First(); q.Length() > 0 {
		var qp thread.Post
		if u, err := url.Parse(q.Find("a.quote-link").AttrOr("href", "")); err == nil {
			if m := nitterStatusRe.FindStringSubmatch(u.Path); m != nil {
				qh := m[1]
				a := safeAuthor(thread.Author{Handle: qh, Name: strings.TrimSpace(q.Find(".fullname").First().Text()), URL: xProfileURL(qh)})
				qp = thread.Post{ID: m[2], URL: xStatusURL(qh, m[2]), Author: &a}
				setText(&qp, nitterRunner(base).Runs(q.Find(".quote-text").First()))
				p.Quote = &qp
			}
		}
	}
	if c := s.Find(nitterSelCard).FilterFunction(notQuote).First(); c.Length() > 0 {
		p.Card = safeCard(&thread.Card{
			// A video card links from its text block, other cards from the whole box.
			URL:         absURL(base, c.Find("a.card-container, a.card-content-container").First().AttrOr("href", "")),
			Title:       strings.TrimSpace(c.Find(".card-title").First().Text()),
			Description: strings.TrimSpace(c.Find(".card-description").First().Text()),
			Image:       nitterPic(c.Find(".card-image img").AttrOr("src", ""), base),
		})
	}
	if meters := s.Find(nitterSelPollMeter).FilterFunction(notQuote); meters.Length() > 0 {
		poll := &thread.Poll{}
		meters.Each(func(_ int, m *goquery.Selection) {
			// Nitter shows percentages only.
			poll.Options = append(poll.Options, thread.PollOption{Label: strings.TrimSpace(m.Find(".poll-choice-option").Text()), Votes: -1})
		})
		p.Poll = poll
	}
	it.post = p
	return it
}

// nitterTime reads the tweet-date title in the formats Nitter has used.
func nitterTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range nitterTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// nitterPic undoes the instance's media proxy: /pic/<escaped URL> is the
// URL; newer Nitter drops the scheme (/pic/video.twimg.com%2F…) and, for
// pbs.twimg.com, the host too (/pic/media%2F<key>).
func nitterPic(src string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil || src == "" {
		return ""
	}
	if m := nitterPicRe.FindStringSubmatch(u.EscapedPath()); m != nil {
		inner, err := url.PathUnescape(m[1])
		if err == nil {
			inner = strings.TrimPrefix(inner, "/")
			if first, _, _ := strings.Cut(inner, "/"); !strings.Contains(inner, "://") {
				if strings.Contains(first, ".") {
					inner = "https://" + inner // host kept, scheme dropped: video.twimg.com/…
				} else {
					inner = "https://pbs.twimg.com/" + inner // path on pbs.twimg.com: media/…
				}
			}
			if u.RawQuery != "" && !strings.Contains(inner, "?") {
				inner += "?" + u.RawQuery
			}
			return thread.SafeURL(inner)
		}
	}
	return absURL(base, src)
}

// nitterRunner classifies the links Nitter writes into tweet text: hashtags
// and cashtags as instance searches, mentions as profile links, other links
// as they are.
func nitterRunner(base *url.URL) runWalker {
	return runWalker{
		Space: spaceLines,
		Link: func(a *html.Node, text string) (thread.Run, bool) {
			href := attr(a, "href")
			u, err := url.Parse(href)
			if err != nil {
				return thread.Run{Type: thread.TextRun, Text: text}, true
			}
			if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
				return thread.Run{Type: thread.TextRun, Text: text}, true // javascript:, data:…
			}
			sameSite := u.Host == "" || strings.EqualFold(u.Host, base.Host)
			switch {
			case sameSite && u.Path == "/search" && strings.HasPrefix(text, "#"):
				return xHashtagRun(strings.TrimPrefix(text, "#")), true
			case sameSite && u.Path == "/search" && strings.HasPrefix(text, "$"):
				return xCashtagRun(strings.TrimPrefix(text, "$")), true
			case sameSite && strings.HasPrefix(text, "@") && nitterProfileRe.MatchString(u.Path):
				h := nitterProfileRe.FindStringSubmatch(u.Path)[1]
				return xMentionRun(h), true
			case sameSite:
				// A link to a tweet or page on the instance: the same on x.com.
				return thread.Run{Type: thread.LinkRun, Text: text, URL: absURL(&url.URL{Scheme: "https", Host: "x.com"}, u.RequestURI())}, true
			}
			return thread.Run{Type: thread.LinkRun, Text: text, URL: absURL(base, href)}, true
		},
		Image: altText,
	}
}
