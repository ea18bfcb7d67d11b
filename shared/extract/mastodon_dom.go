package extract

// Mastodon's web UI DOM, the fallback when the API was not reachable. The
// page is recognised by the app's own markers, not by a list of instances.
// The DOM does not say which post a reply answers, so the chain is read
// from the order the web UI renders the context in: ancestors above the
// detailed status, then descendants depth-first with the author's own
// replies first; the author's posts directly above and below the detailed
// status form the chain, and one by anyone else ends it.

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

// Selectors of Mastodon 4.x's web UI; class names are the app's own (not
// generated), stable since 3.x.
const (
	mastoSelFocal   = ".detailed-status"
	mastoSelStatus  = ".status[data-id]"
	mastoSelItems   = ".detailed-status, .status[data-id]"
	mastoSelText    = ".status__content__text"
	mastoSelContent = ".status__content"
	// Content warnings: 4.3+ banner (not its "Filtered" variant), older spoiler markup.
	mastoSelCW          = ".content-warning:not(.content-warning--filter) > p, .spoiler-text, .status__content__spoiler .p-summary, .status__content p .p-summary"
	mastoSelFocalName   = "a.detailed-status__display-name"
	mastoSelStatusName  = "a.status__display-name"
	mastoSelDisplayName = ".display-name__html"
	mastoSelAccount     = ".display-name__account"
	mastoSelAvatar      = ".account__avatar img"
	mastoSelFocalTime   = "a.detailed-status__datetime"
	mastoSelStatusTime  = "a.status__relative-time"
	mastoSelPhoto       = "a.media-gallery__item-thumbnail"
	mastoSelVideo       = ".video-player video, .media-gallery__gifv video, .audio-player audio"
	mastoSelCard        = "a.status-card"
	mastoSelPollOption  = ".poll li"
	mastoSelPollLabel   = ".poll__option__text"
)

var (
	// mastoPageMarkers: the web UI's mount point and its initial state script.
	mastoPageMarkers = [][]byte{[]byte(`id="mastodon"`), []byte(`id="initial-state"`)}
	// mastoStatusMarker: a rendered status, without which there is nothing to read.
	mastoStatusMarker = []byte(`status__content`)
	// mastoProfilePathRe is an account link in the UI: /@user or /@user@host.
	mastoProfilePathRe = regexp.MustCompile(`^/@([^/@]+)(?:@([^/]+))?/?$`)
	// mastoIDPathRe takes the status id from a status link.
	mastoIDPathRe = regexp.MustCompile(`/([0-9A-Za-z]+)/?$`)
)

type mastodonDOM struct{}

func (mastodonDOM) Name() string { return "mastodon-dom" }

func (mastodonDOM) Accepts(p *Page) bool {
	if p.JSON || !bytes.Contains(p.Content, mastoStatusMarker) {
		return false
	}
	for _, m := range mastoPageMarkers {
		if bytes.Contains(p.Content, m) {
			return true
		}
	}
	return false
}

func (mastodonDOM) Extract(p *Page) (*thread.Thread, error) {
	doc, err := parseHTML(p.Content)
	if err != nil {
		return nil, err
	}
	items := doc.Find(mastoSelItems)
	focalIdx := -1
	items.EachWithBreak(func(i int, s *goquery.Selection) bool {
		if s.Is(mastoSelFocal) {
			focalIdx = i
			return false
		}
		return true
	})
	if focalIdx < 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "mastodon: the page shows no opened status (the web UI renders it with JavaScript; the API's status and context read better)")
	}
	base := p.URL
	focal := mastoDOMItem(items.Eq(focalIdx), base, true)
	if focal.id == "" {
		if m := mastoStatusPathRe.FindStringSubmatch(p.URL.Path); m != nil {
			focal.id = m[1]
			focal.post.ID = m[1]
			focal.post.URL = p.URL.String()
		}
	}
	if focal.id == "" || focal.acct == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "mastodon: the opened status has no id or author link")
	}
	if focal.post.CreatedAt.IsZero() {
		// The detailed status shows a formatted date only; the page's
		// metadata has the exact time when it describes the same status.
		if og := doc.Find(`meta[property="og:url"]`).AttrOr("content", ""); og != "" && mastoIDPathRe.FindStringSubmatch(og) != nil && strings.HasSuffix(strings.TrimRight(og, "/"), "/"+focal.id) {
			focal.post.CreatedAt = rfcTime(doc.Find(`meta[property="og:published_time"]`).AttrOr("content", ""))
		}
	}

	var above, below []mastoDOMStatus
	for i := focalIdx - 1; i >= 0; i-- {
		s := mastoDOMItem(items.Eq(i), base, false)
		if s.acct != focal.acct || s.id == "" {
			break
		}
		above = append(above, s)
	}
	for i := focalIdx + 1; i < items.Length(); i++ {
		s := mastoDOMItem(items.Eq(i), base, false)
		if s.acct != focal.acct || s.id == "" {
			break
		}
		below = append(below, s)
	}

	t := &thread.Thread{Platform: thread.Mastodon, Author: focal.author, URL: focal.post.URL, FocalID: focal.id, Complete: true}
	posts := func(list []mastoDOMStatus) []thread.Post {
		out := make([]thread.Post, 0, len(list))
		for _, s := range list {
			out = append(out, s.post)
		}
		return out
	}
	t.Posts = chainPosts(posts(above), focal.post, posts(below))
	t.ID = t.Posts[0].ID
	return t, nil
}

