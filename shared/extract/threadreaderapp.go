package extract

// Thread Reader App unrolls (threadreaderapp.com/thread/<id>.html): an
// already-unrolled X thread to import. Every post is a div.content-tweet
// (id tweet_<n>, the tweet id in data-tweet) with entity-* classes on
// mentions, links, images and GIFs. The author comes from the page's
// metadata or its /user/<handle> link; a bare fragment of posts without
// either cannot be attributed and is refused rather than guessed.

import (
	"bytes"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// Selectors of Thread Reader App's markup (its own class names).
const (
	traSelTweet   = "div.content-tweet"
	traSelCreator = `meta[name="twitter:creator"]`
	traSelUser    = `a[href^="/user/"], a[href*="threadreaderapp.com/user/"]`
	traSelImage   = ".entity-image"
	traSelGIF     = ".entity-video-gif, .entity-video"
	traSelCanon   = `link[rel="canonical"]`
	traSelName    = ".thread-author-name, .author-name"
	traSelAvatar  = "img.thread-author-avatar, img.author-avatar"
)

var (
	// traMarker: the post container class; with one of traPageMarkers (the
	// unroll's layout rows, or the site's name) it is Thread Reader App's.
	traMarker      = []byte(`content-tweet`)
	traPageMarkers = [][]byte{[]byte(`t-tweet`), []byte(`t-main`), []byte(`threadreaderapp`)}
	// traThreadPathRe is an unroll's address: /thread/<first tweet id>(.html).
	traThreadPathRe = regexp.MustCompile(`/thread/(\d+)(?:\.html)?`)
	// traUserPathRe is the author's page on Thread Reader App.
	traUserPathRe = regexp.MustCompile(`/user/([A-Za-z0-9_]{1,20})/?$`)
	// traStatusRe is an x.com/twitter.com status address.
	traStatusRe = regexp.MustCompile(`^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,20})/status/(\d+)`)
	// traHandleRe checks a handle read from metadata.
	traHandleRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,20}$`)
)

type threadReaderApp struct{}

func (threadReaderApp) Name() string { return "threadreaderapp" }

func (threadReaderApp) Accepts(p *Page) bool {
	if p.JSON || !bytes.Contains(p.Content, traMarker) {
		return false
	}
	for _, m := range traPageMarkers {
		if bytes.Contains(p.Content, m) {
			return true
		}
	}
	return false
}

func (threadReaderApp) Extract(p *Page) (*thread.Thread, error) {
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	tweets := doc.Find(traSelTweet)
	if tweets.Length() == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "threadreaderapp: the page has no unrolled posts (div.content-tweet)")
	}
	handle, firstID := traAuthor(doc, p.URL)
	if handle == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "threadreaderapp: the page names no author (no twitter:creator, no /user/ link, no status link); it is a fragment of an unroll, not a Thread Reader App page")
	}
	author := safeAuthor(thread.Author{
		Handle: handle,
		Name:   strings.TrimSpace(doc.Find(traSelName).First().Text()),
		URL:    xProfileURL(handle),
		Avatar: doc.Find(traSelAvatar).First().AttrOr("src", ""),
	})

	type numbered struct {
		n    int
		post thread.Post
	}
	var posts []numbered
	var gaps []string
	tweets.Each(func(i int, s *goquery.Selection) {
		n := i + 1
		if v, err := strconv.Atoi(strings.TrimPrefix(s.AttrOr("id", ""), "tweet_")); err == nil && v > 0 {
			n = v
		}
		p := traPost(s, handle)
		if p.ID == "" && n == 1 {
			p.ID = firstID
		}
		if p.ID == "" {
			// No tweet id on the page: the post is still the author's, known
			// by its place in the unroll.
			p.ID = firstID + "-" + strconv.Itoa(n)
			if firstID == "" {
				p.ID = "tweet-" + strconv.Itoa(n)
			}
			if len(gaps) == 0 {
				gaps = append(gaps, "the unroll does not give every post's tweet id")
			}
		}
		if p.URL == "" {
			p.URL = xStatusURL(handle, firstID)
		}
		posts = append(posts, numbered{n, p})
	})
	sort.SliceStable(posts, func(i, j int) bool { return posts[i].n < posts[j].n })

	t := &thread.Thread{Platform: thread.X, Author: author, Complete: len(gaps) == 0, Gaps: gaps}
	seen := map[string]bool{}
	for _, np := range posts {
		if !seen[np.post.ID] {
			seen[np.post.ID] = true
			t.Posts = append(t.Posts, np.post)
		}
	}
	t.ID = t.Posts[0].ID
	if firstID == "" {
		firstID = t.ID
	}
	t.URL = xStatusURL(handle, firstID)
	t.FocalID = t.ID
	return t, nil
}

// traAuthor finds the author's handle and the first tweet's id from the
// page's metadata, its author link, its canonical address or the page URL
// (an x.com status URL when the caller names the original thread).
func traAuthor(doc *goquery.Document, page *url.URL) (handle, firstID string) {
	if m := traThreadPathRe.FindStringSubmatch(page.Path); m != nil {
		firstID = m[1]
	}
	if m := traThreadPathRe.FindStringSubmatch(doc.Find(traSelCanon).AttrOr("href", "")); m != nil && firstID == "" {
		firstID = m[1]
	}
	if m := traStatusRe.FindStringSubmatch(page.String()); m != nil {
		handle = m[1]
		if firstID == "" {
			firstID = m[2]
		}
	}
	if c := strings.TrimPrefix(strings.TrimSpace(doc.Find(traSelCreator).AttrOr("content", "")), "@"); handle == "" && traHandleRe.MatchString(c) {
		handle = c
	}
	if handle == "" {
		doc.Find(traSelUser).EachWithBreak(func(_ int, a *goquery.Selection) bool {
			if u, err := url.Parse(a.AttrOr("href", "")); err == nil {
				if m := traUserPathRe.FindStringSubmatch(u.Path); m != nil {
					handle = m[1]
					return false
				}
			}
			return true
		})
	}
	return handle, firstID
}

func traPost(s *goquery.Selection, handle string) thread.Post {
	var p thread.Post
	if id := s.AttrOr("data-tweet", ""); id != "" && strings.Trim(id, "0123456789") == "" {
		p.ID = id
		p.URL = xStatusURL(handle, id)
	}
	p.CreatedAt = unixTime(s.AttrOr("data-time", ""))
	setText(&p, traRunner.Runs(s))
	s.Find(traSelImage).Each(func(_ int, e *goquery.Selection) {
		img := e.Find("img").First()
		src := img.AttrOr("data-src", "")
		if src == "" {
			src = e.Find("a").AttrOr("href", img.AttrOr("src", ""))
		}
		p.Media = append(p.Media, thread.Media{Type: thread.Photo, URL: xPhoto(src), Alt: img.AttrOr("alt", "")})
	})
	s.Find(traSelGIF).Each(func(_ int, e *goquery.Selection) {
		v := e.Find("video").First()
		typ := thread.GIF
		if e.HasClass("entity-video") {
			typ = thread.Video
		}
		src := v.AttrOr("src", v.Find("source").AttrOr("src", ""))
		p.Media = append(p.Media, thread.Media{Type: typ, URL: src, Poster: v.AttrOr("poster", "")})
	})
	p.Media = safeMedia(p.Media)
	return p
}

// traRunner reads a post: entity-mention and entity-url links, hashtags by
// their text, media blocks skipped (they become Media).
var traRunner = runWalker{
	Link: func(a *html.Node, text string) (thread.Run, bool) {
		href := attr(a, "href")
		switch {
		case hasClass(a, "entity-mention") || (strings.HasPrefix(text, "@") && traStatusRe.FindString(href) == ""):
			h := strings.TrimPrefix(text, "@")
			if !traHandleRe.MatchString(h) {
				return thread.Run{Type: thread.TextRun, Text: text}, true
			}
			return xMentionRun(h), true
		case hasClass(a, "entity-hashtag") || strings.HasPrefix(text, "#"):
			return xHashtagRun(strings.TrimLeft(text, "#")), true
		}
		return thread.Run{Type: thread.LinkRun, Text: text, URL: href}, true
	},
	Skip: func(n *html.Node) bool {
		return hasClass(n, "entity-image") || hasClass(n, "entity-video-gif") || hasClass(n, "entity-video") || hasClass(n, "vsc-controller")
	},
}
