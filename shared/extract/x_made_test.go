package extract

// The made-… cases: pages and TweetDetail responses this project builds,
// for what the real captures lack (a long self-thread, a page opened
// mid-thread, a self-quote, hostile text, a DOM/GraphQL pair of one thread,
// the 100-post benchmark page).
//
// DOM pages are assembled from a real cell: the quote-post cellInnerDiv of
// testdata/x-dom/tweetyoink-x-tweet-quote (MIT), cloned per post with its
// ids, names, times, text, media and quote rewritten, so every made page
// keeps X's real nesting, class noise and svg icons. GraphQL responses are
// built from the same specs. `go test -run TestXMadeSources -update`
// rewrites the sources; without -update the test checks that the committed
// sources are exactly what the generator makes (it is deterministic).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

type mkAuthor struct {
	Handle, Name, ID string
	Verified         bool
}

type mkPart struct {
	Kind string // text, link, mention, hashtag, cashtag, emoji, raw (DOM-only markup)
	Text string // text, or the tag/handle/symbol without its sigil, or the emoji
	URL  string // link target
}

type mkPhoto struct {
	Key, Alt string
	W, H     int
}

type mkVideo struct {
	Key      string // ext_tw_video id or tweet_video key
	GIF      bool
	W, H     int
	Duration int
}

type mkPost struct {
	ID        string
	Author    mkAuthor
	At        time.Time
	Parts     []mkPart
	Photos    []mkPhoto
	Video     *mkVideo
	Quote     *mkPost
	Replies   int
	Truncated bool
	// ReplyTo is the parent post (nil for a conversation's root).
	ReplyTo *mkPost
	// Hostile lets a case put raw attributes into the DOM (avatar src, photo src).
	AvatarSrc, PhotoSrc string
}

// mkCell is one timeline cell of a made page.
type mkCell struct {
	Post    *mkPost
	Kind    string // "", "showmore", "heading", "divider"
	Heading string
}

var mkBase = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func mkID(n int) string { return fmt.Sprintf("%d", 1900000000000000000+int64(n)*1000) }

// ---------------------------------------------------------------- DOM

type mkTemplate struct {
	cell  *nethtml.Node
	photo *nethtml.Node // the quote's photo link block, to clone
}

func mkLoadTemplate(t testing.TB) *mkTemplate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "x-dom", "tweetyoink-x-tweet-quote", "source.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := nethtml.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tm := &mkTemplate{cell: mkFind(doc, func(n *nethtml.Node) bool { return attr(n, "data-testid") == "cellInnerDiv" })}
	tm.photo = mkFind(tm.cell, func(n *nethtml.Node) bool { return n.Data == "a" && strings.Contains(attr(n, "href"), "/photo/1") })
	if tm.cell == nil || tm.photo == nil {
		t.Fatal("template cell or photo block not found")
	}
	return tm
}

func mkFind(n *nethtml.Node, f func(*nethtml.Node) bool) *nethtml.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode && f(c) {
			return c
		}
		if r := mkFind(c, f); r != nil {
			return r
		}
	}
	return nil
}

func mkClone(n *nethtml.Node) *nethtml.Node {
	c := &nethtml.Node{Type: n.Type, Data: n.Data, DataAtom: n.DataAtom, Namespace: n.Namespace}
	c.Attr = append([]nethtml.Attribute(nil), n.Attr...)
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.AppendChild(mkClone(ch))
	}
	return c
}

// mkRewrite replaces old by new in every attribute value and text node below n.
func mkRewrite(n *nethtml.Node, old, new string) {
	if n.Type == nethtml.TextNode && n.Data == old {
		n.Data = new
	}
	for i := range n.Attr {
		n.Attr[i].Val = strings.ReplaceAll(n.Attr[i].Val, old, new)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		mkRewrite(c, old, new)
	}
}

func mkSetAttr(n *nethtml.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, nethtml.Attribute{Key: key, Val: val})
}

func mkSetChildren(n *nethtml.Node, fragment string) {
	for n.FirstChild != nil {
		n.RemoveChild(n.FirstChild)
	}
	nodes, err := nethtml.ParseFragment(strings.NewReader(fragment), n)
	if err != nil {
		panic(err)
	}
	for _, c := range nodes {
		n.AppendChild(c)
	}
}

