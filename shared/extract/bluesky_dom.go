package extract

// bsky.app's rendered post page (React Native for Web), the fallback when
// the getPostThread response is not at hand. Class names are generated
// (css-175oi2r…); only test ids and links are used: every post of the
// thread view is [data-testid="postThreadItem-by-<handle>"], its text
// [data-testid="postText"], its own permalink /profile/<handle>/post/<rkey>
// (the opened post has none: its rkey is the page's). The chain is the
// author's items directly above and below the opened one.

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

const (
	bskySelItem      = `[data-testid^="postThreadItem-by-"]`
	bskySelText      = `[data-testid="postText"]`
	bskySelEmbed     = `[data-testid="contentHider-embed"]`
	bskySelPostLink  = `a[href*="/post/"]`
	bskySelAvatar    = `img[src*="/img/avatar/"]`
	bskySelThumbnail = `img[src*="/img/feed_thumbnail/"], img[src*="/img/feed_fullsize/"]`
	bskyItemPrefix   = "postThreadItem-by-"
)

var (
	// bskyDOMMarker: the thread view's post items.
	bskyDOMMarker = []byte(`postThreadItem-by-`)
	// bskyProfileHrefRe: an account link, /profile/<handle or DID>.
	bskyProfileHrefRe = regexp.MustCompile(`^/profile/([^/]+)/?$`)
	// bskyTagHrefRe: a hashtag link, /hashtag/<tag>.
	bskyTagHrefRe = regexp.MustCompile(`^/hashtag/([^/?#]+)`)
)

type blueskyDOM struct{}

func (blueskyDOM) Name() string { return "bluesky-dom" }

func (blueskyDOM) Accepts(p *Page) bool {
	return !p.JSON && containsAll(p.Content, [][]byte{bskyDOMMarker})
}

func (blueskyDOM) Extract(p *Page) (*thread.Thread, error) {
	m := bskyPostPathRe.FindStringSubmatch(p.URL.Path)
	if m == nil {
		return nil, thread.Errorf(thread.EINVALID, "bluesky: %s is not a post address (/profile/<handle>/post/<rkey>)", p.URL.Path)
	}
	pageHandle, pageKey := strings.ToLower(m[1]), m[2]
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	var items []bskyDOMItem
	focal := -1
	doc.Find(bskySelItem).Each(func(_ int, s *goquery.Selection) {
		if s.ParentsFiltered(bskySelItem).Length() > 0 {
			return
		}
		it := bskyDOMPost(s, p.URL)
		if it.post.ID == "" && focal < 0 && it.handle == pageHandle {
			// The opened post is the one without a permalink of its own.
			it.post.ID = pageKey
			it.post.URL = "https://bsky.app/profile/" + url.PathEscape(it.handle) + "/post/" + pageKey
		}
		if it.post.ID == pageKey && it.handle == pageHandle && focal < 0 {
			focal = len(items)
		}
		if it.post.ID != "" {
			items = append(items, it)
		}
	})
	if focal < 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the page does not show post %s by %s", pageKey, pageHandle)
	}
	f := items[focal]
	t := &thread.Thread{Platform: thread.Bluesky, Author: f.author, URL: f.post.URL, FocalID: f.post.ID, Complete: true}
	t.Posts = authorRun(items, focal,
		func(a, b bskyDOMItem) bool { return a.handle == b.handle },
		func(it bskyDOMItem) thread.Post { return it.post })
	t.ID = t.Posts[0].ID
	return t, nil
}

type bskyDOMItem struct {
	handle string
	author thread.Author
	post   thread.Post
}

func bskyDOMPost(s *goquery.Selection, base *url.URL) bskyDOMItem {
	var it bskyDOMItem
	it.handle = strings.ToLower(strings.TrimPrefix(s.AttrOr("data-testid", ""), bskyItemPrefix))
	outside := func(_ int, x *goquery.Selection) bool { return x.ParentsFiltered(bskySelEmbed).Length() == 0 }
	name := ""
	s.Find("a[href]").FilterFunction(outside).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if m := bskyProfileHrefRe.FindStringSubmatch(a.AttrOr("href", "")); m != nil && strings.EqualFold(m[1], it.handle) {
			if text := strings.TrimSpace(a.Text()); text != "" && !strings.HasPrefix(text, "@") {
				name = text
				return false
			}
		}
		return true
	})
	it.author = safeAuthor(thread.Author{
		Handle: it.handle,
		Name:   name,
		URL:    "https://bsky.app/profile/" + url.PathEscape(it.handle),
		Avatar: s.Find(bskySelAvatar).First().AttrOr("src", ""),
	})
	s.Find(bskySelPostLink).FilterFunction(outside).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if m := bskyPostPathRe.FindStringSubmatch(a.AttrOr("href", "")); m != nil && strings.EqualFold(m[1], it.handle) {
			it.post.ID = m[2]
			it.post.URL = "https://bsky.app/profile/" + url.PathEscape(it.handle) + "/post/" + m[2]
			return false
		}
		return true
	})
	text := s.Find(bskySelText).FilterFunction(outside).First()
	setText(&it.post, bskyDOMRunner(base).Runs(text))
	s.Find(bskySelThumbnail).FilterFunction(outside).Each(func(_ int, img *goquery.Selection) {
		// The page shows thumbnails; the full-size rendition has the same path.
		src := strings.Replace(img.AttrOr("src", ""), "/img/feed_thumbnail/", "/img/feed_fullsize/", 1)
		it.post.Media = append(it.post.Media, thread.Media{Type: thread.Photo, URL: src, Alt: img.AttrOr("alt", "")})
	})
	it.post.Media = safeMedia(it.post.Media)
	return it
}

// bskyDOMRunner classifies rich-text links: /profile/ mentions, /hashtag/
// tags, and outside links (shown shortened, the full URL in href).
func bskyDOMRunner(base *url.URL) runWalker {
	return runWalker{
		Link: func(a *html.Node, text string) (thread.Run, bool) {
			href := attr(a, "href")
			if m := bskyProfileHrefRe.FindStringSubmatch(href); m != nil && strings.HasPrefix(text, "@") {
				return thread.Run{Type: thread.MentionRun, Text: text, URL: "https://bsky.app/profile/" + url.PathEscape(m[1])}, true
			}
			if m := bskyTagHrefRe.FindStringSubmatch(href); m != nil && strings.HasPrefix(text, "#") {
				return thread.Run{Type: thread.HashtagRun, Text: text, URL: "https://bsky.app/hashtag/" + m[1]}, true
			}
			return thread.Run{Type: thread.LinkRun, Text: text, URL: absURL(base, href)}, true
		},
		Image: altText,
		Skip:  func(n *html.Node) bool { return attr(n, "aria-hidden") == "true" },
	}
}
