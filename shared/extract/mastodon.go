package extract

// Mastodon's REST API shapes, from any instance: a Status object
// (/api/v1/statuses/:id) or {"status": Status, "context": Context} with the
// context's ancestors and descendants (/api/v1/statuses/:id/context). The
// thread is the focal account's chain (same account id, never just the same
// display name) through in_reply_to_id.

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"unspool/shared/thread"
)

var (
	// mastoStatusPathRe is a status page on any instance: /@user/<id>,
	// /@user@remote/<id>, /@user/statuses/<id> (GoToSocial),
	// /users/<user>/statuses/<id>, /notice/<id> (Pleroma, Akkoma),
	// /statuses/<id>.
	mastoStatusPathRe = regexp.MustCompile(`^/(?:@[^/]+(?:/statuses)?|users/[^/]+/statuses|notice|statuses)/([0-9A-Za-z]+)/?$`)
	// mastoShortcodeRe finds custom emoji shortcodes in text (:blobcat:).
	mastoShortcodeRe = regexp.MustCompile(`:([A-Za-z0-9_]{2,}):`)
	// mastoStatusKeys are keys every Status has; together they tell a Status
	// from any other JSON document without a domain list.
	mastoStatusKeys = [][]byte{[]byte(`"account"`), []byte(`"content"`), []byte(`"in_reply_to_id"`), []byte(`"media_attachments"`)}
)

// mastoID is an id as Mastodon sends it since 2.0, a string; 1.x sent the
// same ids as JSON numbers (and so does the odd compatible server).
type mastoID string

func (id *mastoID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*id = mastoID(n)
		return nil
	}
	return json.Unmarshal(b, (*string)(id))
}

// str is the id, "" when absent.
func (id *mastoID) str() string {
	if id == nil {
		return ""
	}
	return string(*id)
}

type mastoAccount struct {
	ID           mastoID      `json:"id"`
	Username     string       `json:"username"`
	Acct         string       `json:"acct"`
	DisplayName  string       `json:"display_name"`
	URL          string       `json:"url"`
	Avatar       string       `json:"avatar"`
	AvatarStatic string       `json:"avatar_static"`
	Emojis       []mastoEmoji `json:"emojis"`
}

type mastoEmoji struct {
	Shortcode string `json:"shortcode"`
	URL       string `json:"url"`
	StaticURL string `json:"static_url"`
}

type mastoStatus struct {
	ID        mastoID `json:"id"`
	CreatedAt string  `json:"created_at"`
	// EditedAt: Mastodon 3.5+, and Pleroma, Akkoma and GoToSocial under
	// the same key; null or absent when never edited.
	EditedAt           *string         `json:"edited_at"`
	InReplyToID        *mastoID        `json:"in_reply_to_id"`
	InReplyToAccountID *mastoID        `json:"in_reply_to_account_id"`
	Sensitive          bool            `json:"sensitive"`
	SpoilerText        string          `json:"spoiler_text"`
	Language           *string         `json:"language"`
	URI                string          `json:"uri"`
	URL                *string         `json:"url"`
	RepliesCount       int             `json:"replies_count"`
	Content            string          `json:"content"`
	Reblog             *mastoStatus    `json:"reblog"`
	Account            *mastoAccount   `json:"account"`
	Media              []mastoMedia    `json:"media_attachments"`
	Emojis             []mastoEmoji    `json:"emojis"`
	Card               *mastoCard      `json:"card"`
	Poll               *mastoPoll      `json:"poll"`
	Quote              json.RawMessage `json:"quote"`
}

type mastoMedia struct {
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	PreviewURL  *string `json:"preview_url"`
	RemoteURL   *string `json:"remote_url"`
	Description *string `json:"description"`
	Meta        struct {
		Original struct {
			Width    int     `json:"width"`
			Height   int     `json:"height"`
			Duration float64 `json:"duration"`
		} `json:"original"`
	} `json:"meta"`
}

