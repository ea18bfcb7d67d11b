package extract

// Media, link cards, polls and X Articles in X's DOM.

import (
	"strings"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

// xPhotoAltDefault is the alt X gives photos that have no description.
var xPhotoAltDefault = map[string]bool{"Image": true, "": true}

// xDOMMedia reads one tweetPhoto/videoPlayer element. Videos in the DOM
// play from blob: URLs, so a video's URL is the post's own (GraphQL gives
// the mp4); a GIF's <video> has a real video.twimg.com mp4 and keeps it.
func xDOMMedia(n *nethtml.Node, postURL string) (thread.Media, bool) {
	var video, img *nethtml.Node
	var src string
	var find func(n *nethtml.Node, depth int)
	find = func(n *nethtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode {
				continue
			}
			switch c.Data {
			case "video":
				if video == nil {
					video = c
					src = attr(c, "src")
					if s := firstElement(c, "source", 0); src == "" && s != nil {
						src = attr(s, "src")
					}
				}
				continue
			case "img":
				if img == nil {
					img = c
				}
				continue
			case "svg":
				continue
			}
			find(c, depth+1)
		}
	}
	find(n, 0)
	tid := attr(n, "data-testid")
	if video != nil || tid == xTidVideoPlayer || tid == xTidVideoComponent {
		m := thread.Media{Type: thread.Video, URL: postURL}
		if video != nil {
			m.Poster = thread.SafeURL(attr(video, "poster"))
		}
		if m.Poster == "" && img != nil {
			m.Poster = thread.SafeURL(attr(img, "src"))
		}
		if strings.Contains(m.Poster, "/tweet_video_thumb/") || strings.Contains(src, "/tweet_video/") {
			m.Type = thread.GIF
		}
		if s := thread.SafeURL(src); s != "" && strings.Contains(s, "video.twimg.com/") {
			m.URL = s
		}
		return m, true
	}
	if img == nil {
		return thread.Media{}, false
	}
	u := thread.SafeURL(xPhoto(attr(img, "src")))
	if u == "" {
		return thread.Media{}, false
	}
	alt := attr(img, "alt")
	if xPhotoAltDefault[alt] {
		alt = ""
	}
	return thread.Media{Type: thread.Photo, URL: u, Alt: alt}, true
}

// xDOMCard reads a link card: its link, image and the texts it shows. A
// large card shows the title only (the domain is in the link's aria-label,
// "example.com Title"); a small one shows domain, title and description.
func xDOMCard(n *nethtml.Node) *thread.Card {
	link := firstElement(n, "a", 0)
	c := &thread.Card{}
	var texts []string
	var collect func(n *nethtml.Node, depth int)
	collect = func(n *nethtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch ch.Type {
			case nethtml.TextNode:
				if t := strings.TrimSpace(ch.Data); t != "" {
					texts = append(texts, t)
				}
			case nethtml.ElementNode:
				if skipTags[ch.Data] {
					continue
				}
				if ch.Data == "img" && c.Image == "" {
					c.Image = thread.SafeURL(attr(ch, "src"))
				}
				collect(ch, depth+1)
			}
		}
	}
	collect(n, 0)
	if link != nil {
		c.URL = thread.SafeURL(xAbs(attr(link, "href")))
		if f := strings.Fields(attr(link, "aria-label")); len(f) > 0 && xLooksLikeDomain(f[0]) {
			c.Domain = strings.ToLower(f[0])
		}
	}
	if len(texts) > 0 && xLooksLikeDomain(texts[0]) {
		if c.Domain == "" {
			c.Domain = strings.ToLower(texts[0])
		}
		texts = texts[1:]
	}
	if len(texts) > 0 {
		c.Title = texts[0]
	}
	if len(texts) > 1 {
		c.Description = texts[1]
	}
	if c.Domain == "" && !strings.Contains(c.URL, "://t.co/") {
		c.Domain = thread.Domain(c.URL)
	}
	if c.URL == "" && c.Title == "" {
		return nil
	}
	return c
}

func xLooksLikeDomain(s string) bool {
	s = strings.TrimPrefix(s, "From ")
	return strings.Contains(s, ".") && !strings.ContainsAny(s, " /:") && !strings.HasSuffix(s, ".") && thread.Domain("https://"+s) != ""
}

// xDOMPoll reads a poll. The DOM shows percentages, not counts, so a vote
// count is known only when the total is 0; otherwise it is -1 (unknown).
func xDOMPoll(n *nethtml.Node) *thread.Poll {
	poll := &thread.Poll{}
	var items []*nethtml.Node
	var findLi func(n *nethtml.Node, depth int)
	findLi = func(n *nethtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode {
				continue
			}
			if c.Data == "li" || attr(c, "role") == "listitem" {
				items = append(items, c)
				continue
			}
			findLi(c, depth+1)
		}
	}
	findLi(n, 0)
	zero := false
	for _, t := range strings.Split(xLeafTexts(n), "|") {
		zero = zero || t == "0 votes"
		poll.Closed = poll.Closed || t == xFinalResults
	}
	for _, li := range items {
		parts := strings.Split(xLeafTexts(li), "|")
		label := ""
		for _, p := range parts {
			if p != "" && !strings.HasSuffix(p, "%") {
				label = p
				break
			}
		}
		if label == "" {
			continue
		}
		votes := -1
		if zero {
			votes = 0
		}
		poll.Options = append(poll.Options, thread.PollOption{Label: label, Votes: votes})
	}
	if len(poll.Options) == 0 {
		return nil
	}
	return poll
}

