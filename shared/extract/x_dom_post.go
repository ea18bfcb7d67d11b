package extract

// One post article of X's DOM, read in a single walk. The walk sorts what it
// meets into the post's own parts and its quoted post's parts: a quoted post
// is a div[role=link] inside the article holding its own User-Name, text and
// media, so everything found inside such a div belongs to the quote.

import (
	"strings"

	nethtml "golang.org/x/net/html"

	"unspool/shared/thread"
)

// xParts is what the walk found for the post or for its quote.
type xParts struct {
	userName, avatar, text, card, articleView *nethtml.Node
	media                                     []*nethtml.Node // tweetPhoto / videoPlayer, in order
	statusLinks                               []xLink
	timeNode                                  *nethtml.Node
	showMore, verified, hasReplyBtn           bool
	replies                                   int // -1 unknown
	replyingTo                                bool
	replyingHandles                           []string
	avatarHandle                              string // from UserAvatar-Container-<handle>
	// Second markers, read where the data-testid one is missing: the
	// first element with a lang attribute (the text), the profile links
	// with their texts (the name), a link out holding a card image.
	langText, looseCard *nethtml.Node
	region              *nethtml.Node   // a quote's div[role=link]
	profileLinks        []*nethtml.Node // links to a profile, read only without User-Name
}

type xLink struct {
	handle, id string
	hasTime    bool
}

type xWalker struct {
	own xParts
	// quote is the first div[role=link] region of the article that holds a
	// User-Name: the quoted post.
	quote *xParts
}

// xReadArticle returns the post an article shows, or nil when it has no
// status link (an ad, a withheld post).
func xReadArticle(art *nethtml.Node) *xNode {
	w := &xWalker{}
	w.own.replies = -1
	w.walk(art, &w.own, false, 0)
	own := &w.own
	handle, id := own.primaryStatus()
	if id == "" {
		return nil
	}
	if handle == "" {
		handle = own.avatarHandle
	}
	if handle == "" {
		return nil
	}
	n := &xNode{Handle: strings.ToLower(handle)}
	n.Post = xPostFromParts(own, handle, id)
	n.EndKnown = own.replies == 0
	n.ShowMore = own.showMore || xShowMoreAfter(own.textNode(), handle, id)
	for _, h := range own.replyingHandles {
		if strings.EqualFold(h, handle) {
			n.ParentMissing = true
		}
		n.ReplyingTo = append(n.ReplyingTo, strings.ToLower(h))
	}
	if w.quote != nil {
		qh, qid := w.quote.primaryStatus()
		if qh == "" {
			qh = w.quote.handleFromName()
		}
		if qh == "" {
			qh = w.quote.avatarHandle
		}
		if qh != "" {
			if qid == "" {
				// X renders a text-only quote without any link to it; the
				// id is X's alone (GraphQL supplies it in a merge).
				qid = "quote-of-" + id
			}
			q := xPostFromParts(w.quote, qh, qid)
			if strings.HasPrefix(qid, "quote-of-") {
				q.URL = ""
			}
			n.Post.Quote = &q
		}
	}
	return n
}