type mastoCard struct {
	URL         string  `json:"url"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Image       *string `json:"image"`
}

type mastoPoll struct {
	ExpiresAt *string `json:"expires_at"`
	Expired   bool    `json:"expired"`
	Options   []struct {
		Title      string `json:"title"`
		VotesCount *int   `json:"votes_count"`
	} `json:"options"`
}

type mastoContext struct {
	Ancestors   []*mastoStatus `json:"ancestors"`
	Descendants []*mastoStatus `json:"descendants"`
}

// mastoBundle is what the extension sends: the status and its context.
type mastoBundle struct {
	Status  *mastoStatus  `json:"status"`
	Context *mastoContext `json:"context"`
}

// mastoInput is every shape Extract takes, read in one pass: the bundle,
// a bare Status, a bare /context (refused). Their keys differ, so each
// shape fills only its own part.
type mastoInput struct {
	mastoBundle
	mastoStatus
	mastoContext
}

type mastodonJSON struct{}

func (mastodonJSON) Name() string { return "mastodon-api" }

func (mastodonJSON) Accepts(p *Page) bool {
	if !p.JSON {
		return false
	}
	for _, k := range mastoStatusKeys {
		if !bytes.Contains(p.Content, k) {
			return false
		}
	}
	return true
}

func (mastodonJSON) Extract(p *Page) (*thread.Thread, error) {
	var in mastoInput
	if err := json.Unmarshal(p.Content, &in); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "mastodon: the API response cannot be read: %v", err)
	}
	b := in.mastoBundle
	switch {
	case b.Status != nil:
	case in.Account != nil:
		b.Status = &in.mastoStatus
	case in.Ancestors != nil || in.Descendants != nil:
		return nil, thread.Errorf(thread.EINVALID, "mastodon: a /context response lacks the status itself; pass {\"status\": …, \"context\": …}")
	}
	focal := b.Status
	if focal == nil || focal.ID == "" || focal.Account == nil || focal.Account.ID == "" {
		return nil, thread.Errorf(thread.ENOTFOUND, "mastodon: the response holds no status with an account")
	}
	if focal.Reblog != nil && focal.Reblog.Account != nil {
		// A boost's page shows the boosted status; its thread is the one to read.
		focal = focal.Reblog
	}
	if m := mastoStatusPathRe.FindStringSubmatch(p.URL.Path); m != nil && m[1] != string(focal.ID) && (b.Status == nil || m[1] != string(b.Status.ID)) {
		return nil, thread.Errorf(thread.EINVALID, "mastodon: the response is for status %s, the page is status %s", focal.ID, m[1])
	}
	t, err := mastoChain(focal, b.Context)
	if err != nil {
		return nil, err
	}
	// What an account or Status without its optional keys leaves open, the
	// page answers: a Status without url or an http(s) uri (a compatible
	// server's tag: URI) is the page's own; an account without acct's
	// server or a url is local to the page's server.
	if t.URL == "" {
		t.URL = thread.SafeURL(p.URL.String())
	}
	if !strings.Contains(t.Author.Handle, "@") {
		t.Author.Handle += "@" + pageHost(p.URL)
	}
	// Mastodon 1.x gave an account without a picture the instance's default
	// as a path ("/avatars/original/missing.png"), relative to the instance
	// that answered: the page's.
	if t.Author.Avatar == "" {
		t.Author.Avatar = absURL(p.URL, focal.Account.Avatar)
	}
	return t, nil
}

// mastoChain walks the focal account's chain through the context.
func mastoChain(focal *mastoStatus, ctx *mastoContext) (*thread.Thread, error) {
	acct := string(focal.Account.ID)
	g := newReplyGraph(
		func(s *mastoStatus) string { return string(s.ID) },
		func(s *mastoStatus) string { return s.InReplyToID.str() },
		func(s *mastoStatus) string { return string(s.Account.ID) },
		func(s *mastoStatus) time.Time { return rfcTime(s.CreatedAt) },
	)
	if ctx != nil {
		for _, list := range [][]*mastoStatus{ctx.Ancestors, ctx.Descendants} {
			for _, s := range list {
				if s != nil && s.ID != "" && s.Account != nil {
					g.add(s)
				}
			}
		}
	}
	var gaps []string

	above, orphan, found := g.up(focal)
	// Not in the context (none fetched, deleted, or private): a gap only
	// when it was the author's own post.
	if found && orphan.InReplyToAccountID.str() == acct {
		if ctx == nil {
			gaps = append(gaps, "earlier posts of the thread were not fetched (no context)")
		} else {
			gaps = append(gaps, "an earlier post of the thread is missing (deleted or not visible)")
		}
	}
	below, last := g.down(focal)
	switch {
	case ctx == nil && last.RepliesCount > 0:
		gaps = append(gaps, "replies were not fetched (no context)")
	case ctx != nil && last.RepliesCount > 0 && len(g.children[string(last.ID)]) == 0:
		// The instance counts replies the context does not hold: it cuts
		// long contexts (and hides what the viewer may not see).
		gaps = append(gaps, "the last post's replies are not in the context (it may be cut short)")
	}

	t := &thread.Thread{
		Platform: thread.Mastodon,
		Author:   mastoAuthor(focal.Account),
		URL:      mastoStatusURL(focal),
		FocalID:  string(focal.ID),
		Complete: len(gaps) == 0,
		Gaps:     gaps,
	}
	post := func(s *mastoStatus) thread.Post { return mastoPost(s, true) }
	t.Posts = chainPosts(postsOf(above, post), post(focal), postsOf(below, post))
	t.ID = t.Posts[0].ID
	return t, nil
}

func mastoStatusURL(s *mastoStatus) string {
	if s.URL != nil && thread.SafeURL(*s.URL) != "" {
		return *s.URL
	}
	return thread.SafeURL(s.URI)
}

// mastoAuthor names an account with its instance ("user@instance"), the
// only handle that is unique across the fediverse.
func mastoAuthor(a *mastoAccount) thread.Author {
	handle := a.Acct
	if handle == "" {
		handle = a.Username
	}
	if !strings.Contains(handle, "@") {
		if host := thread.Domain(a.URL); host != "" {
			handle += "@" + host
		}
	}
	avatar := a.Avatar
	if avatar == "" {
		avatar = a.AvatarStatic
	}
	return safeAuthor(thread.Author{Handle: strings.TrimPrefix(handle, "@"), Name: a.DisplayName, URL: a.URL, Avatar: avatar, ID: string(a.ID)})
}

// mastoPost converts a Status; quotes is false inside a quote (the model
// nests one level).
func mastoPost(s *mastoStatus, quotes bool) thread.Post {
	p := thread.Post{ID: string(s.ID), URL: mastoStatusURL(s), CreatedAt: rfcTime(s.CreatedAt), ContentWarning: strings.TrimSpace(s.SpoilerText)}
	p.EditedAt = editedTime(p.CreatedAt, s.EditedAt)
	if s.Language != nil {
		p.Lang = *s.Language
	}
	p.ReplyTo = s.InReplyToID.str()
	var quote *thread.Post
	if quotes {
		quote = mastoQuote(s.Quote)
	}
	setText(&p, tidyRuns(mastoContentRuns(s.Content, s.Emojis, quote != nil)))
	p.Quote = quote
	for _, m := range s.Media {
		if media, ok := mastoMediaItem(m, p.URL); ok {
			p.Media = append(p.Media, media)
		}
	}
	p.Media = safeMedia(p.Media)
	if p.ContentWarning == "" && s.Sensitive && len(p.Media) > 0 {
		p.ContentWarning = "Sensitive media"
	}
	if c := s.Card; c != nil {
		card := &thread.Card{URL: c.URL, Title: c.Title, Description: c.Description}
		if c.Image != nil {
			card.Image = *c.Image
		}
		p.Card = safeCard(card)
	}
	if s.Poll != nil && len(s.Poll.Options) > 0 {
		poll := &thread.Poll{Closed: s.Poll.Expired}
		for _, o := range s.Poll.Options {
			votes := -1
			if o.VotesCount != nil {
				votes = *o.VotesCount
			}
			poll.Options = append(poll.Options, thread.PollOption{Label: o.Title, Votes: votes})
		}
		if s.Poll.ExpiresAt != nil {
			if t := rfcTime(*s.Poll.ExpiresAt); !t.IsZero() {
				poll.EndsAt = &t
			}
		}
		p.Poll = poll
	}
	return p
}

// mastoQuote reads a quote: Mastodon 4.4+ gives {"state", "quoted_status"};
// some forks give the quoted Status itself. Pending, revoked and shallow
// quotes (an id only) give nil.
func mastoQuote(raw json.RawMessage) *thread.Post {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var q struct {
		State        string       `json:"state"`
		QuotedStatus *mastoStatus `json:"quoted_status"`
	}
	if json.Unmarshal(raw, &q) != nil {
		return nil
	}
	s := q.QuotedStatus
	if s == nil {
		var direct mastoStatus
		if json.Unmarshal(raw, &direct) != nil {
			return nil
		}
		s = &direct
	} else if q.State != "" && q.State != "accepted" {
		return nil
	}
	if s.ID == "" || s.Account == nil {
		return nil
	}
	post := mastoPost(s, false)
	a := mastoAuthor(s.Account)
	post.Author = &a
	return &post
}

func mastoMediaItem(m mastoMedia, postURL string) (thread.Media, bool) {
	str := deref
	u := str(m.URL)
	if u == "" {
		u = str(m.RemoteURL)
	}
	media := thread.Media{URL: u, Alt: str(m.Description), Width: m.Meta.Original.Width, Height: m.Meta.Original.Height}
	switch m.Type {
	case "image":
		media.Type = thread.Photo
	case "video":
		media.Type, media.Poster = thread.Video, str(m.PreviewURL)
	case "gifv":
		media.Type, media.Poster = thread.GIF, str(m.PreviewURL)
	case "audio":
		media.Type, media.Poster = thread.Audio, str(m.PreviewURL)
	default:
		// "unknown": a remote file the instance did not process; link the post.
		return thread.Media{}, false
	}
	if media.Type != thread.Photo {
		media.DurationMS = int(m.Meta.Original.Duration * 1000)
		if media.URL == "" {
			media.URL = postURL
		}
	}
	return media, true
}

// mastoContentRuns turns a Status's HTML content into runs; quoted drops
// the "RE: <link>" paragraph Mastodon adds for clients without quotes.
func mastoContentRuns(content string, emojis []mastoEmoji, quoted bool) []thread.Run {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<div>" + content + "</div>"))
	if err != nil {
		return nil
	}
	if quoted {
		doc.Find(".quote-inline").Remove()
	}
	runs := mastoRunner(nil).Runs(doc.Find("body > div").First())
	return mastoEmojiRuns(runs, emojis)
}

// mastoRunner classifies Mastodon's links: mentions and hashtags carry the
// "mention"/"hashtag" classes; other links show a shortened URL (hidden
// parts in span.invisible, "…" after span.ellipsis) and point at the full one.
func mastoRunner(resolve func(string) string) runWalker {
	if resolve == nil {
		resolve = thread.SafeURL
	}
	return runWalker{
		Link: func(a *html.Node, text string) (thread.Run, bool) {
			href := resolve(attr(a, "href"))
			switch {
			case hasClass(a, "hashtag") || strings.HasPrefix(text, "#"):
				return thread.Run{Type: thread.HashtagRun, Text: text, URL: href}, true
			case hasClass(a, "mention") || hasClass(a, "u-url") || (strings.HasPrefix(text, "@") && href != ""):
				return thread.Run{Type: thread.MentionRun, Text: text, URL: href}, true
			case href == "":
				return thread.Run{Type: thread.TextRun, Text: text}, true
			}
			return thread.Run{Type: thread.LinkRun, Text: text, URL: href}, true
		},
		Image: func(img *html.Node) (thread.Run, bool) {
			alt := attr(img, "alt")
			if alt == "" {
				return thread.Run{}, false
			}
			if hasClass(img, "custom-emoji") {
				return thread.Run{Type: thread.EmojiRun, Text: alt, URL: resolve(attr(img, "src"))}, true
			}
			return thread.Run{Type: thread.EmojiRun, Text: alt}, true
		},
	}
}

// mastoEmojiRuns turns :shortcode: in text runs into emoji runs with the
// instance's image, for the shortcodes the status declares.
func mastoEmojiRuns(runs []thread.Run, emojis []mastoEmoji) []thread.Run {
	if len(emojis) == 0 {
		return runs
	}
	img := map[string]string{}
	for _, e := range emojis {
		u := thread.SafeURL(e.URL)
		if u == "" {
			u = thread.SafeURL(e.StaticURL)
		}
		if u != "" {
			img[e.Shortcode] = u
		}
	}
	var out []thread.Run
	for _, r := range runs {
		if r.Type != thread.TextRun {
			out = append(out, r)
			continue
		}
		pos := 0
		for _, m := range mastoShortcodeRe.FindAllStringSubmatchIndex(r.Text, -1) {
			u, ok := img[r.Text[m[2]:m[3]]]
			if !ok {
				continue
			}
			out = append(out, thread.Run{Type: thread.TextRun, Text: r.Text[pos:m[0]]}, thread.Run{Type: thread.EmojiRun, Text: r.Text[m[0]:m[1]], URL: u})
			pos = m[1]
		}
		out = append(out, thread.Run{Type: thread.TextRun, Text: r.Text[pos:]})
	}
	return out
}
