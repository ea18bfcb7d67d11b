package extract

// Threads' rendered DOM, the fallback when the page's data blocks are gone
// (a page saved after Threads dropped them, or a capture of the visible DOM
// only). Class names are generated, so only structure is used: each post
// is a [data-pressable-container] block holding a profile link (/@user), a
// permalink (/@user/post/<code>) around a <time>, the caption in a
// span[dir=auto] outside any link, and pictures or videos. As in other DOM
// fallbacks, the chain is the author's blocks directly above and below the
// opened post; the DOM does not say which post a reply answers.

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

const (
	threadsSelPost     = "[data-pressable-container]"
	threadsSelProfile  = `a[href^="/@"]`
	threadsSelPermLink = `a[href*="/post/"]`
	threadsSelCaption  = `span[dir="auto"]`
	threadsSelPhoto    = "picture img, img[src*=\"cdninstagram\"], img[src*=\"fbcdn\"]"
	threadsSelVideo    = "video"
)

var (
	// threadsDOMMarker: the post blocks of the rendered page.
	threadsDOMMarker = []byte(`data-pressable-container`)
	// threadsProfilePathRe: a profile link, /@user.
	threadsProfilePathRe = regexp.MustCompile(`^/@([A-Za-z0-9._]+)/?$`)
	// threadsCountRe: action-bar counters ("12", "1.2K") are not captions.
	threadsCountRe = regexp.MustCompile(`^[0-9][0-9.,]*[KkMm]?$`)
)

type threadsDOM struct{}

func (threadsDOM) Name() string { return "threads-dom" }

func (threadsDOM) Accepts(p *Page) bool {
	return !p.JSON && threadsPage(p) && containsAll(p.Content, [][]byte{threadsDOMMarker})
}

func (threadsDOM) Extract(p *Page) (*thread.Thread, error) {
	m := threadsPostPathRe.FindStringSubmatch(p.URL.Path)
	if m == nil {
		return nil, thread.Errorf(thread.EINVALID, "threads: %s is not a post address (/@user/post/<code>)", p.URL.Path)
	}
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	// Outermost blocks only: a block inside another is a quoted post.
	blocks := doc.Find(threadsSelPost).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.ParentsFiltered(threadsSelPost).Length() == 0
	})
	var items []threadsDOMItem
	focal := -1
	blocks.Each(func(_ int, s *goquery.Selection) {
		it := threadsDOMPost(s, p.URL)
		if it.post.ID == "" || it.user == "" {
			return
		}
		if it.post.ID == m[2] && focal < 0 {
			focal = len(items)
		}
		items = append(items, it)
	})
	if focal < 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "threads: the page does not show post %s", m[2])
	}
	f := items[focal]
	t := &thread.Thread{Platform: thread.Threads, Author: f.author, URL: threadsPostURL(f.user, f.post.ID), FocalID: f.post.ID, Complete: true}
	t.Posts = authorRun(items, focal,
		func(a, b threadsDOMItem) bool { return a.user == b.user },
		func(it threadsDOMItem) thread.Post { return it.post })
	t.ID = t.Posts[0].ID
	return t, nil
}

type threadsDOMItem struct {
	user   string
	author thread.Author
	post   thread.Post
}

func threadsDOMPost(s *goquery.Selection, base *url.URL) threadsDOMItem {
	var it threadsDOMItem
	own := func(_ int, x *goquery.Selection) bool {
		// Parts of a quoted post (a nested block) are not this post's.
		return x.ParentsFiltered(threadsSelPost).First().IsSelection(s) || x.ParentsFiltered(threadsSelPost).Length() == 0
	}
	s.Find(threadsSelProfile).FilterFunction(own).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if m := threadsProfilePathRe.FindStringSubmatch(a.AttrOr("href", "")); m != nil {
			it.user = m[1]
			return false
		}
		return true
	})
	perm := s.Find(threadsSelPermLink).FilterFunction(own).FilterFunction(func(_ int, a *goquery.Selection) bool {
		return a.Find("time").Length() > 0
	}).First()
	if u, err := url.Parse(perm.AttrOr("href", "")); err == nil {
		if m := threadsPostPathRe.FindStringSubmatch(u.Path); m != nil {
			it.post.ID = m[2]
			if m[1] != "" {
				it.user = m[1]
			}
		}
	}
	it.author = safeAuthor(thread.Author{
		Handle: it.user,
		URL:    "https://www.threads.com/@" + url.PathEscape(it.user),
		Avatar: s.Find(threadsSelProfile+" img").FilterFunction(own).First().AttrOr("src", ""),
	})
	it.post.URL = threadsPostURL(it.user, it.post.ID)
	it.post.CreatedAt = rfcTime(perm.Find("time").AttrOr("datetime", ""))

	caption := s.Find(threadsSelCaption).FilterFunction(own).FilterFunction(func(_ int, x *goquery.Selection) bool {
		text := strings.TrimSpace(x.Text())
		return x.ParentsFiltered("a, [role=button]").Length() == 0 && text != "" && !threadsCountRe.MatchString(text) && text != it.user
	}).First()
	setText(&it.post, threadsDOMRunner(base).Runs(caption))

	s.Find(threadsSelPhoto).FilterFunction(own).Each(func(_ int, img *goquery.Selection) {
		if img.ParentsFiltered(threadsSelProfile).Length() > 0 {
			return // the avatar
		}
		it.post.Media = append(it.post.Media, thread.Media{Type: thread.Photo, URL: img.AttrOr("src", ""), Alt: img.AttrOr("alt", "")})
	})
	s.Find(threadsSelVideo).FilterFunction(own).Each(func(_ int, v *goquery.Selection) {
		src := v.AttrOr("src", v.Find("source").AttrOr("src", ""))
		if src == "" || strings.HasPrefix(src, "blob:") {
			src = it.post.URL
		}
		it.post.Media = append(it.post.Media, thread.Media{Type: thread.Video, URL: src, Poster: v.AttrOr("poster", "")})
	})
	it.post.Media = safeMedia(it.post.Media)
	if nested := s.Find(threadsSelPost).First(); nested.Length() > 0 {
		// A block inside the post is the post it quotes.
		if q := threadsDOMPost(nested, base); q.post.ID != "" && q.user != "" {
			a := q.author
			q.post.Author = &a
			q.post.Quote = nil
			it.post.Quote = &q.post
		}
	}
	return it
}

// threadsDOMRunner classifies caption links: /@user mentions, tag searches,
// and outside links behind the l.threads.com shim.
func threadsDOMRunner(base *url.URL) runWalker {
	return runWalker{
		Link: func(a *html.Node, text string) (thread.Run, bool) {
			href := absURL(base, attr(a, "href"))
			u, err := url.Parse(href)
			if err != nil || href == "" {
				return thread.Run{Type: thread.TextRun, Text: text}, true
			}
			if threadsHostRe.MatchString(strings.ToLower(u.Hostname())) {
				if m := threadsProfilePathRe.FindStringSubmatch(u.Path); m != nil && strings.HasPrefix(text, "@") {
					return thread.Run{Type: thread.MentionRun, Text: text, URL: "https://www.threads.com/@" + m[1]}, true
				}
				if u.Path == "/search" && u.Query().Get("serp_type") == "tags" {
					return thread.Run{Type: thread.HashtagRun, Text: text, URL: href}, true
				}
			}
			return thread.Run{Type: thread.LinkRun, Text: text, URL: threadsUnwrap(href)}, true
		},
		Image: altText,
		Skip:  func(n *html.Node) bool { return n.Data == "picture" },
	}
}