// xLeafTexts joins the trimmed texts of n with "|".
func xLeafTexts(n *nethtml.Node) string {
	var parts []string
	var rec func(n *nethtml.Node, depth int)
	rec = func(n *nethtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case nethtml.TextNode:
				if t := strings.TrimSpace(c.Data); t != "" {
					parts = append(parts, t)
				}
			case nethtml.ElementNode:
				if !skipTags[c.Data] {
					rec(c, depth+1)
				}
			}
		}
	}
	rec(n, 0)
	return strings.Join(parts, "|")
}

// xArticleRuns reads an X Article (long-form post): its title, then each
// block of the rich-text body as a paragraph. Code blocks keep their code
// only (not the language label or the copy button).
//
// An Article page has no tweetText. Reading its body rather than refusing
// the page is what a person clicking Unspool there wants (the article in
// the reader), and it fits the model unchanged: one post whose text is the
// title and the paragraphs; its cover image is the post's photo. Headings
// and lists become plain paragraphs (runs carry no block structure).
func xArticleRuns(view *nethtml.Node) []thread.Run {
	var out []thread.Run
	para := func(runs []thread.Run) {
		runs = thread.NormalizeRuns(runs)
		if len(runs) == 0 {
			return
		}
		if len(out) > 0 {
			out = append(out, thread.Run{Type: thread.TextRun, Text: "\n\n"})
		}
		out = append(out, runs...)
	}
	if title := xFindTestIDFirst(view, xTidArticleTitle); title != nil {
		para(xDOMRuns(title))
	}
	body := xFindTestIDFirst(view, xTidArticleBody)
	if body == nil {
		return out
	}
	var blocks func(n *nethtml.Node, depth int)
	blocks = func(n *nethtml.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode || skipTags[c.Data] {
				continue
			}
			if attr(c, "data-block") == "true" {
				if pre := firstElement(c, "pre", 0); pre != nil {
					para([]thread.Run{{Type: thread.TextRun, Text: nodeText(pre, spaceExact)}})
				} else {
					para(xDOMRuns(c))
				}
				continue
			}
			blocks(c, depth+1)
		}
	}
	blocks(body, 0)
	return thread.NormalizeRuns(out)
}

// Second markers for media, cards, polls and a cut-off text, read when
// their data-testid is missing.

// xPhotoHostPath is where X serves post photos (not avatars, emoji or card
// images): an <img> from there is a photo wherever it sits.
const xPhotoHostPath = "pbs.twimg.com/media/"

// xCardImagePath is where X serves link-card images.
const xCardImagePath = "/card_img/"

// xCardImageIn is true when a (a link out of X) holds a card image.
func xCardImageIn(a *nethtml.Node, depth int) bool {
	href := attr(a, "href")
	if depth == 0 && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") {
		return false
	}
	if depth > maxDepth {
		return false
	}
	for c := a.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != nethtml.ElementNode {
			continue
		}
		if c.Data == "img" && strings.Contains(attr(c, "src"), xCardImagePath) {
			return true
		}
		if xCardImageIn(c, depth+1) {
			return true
		}
	}
	return false
}

// xLooksLikePoll is a card that is a list of choices (ul/li or ARIA
// list items, as X draws a poll) without a link out (a link card has one).
func xLooksLikePoll(card *nethtml.Node) bool {
	var items, links []*nethtml.Node
	xFindAll(card, func(n *nethtml.Node) bool { return n.Data == "li" || attr(n, "role") == "listitem" }, &items, 0)
	xFindAll(card, func(n *nethtml.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "http") }, &links, 0)
	return len(items) >= 2 && len(links) == 0
}

// xShowMoreLabel is what X's cut-off marker says (English only; the
// data-testid is the first marker).
const xShowMoreLabel = "Show more"

// xShowMoreAfter is true when the element right after a post's text is
// X's "Show more": a link to the post itself without a time or picture, or
// a button saying so.
func xShowMoreAfter(text *nethtml.Node, handle, id string) bool {
	if text == nil {
		return false
	}
	next := text.NextSibling
	for next != nil && next.Type != nethtml.ElementNode {
		next = next.NextSibling
	}
	if next == nil {
		return false
	}
	switch next.Data {
	case "button":
		return strings.TrimSpace(nodeText(next, spaceExact)) == xShowMoreLabel
	case "a":
		h, sid, ok := xStatusHref(attr(next, "href"))
		return ok && sid == id && strings.EqualFold(h, handle) && firstElement(next, "time", 0) == nil && firstElement(next, "img", 0) == nil
	}
	return false
}