// mkTextHTML is post text as X renders it inside tweetText.
func mkTextHTML(parts []mkPart) string {
	var b strings.Builder
	span := `<span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">`
	for _, p := range parts {
		switch p.Kind {
		case "text":
			b.WriteString(span + html.EscapeString(p.Text) + "</span>")
		case "raw":
			b.WriteString(p.Text)
		case "link":
			// X writes the scheme and the cut tail into hidden spans and
			// ends a long link with "…".
			rest := strings.TrimPrefix(strings.TrimPrefix(p.URL, "https://"), "http://")
			scheme := p.URL[:len(p.URL)-len(rest)]
			shown, tail := rest, ""
			if utf8.RuneCountInString(rest) > 23 {
				shown, tail = rest[:23], rest[23:]
			}
			fmt.Fprintf(&b, `<a dir="ltr" href="https://t.co/%s" rel="noopener noreferrer nofollow" target="_blank" role="link" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-1loqt21" style="color: rgb(29, 155, 240);"><span aria-hidden="true" class="css-1jxf684 r-qlhcfr r-qvutc0 r-poiln3">%s</span>%s`,
				mkTCo(p.URL), html.EscapeString(scheme), html.EscapeString(shown))
			if tail != "" {
				fmt.Fprintf(&b, `<span aria-hidden="true" class="css-1jxf684 r-qlhcfr r-qvutc0 r-poiln3">%s</span><span aria-hidden="true" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">…</span>`, html.EscapeString(tail))
			}
			b.WriteString("</a>")
		case "mention":
			fmt.Fprintf(&b, `<div class="css-175oi2r r-xoduu5"><span class="r-18u37iz"><a dir="ltr" href="/%s" role="link" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-1loqt21">@%s</a></span></div>`, p.Text, p.Text)
		case "hashtag":
			fmt.Fprintf(&b, `<span class="r-18u37iz"><a dir="ltr" href="/hashtag/%s?src=hashtag_click" role="link" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-1loqt21">#%s</a></span>`, p.Text, p.Text)
		case "cashtag":
			fmt.Fprintf(&b, `<span class="r-18u37iz"><a dir="ltr" href="/search?q=%%24%s&amp;src=cashtag_click" role="link" class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-1loqt21">$%s</a></span>`, p.Text, p.Text)
		case "emoji":
			r, _ := utf8.DecodeRuneInString(p.Text)
			fmt.Fprintf(&b, `<img alt="%s" draggable="false" src="https://abs-0.twimg.com/emoji/v2/svg/%x.svg" title="emoji" class="r-4qtqp9 r-dflpy8 r-k4bwe5 r-1kpi4qh r-pp5qcn r-h9hxbl">`, p.Text, r)
		}
	}
	return b.String()
}

func mkTCo(u string) string {
	h := uint32(2166136261)
	for i := 0; i < len(u); i++ {
		h = (h ^ uint32(u[i])) * 16777619
	}
	return fmt.Sprintf("m%09x", h)
}

func mkPhotoURL(p mkPhoto, size string) string {
	return "https://pbs.twimg.com/media/" + p.Key + "?format=jpg&name=" + size
}

func mkAvatarURL(a mkAuthor, size string) string {
	return "https://pbs.twimg.com/profile_images/" + a.ID + "/avatar_" + size + ".jpg"
}

func mkVideoPoster(v *mkVideo) string {
	if v.GIF {
		return "https://pbs.twimg.com/tweet_video_thumb/" + v.Key + ".jpg"
	}
	return "https://pbs.twimg.com/ext_tw_video_thumb/" + v.Key + "/pu/img/poster.jpg"
}

func mkVideoMP4(v *mkVideo, bitrate int) string {
	if v.GIF {
		return "https://video.twimg.com/tweet_video/" + v.Key + ".mp4"
	}
	return fmt.Sprintf("https://video.twimg.com/ext_tw_video/%s/pu/vid/%dk.mp4", v.Key, bitrate/1000)
}