// walk sorts the article's marked elements into p. inLink is true inside a
// status link, so that a <time> there marks the post's own link. A
// div[role=link] is walked into parts of its own, kept as the quote when it
// holds a User-Name and folded back into p otherwise.
func (w *xWalker) walk(n *nethtml.Node, p *xParts, inLink bool, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case nethtml.TextNode:
			if p.text == nil && strings.HasPrefix(strings.TrimSpace(c.Data), xReplyingTo) {
				p.replyingTo = true
			}
			continue
		case nethtml.ElementNode:
		default:
			continue
		}
		tid := attr(c, "data-testid")
		switch tid {
		case xTidText:
			if p.text == nil {
				p.text = c
			}
			continue
		case xTidShowMore:
			p.showMore = true
			continue
		case xTidPhotoMark, xTidVideoPlayer, xTidVideoComponent:
			p.media = append(p.media, c)
			// a photo may sit inside a status link (/photo/1): keep walking
			// for links, but media inside media is the same item.
			continue
		case xTidCardWrapper:
			if p.card == nil {
				p.card = c
			}
			continue
		case xTidVerified:
			if p.userName != nil || p.text == nil {
				p.verified = true
			}
			continue
		case xTidUserName:
			if p.userName == nil {
				p.userName = c
			}
		case xTidAvatar:
			if p.avatar == nil {
				p.avatar = c
			}
		case xTidReplyButton:
			p.hasReplyBtn = true
			if strings.TrimSpace(nodeText(c, spaceExact)) == "" {
				p.replies = 0
			} else {
				p.replies = 1
			}
			continue
		case xTidArticleView:
			if p.articleView == nil {
				p.articleView = c
			}
		}
		if strings.HasPrefix(tid, "UserAvatar-Container-") && p.avatarHandle == "" {
			p.avatarHandle = strings.TrimPrefix(tid, "UserAvatar-Container-")
			if p.avatar == nil {
				p.avatar = c
			}
		}
		if p.text == nil && p.langText == nil && attr(c, "lang") != "" {
			// The text's own element carries the post's language.
			p.langText = c
			continue
		}
		switch c.Data {
		case "svg", "script", "style", "template", "noscript":
			continue
		case "img":
			// A photo outside tweetPhoto: its file is on X's media host.
			if strings.Contains(attr(c, "src"), xPhotoHostPath) && c.Parent != nil {
				p.media = append(p.media, c.Parent)
			}
			continue
		case "video":
			// A video or GIF outside its player markers.
			if c.Parent != nil {
				p.media = append(p.media, c.Parent)
			}
			continue
		case "time":
			if p.timeNode == nil {
				p.timeNode = c
				if inLink && len(p.statusLinks) > 0 {
					p.statusLinks[len(p.statusLinks)-1].hasTime = true
				}
			}
			continue
		case "a":
			href := attr(c, "href")
			if h, id, ok := xStatusHref(href); ok {
				p.statusLinks = append(p.statusLinks, xLink{handle: h, id: id})
				w.walk(c, p, true, depth+1)
				continue
			}
			if h := xProfileHref(href); h != "" {
				if p.replyingTo && p.userName != nil && p.text == nil {
					p.replyingHandles = append(p.replyingHandles, h)
				}
				if p.userName == nil {
					p.profileLinks = append(p.profileLinks, c)
				}
			}
			if p.card == nil && p.looseCard == nil && xCardImageIn(c, 0) {
				// A link card outside card.wrapper: a link out around a card image.
				p.looseCard = c.Parent
				continue
			}
		case "div":
			if attr(c, "role") == "link" && w.quote == nil && p == &w.own {
				region := &xParts{replies: -1, region: c}
				w.walk(c, region, inLink, depth+1)
				if region.userName != nil || region.avatarHandle != "" {
					w.quote = region
				} else {
					p.absorb(region)
				}
				continue
			}
		}
		w.walk(c, p, inLink, depth+1)
	}
}

// absorb takes back what a div[role=link] that was not a quote held.
func (p *xParts) absorb(r *xParts) {
	if p.text == nil {
		p.text = r.text
	}
	if p.card == nil {
		p.card = r.card
	}
	if p.avatar == nil {
		p.avatar = r.avatar
	}
	if p.timeNode == nil {
		p.timeNode = r.timeNode
	}
	if p.articleView == nil {
		p.articleView = r.articleView
	}
	if p.avatarHandle == "" {
		p.avatarHandle = r.avatarHandle
	}
	if p.langText == nil {
		p.langText = r.langText
	}
	if p.looseCard == nil {
		p.looseCard = r.looseCard
	}
	p.profileLinks = append(p.profileLinks, r.profileLinks...)
	if r.hasReplyBtn && !p.hasReplyBtn {
		p.hasReplyBtn, p.replies = true, r.replies
	}
	p.showMore = p.showMore || r.showMore
	p.verified = p.verified || r.verified
	p.media = append(p.media, r.media...)
	p.statusLinks = append(p.statusLinks, r.statusLinks...)
	p.replyingHandles = append(p.replyingHandles, r.replyingHandles...)
}

