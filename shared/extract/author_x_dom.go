package extract

// X profiles, read from the rendered timeline: the cells the profile page
// shows (their outerHTML, as the content script collects them), for a page
// whose UserTweets answers were not captured (the extension came after the
// page loaded them) and beside those that were.
//
// A profile's cells are separate entries: two posts by the author one above
// the other are two posts, not a thread, unless X draws the thread line
// between their avatars. That line is the one signal of a self-thread the
// DOM gives, and X draws it in both cells (docs/platforms.md, "X page
// markup"), so each link is read from two markers: below the upper post's
// avatar, and above the lower post's. Cells hidden between them ("Show more
// replies") leave the link, with a gap. A post whose thread goes on off the
// profile carries a "Show this thread" link to itself.

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"unspool/shared/thread"
)

// xShowThreadLabel is the words of the link X puts under a post whose
// thread goes on; the link's place (a bare link to the post itself, apart
// from its time and its "Show more") is the second marker.
const xShowThreadLabel = "Show this thread"

// The selectors of the markers, from the X DOM reader's names.
var (
	xSelAvatar   = `[data-testid="` + xTidAvatar + `"]`
	xSelText     = `[data-testid="` + xTidText + `"]`
	xSelUserName = `[data-testid="` + xTidUserName + `"]`
)

// xProfileLinks says what a post cell of a profile shows of its thread line.
type xProfileLinks struct {
	above, below, more bool
}

// xProfileCellLinks reads a post's article: the thread line above and below
// its avatar, and a "Show this thread" link.
func xProfileCellLinks(art *goquery.Selection, handle, id string) xProfileLinks {
	return xProfileLinks{above: xLineAbove(art), below: xLineBelow(art), more: xShowsThread(art, handle, id)}
}

// xLineBelow: the avatar column goes on below the avatar, an empty element
// after Tweet-User-Avatar (the line down to the next post).
func xLineBelow(art *goquery.Selection) bool {
	next := art.Find(xSelAvatar).First().Next()
	return next.Is("div") && xEmpty(next)
}

// xLineAbove: the article's top bar (the row above the avatar row, which
// holds "Pinned" or "reposted" when X shows those) starts with a column
// holding only an empty element: the line up to the post above. Read by
// structure alone, apart from every data-testid.
func xLineAbove(art *goquery.Selection) bool {
	row := art.Children().First().Children().First().Children().First().Children().First()
	bar := row.Parent()
	line := row.Children().First().Children()
	return row.Length() == 1 && strings.TrimSpace(bar.Text()) == "" &&
		line.Length() == 1 && line.Is("div") && xEmpty(line)
}

// xShowsThread finds the "Show this thread" link: a link to the post's own
// address by those words, or (the second marker) a bare link to it with
// text that is neither its time, its media, its "Show more", nor its header.
func xShowsThread(art *goquery.Selection, handle, id string) bool {
	text := art.Find(xSelText).First()
	found := false
	art.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		h, sid, ok := xStatusHref(href)
		if !ok || sid != id || !strings.EqualFold(h, handle) || !strings.HasSuffix(strings.TrimRight(strings.SplitN(href, "?", 2)[0], "/"), "/"+sid) {
			return true
		}
		words := strings.Join(strings.Fields(a.Text()), " ")
		switch {
		case words == xShowThreadLabel:
		case words == "" || words == xShowMoreLabel || a.Is(`[data-testid="`+xTidShowMore+`"]`),
			a.Find("time, img").Length() > 0,
			text.Length() > 0 && text.Next().IsSelection(a),
			a.ParentsFiltered(xSelUserName).Length() > 0:
			return true
		}
		found = true
		return false
	})
	return found
}

// xEmpty: no element inside and no text but white space.
func xEmpty(s *goquery.Selection) bool {
	return s.Children().Length() == 0 && strings.TrimSpace(s.Text()) == ""
}