// mkCellHTML renders one post as a cellInnerDiv cloned from the template.
func (tm *mkTemplate) mkCellNode(p *mkPost) *nethtml.Node {
	c := mkClone(tm.cell)
	quote := mkFind(c, func(n *nethtml.Node) bool {
		return attr(n, "role") == "link" && n.Data == "div" && mkFind(n, func(m *nethtml.Node) bool { return attr(m, "data-testid") == "User-Name" }) != nil
	})
	quoteBox := quote.Parent // the box holding the "Quote" label and the quote (the reply bar shares its parent)
	// The quote first, so the outer rewrites below do not touch it.
	if p.Quote == nil {
		quoteBox.Parent.RemoveChild(quoteBox)
	} else {
		q := p.Quote
		mkRewrite(quote, "Original Author", q.Author.Name)
		mkRewrite(quote, "@OriginalAuthor", "@"+q.Author.Handle)
		mkRewrite(quote, "UserAvatar-Container-OriginalAuthor", "UserAvatar-Container-"+q.Author.Handle)
		mkRewrite(quote, "/OriginalAuthor/status/1983129251856470493", "/"+q.Author.Handle+"/status/"+q.ID)
		mkRewrite(quote, "https://pbs.twimg.com/profile_images/placeholder/original_avatar.jpg", mkAvatarURL(q.Author, "normal"))
		mkSetAttr(mkFind(quote, func(n *nethtml.Node) bool { return n.Data == "time" }), "datetime", q.At.Format("2006-01-02T15:04:05.000Z"))
		mkSetChildren(mkFind(quote, func(n *nethtml.Node) bool { return attr(n, "data-testid") == "tweetText" }), mkTextHTML(q.Parts))
		if len(q.Photos) > 0 {
			mkRewrite(quote, "https://pbs.twimg.com/media/placeholder_image.jpg", mkPhotoURL(q.Photos[0], "small"))
		} else {
			a := mkFind(quote, func(n *nethtml.Node) bool { return n.Data == "a" && strings.Contains(attr(n, "href"), "/photo/") })
			a.Parent.RemoveChild(a)
		}
	}
	h := p.Author.Handle
	mkRewrite(c, "Test Quoter", p.Author.Name)
	mkRewrite(c, "@TestQuoter", "@"+h)
	mkRewrite(c, "UserAvatar-Container-TestQuoter", "UserAvatar-Container-"+h)
	mkRewrite(c, "/TestQuoter", "/"+h)
	mkRewrite(c, "1983130065320780162", p.ID)
	avatar := mkAvatarURL(p.Author, "bigger")
	if p.AvatarSrc != "" {
		avatar = p.AvatarSrc
	}
	mkRewrite(c, "https://pbs.twimg.com/profile_images/placeholder/quoter_avatar.jpg", avatar)
	if !p.Author.Verified {
		for _, v := range mkFindAll(c, "icon-verified") {
			if !mkInside(v, quote) || p.Quote == nil {
				v.Parent.RemoveChild(v)
			}
		}
	}
	mkSetAttr(mkFind(c, func(n *nethtml.Node) bool { return n.Data == "time" }), "datetime", p.At.Format("2006-01-02T15:04:05.000Z"))
	text := mkFind(c, func(n *nethtml.Node) bool { return attr(n, "data-testid") == "tweetText" })
	mkSetChildren(text, mkTextHTML(p.Parts))
	if p.Truncated {
		more, _ := nethtml.ParseFragment(strings.NewReader(`<button data-testid="tweet-text-show-more-link" type="button" class="css-146c3p1 r-bcqeeo r-qvutc0 r-37j5jr r-a023e6 r-rjixqe r-16dba41 r-1loqt21"><span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">Show more</span></button>`), text.Parent)
		text.Parent.AppendChild(more[0])
	}
	if len(p.Photos) > 0 || p.Video != nil {
		box := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div, Attr: []nethtml.Attribute{{Key: "class", Val: "css-175oi2r r-9aw3ui r-1s2bzr4"}}}
		for i, ph := range p.Photos {
			a := mkClone(tm.photo)
			mkSetAttr(a, "href", fmt.Sprintf("/%s/status/%s/photo/%d", h, p.ID, i+1))
			src := mkPhotoURL(ph, "small")
			if p.PhotoSrc != "" {
				src = p.PhotoSrc
			}
			mkRewrite(a, "https://pbs.twimg.com/media/placeholder_image.jpg", src)
			alt := ph.Alt
			if alt == "" {
				alt = "Image"
			}
			mkSetAttr(mkFind(a, func(n *nethtml.Node) bool { return n.Data == "img" }), "alt", alt)
			box.AppendChild(a)
		}
		if v := p.Video; v != nil {
			src := "blob:https://x.com/" + v.Key
			if v.GIF {
				src = mkVideoMP4(v, 0)
			}
			frag := fmt.Sprintf(`<div class="css-175oi2r r-1adg3ll r-1udh08x"><div class="css-175oi2r r-1mlwlqe r-1udh08x r-417010" data-testid="tweetPhoto"><div class="css-175oi2r r-1awozwy r-1p0dtai" data-testid="videoPlayer"><div class="css-175oi2r r-1pi2tsx" data-testid="videoComponent"><video aria-label="Embedded video" preload="none" playsinline="" poster="%s" src="%s" style="width: 100%%; height: 100%%;"></video></div></div></div></div>`, mkVideoPoster(v), src)
			nodes, _ := nethtml.ParseFragment(strings.NewReader(frag), box)
			box.AppendChild(nodes[0])
		}
		text.Parent.Parent.InsertBefore(box, text.Parent.NextSibling)
	}
	replies := ""
	if p.Replies > 0 {
		replies = fmt.Sprint(p.Replies)
	}
	mkRewrite(c, "2.5K", replies)
	mkRewrite(c, "2534 Replies. Reply", fmt.Sprintf("%d Replies. Reply", p.Replies))
	return c
}