type mastoDOMStatus struct {
	id     string
	acct   string // user@instance, the identity compared (never the display name)
	author thread.Author
	post   thread.Post
}

// mastoDOMItem reads one rendered status (detailed or in the thread list).
func mastoDOMItem(s *goquery.Selection, base *url.URL, detailed bool) mastoDOMStatus {
	var out mastoDOMStatus
	nameSel, timeSel := mastoSelStatusName, mastoSelStatusTime
	if detailed {
		nameSel, timeSel = mastoSelFocalName, mastoSelFocalTime
	}
	name := s.Find(nameSel).First()
	// The identity compared is the account link's; the handle shown in
	// full (user@instance), where the UI gives it, names the author.
	out.acct = mastoAcctFromHref(name.AttrOr("href", ""), base)
	handle := out.acct
	if shown := strings.TrimPrefix(strings.TrimSpace(name.Find(mastoSelAccount).First().Text()), "@"); strings.Contains(shown, "@") && out.acct != "" && strings.HasPrefix(shown, strings.SplitN(out.acct, "@", 2)[0]+"@") {
		handle = strings.ToLower(shown)
	}
	out.author = safeAuthor(thread.Author{
		Handle: handle,
		Name:   strings.TrimSpace(name.Find(mastoSelDisplayName).First().Text()),
		URL:    absURL(base, name.AttrOr("href", "")),
		Avatar: absURL(base, name.Find(mastoSelAvatar).First().AttrOr("src", "")),
	})
	link := s.Find(timeSel).First()
	out.id = s.AttrOr("data-id", "")
	if out.id == "" {
		if m := mastoIDPathRe.FindStringSubmatch(link.AttrOr("href", "")); m != nil {
			out.id = m[1]
		}
	}
	p := thread.Post{ID: out.id, URL: absURL(base, link.AttrOr("href", ""))}
	p.CreatedAt = rfcTime(s.Find("time[datetime]").First().AttrOr("datetime", ""))

	content := s.Find(mastoSelText).First()
	if content.Length() == 0 {
		content = s.Find(mastoSelContent).First()
	}
	p.ContentWarning = strings.TrimSpace(s.Find(mastoSelCW).First().Text())
	p.Lang = content.AttrOr("lang", "")
	runner := mastoRunner(func(ref string) string { return absURL(base, ref) })
	runner.Skip = func(n *html.Node) bool {
		// The CW line and its toggle are not part of the text.
		return hasClass(n, "content-warning") || hasClass(n, "spoiler-text") || hasClass(n, "status__content__spoiler-link") || hasClass(n, "p-summary")
	}
	setText(&p, runner.Runs(content))

	s.Find(mastoSelPhoto).Each(func(_ int, a *goquery.Selection) {
		p.Media = append(p.Media, thread.Media{Type: thread.Photo, URL: absURL(base, a.AttrOr("href", "")), Alt: a.Find("img").AttrOr("alt", "")})
	})
	s.Find(mastoSelVideo).Each(func(_ int, v *goquery.Selection) {
		typ := thread.Video
		switch {
		case goquery.NodeName(v) == "audio":
			typ = thread.Audio
		case v.ParentsFiltered(".media-gallery__gifv").Length() > 0:
			typ = thread.GIF
		}
		src := v.AttrOr("src", v.Find("source").AttrOr("src", ""))
		m := thread.Media{Type: typ, URL: absURL(base, src), Poster: absURL(base, v.AttrOr("poster", "")), Alt: v.AttrOr("aria-label", v.AttrOr("title", ""))}
		if m.URL == "" {
			m.URL = p.URL
		}
		p.Media = append(p.Media, m)
	})
	p.Media = safeMedia(p.Media)

	if c := s.Find(mastoSelCard).First(); c.Length() > 0 {
		p.Card = safeCard(&thread.Card{
			URL:         absURL(base, c.AttrOr("href", "")),
			Title:       strings.TrimSpace(c.Find(".status-card__title").First().Text()),
			Description: strings.TrimSpace(c.Find(".status-card__description").First().Text()),
			Image:       absURL(base, c.Find("img").First().AttrOr("src", "")),
		})
	}
	if opts := s.Find(mastoSelPollOption); opts.Length() > 0 {
		poll := &thread.Poll{}
		opts.Each(func(_ int, o *goquery.Selection) {
			label := strings.TrimSpace(o.Find(mastoSelPollLabel).First().Text())
			if label == "" {
				label = strings.TrimSpace(o.Text())
			}
			// The UI shows percentages, not counts.
			poll.Options = append(poll.Options, thread.PollOption{Label: label, Votes: -1})
		})
		p.Poll = poll
	}
	out.post = p
	return out
}

// mastoAcctFromHref turns an account link (/@user, /@user@host, or an
// absolute profile URL) into "user@host", the page's host for local users.
func mastoAcctFromHref(href string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil || href == "" {
		return ""
	}
	host := pageHost(base)
	if u.Host != "" {
		host = strings.ToLower(u.Hostname())
	}
	m := mastoProfilePathRe.FindStringSubmatch(u.Path)
	if m == nil {
		return ""
	}
	if m[2] != "" {
		host = strings.ToLower(m[2])
	}
	return strings.ToLower(m[1]) + "@" + host
}