// xAuthorDOMPosts reads the author's posts from a profile's cells, in page
// order, each linked to the post above it when X draws the thread line
// between them. author is the first post's author as the page shows it.
func xAuthorDOMPosts(content []byte, handle string) ([]authorPost, *thread.Author, error) {
	// The whole HTML5 parser, not xParseDOM's fast one: the thread line is
	// made of X's class-only wrapper elements, which that one drops.
	doc, err := parseHTML(content)
	if err != nil {
		return nil, nil, err
	}
	var (
		posts  []authorPost
		author *thread.Author
		prev   *xNode // the post cell above, while nothing breaks the line
		prevLn xProfileLinks
		gap    bool // cells X hid between prev and the next post
	)
	for _, c := range xCells(doc.Get(0)) {
		switch c.Kind {
		case xCellPlaceholder:
			gap = prev != nil
			continue
		case xCellHeading:
			prev, gap = nil, false
			continue
		case xCellPost:
		default:
			continue // dividers and ads: X draws the line past them
		}
		n := c.Node
		ln := xProfileCellLinks(doc.FindNodes(c.Article), n.Handle, n.Post.ID)
		linked := prev != nil && (prevLn.below || ln.above)
		if strings.EqualFold(n.Handle, handle) {
			p := n.Post
			if author == nil {
				author = p.Author
			}
			p.Author = nil // the thread's author
			ap := authorPost{post: p, moreBelow: ln.more}
			switch {
			case linked:
				ap.parent, ap.selfReply, ap.gapAbove = prev.Post.ID, prev.Handle == n.Handle, gap
			case n.ParentMissing:
				ap.gapAbove = true // answers the author's own post, not shown
			case len(n.ReplyingTo) > 0:
				// Answers someone else's post, not shown: never a thread's start.
				ap.parent = "@" + n.ReplyingTo[0]
			}
			posts = append(posts, ap)
		}
		prev, prevLn, gap = n, ln, false
	}
	return posts, author, nil
}

// mergeAuthorPosts puts two readings of one profile in one page order: the
// rendered cells (dom: a window of the timeline, as the list is virtualised)
// and the captured answers (api: the pages the page fetched while the
// extension was there). Posts in both are placed where the cells show them,
// which is the page's order even where the answers, kept in the order they
// were fetched, list them otherwise (newer posts fetched later are shown
// at the top; a page fetched again lists its posts twice); a post only in
// the answers goes just before the next post of both that follows it
// there, or last. Each post is listed once, and a post in both is
// the answers' (they name its conversation), with what the cells add: a
// thread going on, or posts hidden above it.
func mergeAuthorPosts(dom, api []authorPost) []authorPost {
	if len(dom) == 0 {
		return api
	}
	shown := make(map[string]bool, len(dom))
	for _, d := range dom {
		shown[d.post.ID] = true
	}
	// Each post of the answers alone waits for the next post of both after
	// it in the answers (waiting at the end: none follows).
	inBoth := make(map[string]authorPost, len(dom))
	before := map[string][]authorPost{}
	var waiting []authorPost
	for _, a := range api {
		id := a.post.ID
		if !shown[id] {
			waiting = append(waiting, a)
			continue
		}
		if _, dup := inBoth[id]; !dup {
			inBoth[id] = a
		}
		before[id] = append(before[id], waiting...)
		waiting = nil
	}
	out := make([]authorPost, 0, len(dom)+len(api))
	listed := make(map[string]bool, len(dom)+len(api))
	add := func(ps ...authorPost) {
		for _, p := range ps {
			if !listed[p.post.ID] {
				listed[p.post.ID] = true
				out = append(out, p)
			}
		}
	}
	for _, d := range dom {
		a, ok := inBoth[d.post.ID]
		if !ok {
			add(d)
			continue
		}
		add(before[d.post.ID]...)
		a.moreBelow = a.moreBelow || d.moreBelow
		a.gapAbove = a.gapAbove || d.gapAbove
		add(a)
	}
	add(waiting...)
	return out
}

// xProfileHandle is the handle an X profile address names, "" when none.
func xProfileHandle(u *url.URL) string {
	return xProfileHref("/" + strings.Split(strings.Trim(u.Path, "/"), "/")[0])
}