func mkFindAll(n *nethtml.Node, tid string) []*nethtml.Node {
	var out []*nethtml.Node
	var rec func(n *nethtml.Node)
	rec = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if attr(c, "data-testid") == tid {
				out = append(out, c)
			}
			rec(c)
		}
	}
	rec(n)
	return out
}

func mkInside(n, anc *nethtml.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

const (
	mkShowMoreCell = `<div class="css-175oi2r"><div role="button" tabindex="0" class="css-175oi2r r-1awozwy r-1loqt21 r-18u37iz r-1wtj0ep r-o7ynqc r-6416eg r-1ny4l3l"><div dir="ltr" class="css-146c3p1 r-bcqeeo r-qvutc0 r-37j5jr r-a023e6 r-rjixqe r-16dba41 r-1awozwy r-6koalj r-1h0z5md r-o7ynqc r-clp7b1 r-3s2u2q" style="color: rgb(29, 155, 240);"><span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">Show more replies</span></div></div></div>`
	mkHeadingCell  = `<div class="css-175oi2r r-1adg3ll"><div class="css-175oi2r r-1kqtdi0"><h2 dir="ltr" aria-level="2" role="heading" class="css-146c3p1 r-bcqeeo r-qvutc0 r-37j5jr r-adyw6z r-135wba7 r-1vr29t4 r-1awozwy r-6koalj r-1pi2tsx"><span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">%s</span></h2></div></div>`
	mkDividerCell  = `<div class="css-175oi2r r-1adg3ll r-1ny4l3l"><div class="css-175oi2r r-109y4c4 r-1p6iasa"></div></div>`
)

// mkCellHTMLs renders each cell as the outerHTML of its cellInnerDiv, at
// its place in the virtualised list (translateY grows like the real page).
func (tm *mkTemplate) mkCellHTMLs(cells []mkCell) []string {
	out := make([]string, 0, len(cells))
	y := 0.0
	for _, c := range cells {
		style := fmt.Sprintf("transform: translateY(%.1fpx); position: absolute; width: 100%%;", y)
		var inner string
		switch {
		case c.Post != nil:
			n := tm.mkCellNode(c.Post)
			mkSetAttr(n, "style", style)
			var b bytes.Buffer
			if err := nethtml.Render(&b, n); err != nil {
				panic(err)
			}
			out = append(out, b.String())
			y += 180.5 + float64(60*len(c.Post.Photos))
			continue
		case c.Kind == "showmore":
			inner = mkShowMoreCell
		case c.Kind == "heading":
			inner = fmt.Sprintf(mkHeadingCell, html.EscapeString(c.Heading))
		default:
			inner = mkDividerCell
		}
		out = append(out, fmt.Sprintf(`<div data-testid="cellInnerDiv" style="%s">%s</div>`, style, inner))
		y += 60
	}
	return out
}

// mkPage wraps cells in the page X serves (the timeline region of a status page).
func (tm *mkTemplate) mkPage(title string, cells []mkCell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<!-- MADE by Unspool's x_made_test.go from the cell structure of testdata/x-dom/tweetyoink-x-tweet-quote (MIT). -->\n")
	fmt.Fprintf(&b, `<html dir="ltr" lang="en"><head><meta charset="utf-8"><title>%s</title></head><body><div id="react-root"><div class="css-175oi2r r-13awgt0 r-12vffkv"><main role="main" class="css-175oi2r r-16y2uox r-1wbh5a2"><div class="css-175oi2r r-kemksi r-1kqtdi0 r-1ua6aaf r-th6na r-1phboty r-16y2uox r-184en5c r-1abdc3e r-1lg4w6u r-f8sm7e r-13qz1uu r-1ye8kvj" data-testid="primaryColumn"><section aria-labelledby="accessible-list-1" role="region" class="css-175oi2r"><h1 dir="auto" aria-level="1" role="heading" class="css-146c3p1 r-4iw3lz r-1xk2f4g r-109y4c4 r-1udh08x r-wwvuq4 r-u8s1d r-92ng3h" id="accessible-list-1">Conversation</h1><div aria-label="Timeline: Conversation"><div style="position: relative; min-height: 9000px;">`, html.EscapeString(title))
	for _, c := range tm.mkCellHTMLs(cells) {
		b.WriteString("\n" + c)
	}
	b.WriteString("\n</div></div></section></div></main></div></div></body></html>\n")
	return b.String()
}

// ---------------------------------------------------------------- GraphQL

// mkTweet is a TweetDetail tweet result for p.
func mkTweet(p *mkPost, conversation string) map[string]any {
	var full strings.Builder
	var urls, mentions, hashtags, symbols, media []map[string]any
	pos := 0 // code points
	write := func(s string) { full.WriteString(s); pos += utf8.RuneCountInString(s) }
	for _, part := range p.Parts {
		start := pos
		switch part.Kind {
		case "text", "emoji":
			write(part.Text)
		case "link":
			tco := "https://t.co/" + mkTCo(part.URL)
			write(tco)
			urls = append(urls, map[string]any{"url": tco, "expanded_url": part.URL, "display_url": xLinkDisplay(part.URL), "indices": []int{start, pos}})
		case "mention":
			write("@" + part.Text)
			mentions = append(mentions, map[string]any{"screen_name": part.Text, "name": part.Text, "id_str": "1", "indices": []int{start, pos}})
		case "hashtag":
			write("#" + part.Text)
			hashtags = append(hashtags, map[string]any{"text": part.Text, "indices": []int{start, pos}})
		case "cashtag":
			write("$" + part.Text)
			symbols = append(symbols, map[string]any{"text": part.Text, "indices": []int{start, pos}})
		}
	}
	legacy := map[string]any{
		"id_str": p.ID, "conversation_id_str": conversation, "lang": "en",
		"created_at": p.At.Format(xTwitterTime), "reply_count": p.Replies,
	}
	if p.Quote != nil {
		permalink := "https://t.co/q" + p.Quote.ID[len(p.Quote.ID)-6:]
		start := pos
		write(" ")
		write(permalink)
		urls = append(urls, map[string]any{"url": permalink, "expanded_url": xStatusURL(p.Quote.Author.Handle, p.Quote.ID), "indices": []int{start + 1, pos}})
		legacy["quoted_status_id_str"] = p.Quote.ID
		legacy["quoted_status_permalink"] = map[string]any{"url": permalink, "expanded": xStatusURL(p.Quote.Author.Handle, p.Quote.ID)}
		legacy["is_quote_status"] = true
	}
	shown := pos
	for i, ph := range p.Photos {
		tco := "https://t.co/p" + p.ID[len(p.ID)-6:]
		start := pos
		if i == 0 {
			write(" " + tco)
		}
		media = append(media, map[string]any{"type": "photo", "url": tco, "media_url_https": "https://pbs.twimg.com/media/" + ph.Key + ".jpg",
			"ext_alt_text": ph.Alt, "indices": []int{start + 1, pos}, "original_info": map[string]any{"width": ph.W, "height": ph.H}})
	}
	if v := p.Video; v != nil {
		tco := "https://t.co/v" + p.ID[len(p.ID)-6:]
		start := pos
		write(" " + tco)
		typ, variants := "video", []map[string]any{
			{"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/ext_tw_video/" + v.Key + "/pu/pl/playlist.m3u8"},
			{"content_type": "video/mp4", "bitrate": 632000, "url": mkVideoMP4(v, 632000)},
			{"content_type": "video/mp4", "bitrate": 2176000, "url": mkVideoMP4(v, 2176000)},
			{"content_type": "video/mp4", "bitrate": 950000, "url": mkVideoMP4(v, 950000)},
		}
		if v.GIF {
			typ, variants = "animated_gif", []map[string]any{{"content_type": "video/mp4", "bitrate": 0, "url": mkVideoMP4(v, 0)}}
		}
		media = append(media, map[string]any{"type": typ, "url": tco, "media_url_https": mkVideoPoster(v), "indices": []int{start + 1, pos},
			"original_info": map[string]any{"width": v.W, "height": v.H}, "video_info": map[string]any{"duration_millis": v.Duration, "variants": variants}})
	}
	legacy["full_text"] = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(full.String())
	legacy["display_text_range"] = []int{0, shown}
	ents := map[string]any{"urls": orEmpty(urls), "user_mentions": orEmpty(mentions), "hashtags": orEmpty(hashtags), "symbols": orEmpty(symbols)}
	if len(media) > 0 {
		ents["media"] = media
		legacy["extended_entities"] = map[string]any{"media": media}
	}
	legacy["entities"] = ents
	if p.ReplyTo != nil {
		legacy["in_reply_to_status_id_str"] = p.ReplyTo.ID
		legacy["in_reply_to_user_id_str"] = p.ReplyTo.Author.ID
		legacy["in_reply_to_screen_name"] = p.ReplyTo.Author.Handle
	}
	t := map[string]any{
		"__typename": "Tweet", "rest_id": p.ID,
		"core": map[string]any{"user_results": map[string]any{"result": map[string]any{
			"__typename": "User", "rest_id": p.Author.ID, "is_blue_verified": p.Author.Verified,
			"legacy": map[string]any{"screen_name": p.Author.Handle, "name": p.Author.Name, "profile_image_url_https": mkAvatarURL(p.Author, "normal")},
		}}},
		"legacy": legacy,
	}
	if p.Quote != nil {
		t["quoted_status_result"] = map[string]any{"result": mkTweet(p.Quote, p.Quote.ID)}
	}
	return t
}

func orEmpty(s []map[string]any) []map[string]any {
	if s == nil {
		return []map[string]any{}
	}
	return s
}

// mkTweetDetail is the TweetDetail response for a page opened on focal:
// its ancestors, the focal post, the author's continuation as one
// SelfThread module, then each other reply in a module of its own.
// Posts whose ids are in tombstones are sent as X sends deleted posts.
func mkTweetDetail(ancestors []*mkPost, focal *mkPost, chain []*mkPost, others []*mkPost, tombstones ...string) string {
	conv := focal.ID
	if len(ancestors) > 0 {
		conv = ancestors[0].ID
	}
	item := func(p *mkPost, display string) map[string]any {
		result := mkTweet(p, conv)
		for _, id := range tombstones {
			if id == p.ID {
				result = map[string]any{"__typename": "TweetTombstone", "tombstone": map[string]any{"__typename": "TextTombstone",
					"text": map[string]any{"text": "This Post was deleted by the Post author. Learn more"}}}
			}
		}
		return map[string]any{"itemType": "TimelineTweet", "__typename": "TimelineTweet", "tweetDisplayType": display,
			"tweet_results": map[string]any{"result": result}}
	}
	var entries []map[string]any
	for _, p := range append(append([]*mkPost(nil), ancestors...), focal) {
		entries = append(entries, map[string]any{"entryId": "tweet-" + p.ID, "sortIndex": p.ID,
			"content": map[string]any{"entryType": "TimelineTimelineItem", "__typename": "TimelineTimelineItem", "itemContent": item(p, "SelfThread")}})
	}
	if len(chain) > 0 {
		mod := "conversationthread-" + chain[0].ID
		var items []map[string]any
		for _, p := range chain {
			items = append(items, map[string]any{"entryId": mod + "-tweet-" + p.ID, "item": map[string]any{"itemContent": item(p, "SelfThread")}})
		}
		entries = append(entries, map[string]any{"entryId": mod, "content": map[string]any{"entryType": "TimelineTimelineModule", "displayType": "VerticalConversation", "items": items}})
	}
	for _, p := range others {
		mod := "conversationthread-" + p.ID
		entries = append(entries, map[string]any{"entryId": mod, "content": map[string]any{"entryType": "TimelineTimelineModule", "displayType": "VerticalConversation",
			"items": []map[string]any{{"entryId": mod + "-tweet-" + p.ID, "item": map[string]any{"itemContent": item(p, "Tweet")}}}}})
	}
	doc := map[string]any{"data": map[string]any{"threaded_conversation_with_injections_v2": map[string]any{"instructions": []map[string]any{
		{"type": "TimelineAddEntries", "entries": entries},
		{"type": "TimelineTerminateTimeline", "direction": "Top"},
	}}}}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}
