package extract

// X's React web app, read from its DOM. data-testid markers come first, with
// a second, independent marker for each signal where X offers one (ARIA
// roles, lang, media hosts, structure: docs/platforms.md, "X page markup"),
// so one renamed attribute costs a detail, not the thread. X's CSS class
// names are never used: they are generated and change with every build.
//
// A conversation page is a virtualised list of cells
// ([data-testid=cellInnerDiv]). A cell holds one post (an article marked
// "tweet"), or a placeholder ("Show more replies", an unavailable post), or a
// section heading ("Discover more"), or nothing (a divider). The page shows
// the focal post's ancestors above it and the replies below it, the author's
// own continuation first; so the thread is the run of cells by the focal
// author around the focal post, and the first foreign post or heading after
// it is the reply boundary.

import (
	"strconv"
	"strings"
	"time"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

// data-testid markers, named once. Each says what it marks and why it is used.
const (
	// xCell wraps every entry of a timeline; its order is the page order.
	xTidCell = "cellInnerDiv"
	// xTidTweet marks a post's <article>. Quoted posts are not articles but a
	// div[role=link] inside the quoting post's article.
	xTidTweet = "tweet"
	// xTidUserName holds the display name, the @handle, and (except on the
	// focal post) the status link with the <time>.
	xTidUserName = "User-Name"
	// xTidAvatar holds the author's profile image.
	xTidAvatar = "Tweet-User-Avatar"
	// xTidText is the post text: text nodes, emoji <img alt>, links.
	xTidText = "tweetText"
	// xTidShowMore is the "Show more" link X adds under a cut-off long post.
	xTidShowMore = "tweet-text-show-more-link"
	// xTidPhotoMark wraps each photo (and, in newer DOMs, each video).
	xTidPhotoMark = "tweetPhoto"
	// xTidVideoPlayer / xTidVideoComponent wrap a video or GIF player.
	xTidVideoPlayer    = "videoPlayer"
	xTidVideoComponent = "videoComponent"
	// xTidCardWrapper wraps a link card or a poll.
	xTidCardWrapper = "card.wrapper"
	// xTidPollMark is a poll inside a card wrapper.
	xTidPollMark = "cardPoll"
	// xTidVerified is the verified badge beside a name.
	xTidVerified = "icon-verified"
	// xTidPromoted wraps an ad ("Promoted") in a timeline.
	xTidPromoted = "placementTracking"
	// xTidReplyButton shows the post's reply count; an empty count means no
	// replies, so nothing can follow the post in its thread.
	xTidReplyButton = "reply"
	// xTidArticleView / xTidArticleTitle / xTidArticleBody are an X Article
	// (long-form post): it has no tweetText; the body is a rich-text editor view.
	xTidArticleView  = "twitterArticleReadView"
	xTidArticleTitle = "twitter-article-title"
	xTidArticleBody  = "twitterArticleRichTextView"
)

var (
	// xDOMMarker is what an X page must contain to be read as one: a post
	// article or a timeline cell. Without it (a login wall, another site's
	// page served from an X URL) the page is not taken for X.
	xDOMMarkers = []string{`data-testid="tweet"`, `data-testid="cellInnerDiv"`, `role="article"`}
	// xReplyingTo starts the line X shows above a post whose parent is not
	// displayed ("Replying to @a"); an English-only signal, used only to
	// learn that the start of a thread is missing.
	xReplyingTo = "Replying to"
	// xFinalResults ends a closed poll's summary line.
	xFinalResults = "Final results"
)

// xDOM reads X's web app DOM: a saved page, or the outerHTML of its cells.
type xDOM struct{}

func (xDOM) Name() string { return "x-dom" }

func (xDOM) Accepts(p *Page) bool { return !p.JSON && xAccepts(p, xDOMMarkers) }

func (xDOM) Extract(p *Page) (*thread.Thread, error) {
	handle, id, err := xFocal(p.URL)
	if err != nil {
		return nil, err
	}
	doc, release, err := xParseDOM(p.Content)
	if err != nil {
		return nil, thread.Errorf(thread.EINVALID, "the page cannot be parsed as HTML: %v", err)
	}
	defer release()
	return xDOMThread(doc, handle, id)
}

func xDOMThread(doc *nethtml.Node, handle, id string) (*thread.Thread, error) {
	g := newXGraph(handle, id, "x-dom")
	xCellsGraph(g, xCells(doc))
	return g.thread()
}

// xCellKind is what a timeline cell holds.
type xCellKind int

const (
	xCellEmpty       xCellKind = iota // a divider or an unrendered cell
	xCellPost                         // a post
	xCellAd                           // a promoted post: skipped wherever it is
	xCellPlaceholder                  // "Show more replies", "This post is unavailable"
	xCellHeading                      // a section ("Discover more"): ends the conversation
)

type xCell struct {
	Kind    xCellKind
	Node    *xNode        // for posts
	Article *nethtml.Node // the post's article, for what a profile reads around it
	Label   string        // what a placeholder shows, in quotes, for the gap's words
	Key     string        // identifies the cell across captures of a virtualised page
}

// xCells lists the page's cells in order. Pages saved without the timeline
// wrapper (a single post's outerHTML) have articles only: each is a cell.
func xCells(doc *nethtml.Node) []xCell {
	var roots []*nethtml.Node
	xFindTestID(doc, xTidCell, &roots, 0)
	if len(roots) == 0 {
		xFindPosts(doc, &roots, 0)
	}
	cells := make([]xCell, 0, len(roots))
	prevKey := ""
	for _, r := range roots {
		c := xReadCell(r)
		switch {
		case c.Node != nil:
			c.Key = "post:" + c.Node.Post.ID
			prevKey = c.Key
		default:
			c.Key = "cell:" + strconv.Itoa(int(c.Kind)) + ":after:" + prevKey
		}
		cells = append(cells, c)
	}
	return cells
}

// xFindTestID collects the outermost elements with data-testid=id, in
// document order, without descending into them.
func xFindTestID(n *nethtml.Node, id string, out *[]*nethtml.Node, depth int) {
	xFindAll(n, func(c *nethtml.Node) bool { return attr(c, "data-testid") == id }, out, depth)
}

// xIsPost is a post's article: marked "tweet", or (the second marker) an
// <article> with the ARIA role X gives posts.
func xIsPost(n *nethtml.Node) bool {
	return attr(n, "data-testid") == xTidTweet || (n.Data == "article" && attr(n, "role") == "article")
}

// xFindPosts collects the outermost post articles, in document order.
func xFindPosts(n *nethtml.Node, out *[]*nethtml.Node, depth int) {
	xFindAll(n, xIsPost, out, depth)
}

// xFindAll collects the outermost elements that match, in document order,
// without descending into them.
func xFindAll(n *nethtml.Node, match func(*nethtml.Node) bool, out *[]*nethtml.Node, depth int) {
	if depth > maxDepth*4 {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != nethtml.ElementNode {
			continue
		}
		if c.Data == "svg" || c.Data == "script" || c.Data == "style" {
			continue
		}
		if match(c) {
			*out = append(*out, c)
			continue
		}
		xFindAll(c, match, out, depth+1)
	}
}

func xReadCell(root *nethtml.Node) xCell {
	if xIsPost(root) {
		return xCellFromArticle(root, false)
	}
	var arts []*nethtml.Node
	xFindPosts(root, &arts, 0)
	if len(arts) > 0 {
		var promo []*nethtml.Node
		xFindTestID(root, xTidPromoted, &promo, 0)
		return xCellFromArticle(arts[0], len(promo) > 0)
	}
	text := strings.TrimSpace(nodeText(root, spaceExact))
	switch {
	case text == "":
		return xCell{Kind: xCellEmpty}
	case xHasHeading(root, 0):
		return xCell{Kind: xCellHeading}
	}
	return xCell{Kind: xCellPlaceholder, Label: xQuoteLabel(text)}
}

func xCellFromArticle(art *nethtml.Node, promoted bool) xCell {
	n := xReadArticle(art)
	switch {
	case n == nil && promoted:
		return xCell{Kind: xCellAd}
	case n == nil:
		// A post X could not show (withheld, deleted), or a cell cut off
		// in the capture: a hole in whatever chain it sits in.
		return xCell{Kind: xCellPlaceholder, Label: "a post it cannot identify (no status link)"}
	case promoted:
		return xCell{Kind: xCellAd}
	}
	return xCell{Kind: xCellPost, Node: n, Article: art}
}

func xHasHeading(n *nethtml.Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != nethtml.ElementNode {
			continue
		}
		switch {
		case c.Data == "h1" || c.Data == "h2" || c.Data == "h3" || attr(c, "role") == "heading":
			return true
		case xHasHeading(c, depth+1):
			return true
		}
	}
	return false
}