// primaryStatus is the post's own status link: the one around its <time>,
// else the first plain status link.
func (p *xParts) primaryStatus() (handle, id string) {
	for _, l := range p.statusLinks {
		if l.hasTime {
			return l.handle, l.id
		}
	}
	if len(p.statusLinks) > 0 {
		return p.statusLinks[0].handle, p.statusLinks[0].id
	}
	return "", ""
}

// textNode is the post's text element: tweetText, else (the second
// marker) the first element carrying a language, unless the post is an X
// Article (which has neither).
func (p *xParts) textNode() *nethtml.Node {
	if p.text == nil && p.articleView == nil {
		return p.langText
	}
	return p.text
}

// handleFromName reads "@handle" from a User-Name without links (quotes).
// It reads the element's text, not its structure: User-Name is the name,
// then "@handle", then "·" and the time.
func (p *xParts) handleFromName() string {
	if p.userName == nil {
		return ""
	}
	t := nodeText(p.userName, spaceExact)
	for i := strings.IndexByte(t, '@'); i >= 0; {
		j := i + 1
		for j < len(t) && j-i <= 15 && xIsHandle(t[i+1:j+1]) {
			j++
		}
		if j > i+1 {
			return t[i+1 : j]
		}
		k := strings.IndexByte(t[i+1:], '@')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return ""
}

// displayName is User-Name's text before "@handle": the name, emoji included.
func (p *xParts) displayName(handle string) string {
	header := p.userName
	if header == nil {
		// Second markers: the text of a link to the profile (the post's
		// header), else the quoted post's header, which has no links: its
		// region's text starts with the name and "@handle".
		for _, a := range p.profileLinks {
			if !strings.EqualFold(xProfileHref(attr(a, "href")), handle) {
				continue
			}
			if t := strings.TrimSpace(nodeText(a, spaceExact)); t != "" && !strings.HasPrefix(t, "@") {
				return t
			}
		}
		header = p.region
	}
	if header == nil {
		return ""
	}
	t := nodeText(header, spaceExact)
	if i := strings.Index(strings.ToLower(t), "@"+strings.ToLower(handle)); i > 0 {
		return strings.TrimSpace(t[:i])
	}
	return ""
}

func xPostFromParts(p *xParts, handle, id string) thread.Post {
	a := &thread.Author{Handle: handle, Name: p.displayName(handle), URL: xProfileURL(handle), Verified: p.verified}
	if a.Name == "" {
		a.Name = handle
	}
	if p.avatar != nil {
		if img := firstElement(p.avatar, "img", 0); img != nil {
			a.Avatar = thread.SafeURL(xAvatar(attr(img, "src")))
		}
	}
	post := thread.Post{ID: id, URL: xStatusURL(handle, id), Author: a}
	if p.timeNode != nil {
		post.CreatedAt = xParseTime(attr(p.timeNode, "datetime"))
	}
	text := p.textNode()
	switch {
	case text != nil:
		post.Content = xDOMRuns(text)
		post.Lang = attr(text, "lang")
	case p.articleView != nil:
		post.Content = xArticleRuns(p.articleView)
	}
	setText(&post, post.Content)
	post.Truncated = post.Truncated || p.showMore || xShowMoreAfter(text, handle, id)
	for _, m := range p.media {
		if md, ok := xDOMMedia(m, post.URL); ok && len(post.Media) < thread.MaxMedia {
			post.Media = append(post.Media, md)
		}
	}
	card := p.card
	if card == nil {
		card = p.looseCard
	}
	if card != nil {
		if poll := xFindTestIDFirst(card, xTidPollMark); poll != nil {
			post.Poll = xDOMPoll(poll)
		} else if xLooksLikePoll(card) {
			post.Poll = xDOMPoll(card)
		} else {
			post.Card = xDOMCard(card)
		}
	}
	return post
}

func xFindTestIDFirst(n *nethtml.Node, id string) *nethtml.Node {
	var out []*nethtml.Node
	xFindTestID(n, id, &out, 0)
	if len(out) == 0 {
		return nil
	}
	return out[0]
}