// xCellsGraph adds the posts of cells to g with the links the page order
// implies: a post directly below a post by the same author (with only
// placeholders, ads or dividers between) continues it; a foreign post or a
// heading right below a post means nothing by its author follows it there.
func xCellsGraph(g *xGraph, cells []xCell) {
	var prev *xNode
	placeholder, heading := false, false
	for _, c := range cells {
		switch c.Kind {
		case xCellPlaceholder:
			placeholder = true
			if prev != nil && prev.GapBelow == "" {
				prev.GapBelow = c.Label
			}
			continue
		case xCellHeading:
			heading = true
			if prev != nil && !placeholder {
				prev.EndKnown = true
			}
			continue
		case xCellPost:
		default:
			continue
		}
		n := c.Node
		if prev != nil && !heading {
			if prev.Handle == n.Handle {
				n.ReplyTo, n.ReplyToHandle = prev.Post.ID, prev.Handle
			} else {
				if !placeholder {
					prev.EndKnown = true
				}
				n.ReplyTo, n.ReplyToHandle = prev.Post.ID, prev.Handle
			}
		}
		g.add(n)
		prev = g.nodes[n.Post.ID]
		placeholder, heading = false, false
	}
}

// xParseTime reads a <time datetime> value.
func xParseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// xQuoteLabel quotes a placeholder's text for a gap, cut to 60 characters.
func xQuoteLabel(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:59]) + "…"
	}
	return "“" + text + "”"
}
