package extract

// Misskey's own API, for the Misskey family (Misskey, Sharkey, Iceshrimp,
// Firefish, CherryPick, …) on servers without a Mastodon-compatible API:
// a Note (POST /api/notes/show {noteId}) alone, or what the extension sends,
// {"note": Note, "conversation": [Note…], "children": [Note…]} — the note,
// its ancestors (POST /api/notes/conversation, nearest first) and the direct
// replies of each of the author's notes below it (POST /api/notes/children).
// The thread is the focal user's chain (same userId) through replyId; the
// text is MFM, Misskey's markup (misskey_mfm.go). Threads read here are
// platform "misskey" (source "misskey-api"): their ids are the server's
// note ids and only Misskey's API reads them again (keep current).

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"unspool/shared/thread"
)

var (
	// missNotePathRe is a note page of the family's web client: /notes/<id>
	// (aid, aidx, meid or ObjectId ids, all alphanumeric).
	missNotePathRe = regexp.MustCompile(`^/notes/([0-9A-Za-z]+)/?$`)
	// missNoteKeys are keys every packed Note has since Misskey v10 (2018);
	// Mastodon's Status has none of them (snake_case), so they tell the two
	// APIs apart without a domain list.
	missNoteKeys = [][]byte{[]byte(`"userId"`), []byte(`"createdAt"`), []byte(`"visibility"`)}
)

// missUser is a packed UserLite: host is null for the server's own users.
type missUser struct {
	ID        string     `json:"id"`
	Name      *string    `json:"name"`
	Username  string     `json:"username"`
	Host      *string    `json:"host"`
	AvatarURL *string    `json:"avatarUrl"`
	Emojis    missEmojis `json:"emojis"`
}

type missFile struct {
	Type         string  `json:"type"` // a MIME type
	URL          *string `json:"url"`
	ThumbnailURL *string `json:"thumbnailUrl"`
	Comment      *string `json:"comment"`
	IsSensitive  bool    `json:"isSensitive"`
	Properties   struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	} `json:"properties"`
}

type missPoll struct {
	ExpiresAt *string `json:"expiresAt"`
	Choices   []struct {
		Text  string `json:"text"`
		Votes int    `json:"votes"`
	} `json:"choices"`
}

type missNote struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
	// UpdatedAt: when the note was last edited (Misskey since its 2023.10
	// note edits, and the forks that edit: Sharkey, Firefish, Iceshrimp…);
	// null or absent when never.
	UpdatedAt    *string    `json:"updatedAt"`
	UserID       string     `json:"userId"`
	User         *missUser  `json:"user"`
	Text         *string    `json:"text"`
	CW           *string    `json:"cw"`
	ReplyID      *string    `json:"replyId"`
	Reply        *missNote  `json:"reply"`
	Renote       *missNote  `json:"renote"`
	Files        []missFile `json:"files"`
	Poll         *missPoll  `json:"poll"`
	Emojis       missEmojis `json:"emojis"`
	URI          *string    `json:"uri"`
	URL          *string    `json:"url"`
	RepliesCount int        `json:"repliesCount"`
}

// missEmojis are custom emoji by name: Misskey up to v12 sends a list of
// {name, url}, v13 and later a map name → url. Anything else reads as none.
type missEmojis map[string]string

func (e *missEmojis) UnmarshalJSON(b []byte) error {
	var list []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	var byName map[string]string
	switch {
	case json.Unmarshal(b, &list) == nil:
		byName = map[string]string{}
		for _, x := range list {
			byName[x.Name] = x.URL
		}
	case json.Unmarshal(b, &byName) == nil:
	}
	*e = byName
	return nil
}

// missBundle is what the extension sends; a missing list is nil (not
// fetched), an empty one fetched and empty.
type missBundle struct {
	Note         *missNote   `json:"note"`
	Conversation []*missNote `json:"conversation"`
	Children     []*missNote `json:"children"`
}

// missInput is both shapes Extract takes, read in one pass: the bundle
// or a bare Note (whose keys are not the bundle's).
type missInput struct {
	missBundle
	missNote
}

type misskeyJSON struct{}

func (misskeyJSON) Name() string { return thread.MisskeySource }

func (misskeyJSON) Accepts(p *Page) bool {
	return p.JSON && containsAll(p.Content, missNoteKeys)
}

func (misskeyJSON) Extract(p *Page) (*thread.Thread, error) {
	var in missInput
	if err := json.Unmarshal(p.Content, &in); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "misskey: the API response cannot be read: %v", err)
	}
	b := in.missBundle
	if b.Note == nil {
		b.Note = &in.missNote
	}
	opened := b.Note
	if opened == nil || opened.ID == "" || opened.UserID == "" || opened.User == nil {
		return nil, thread.Errorf(thread.ENOTFOUND, "misskey: the response holds no note with its user")
	}
	focal := opened
	if missPureRenote(focal) && focal.Renote.User != nil && focal.Renote.UserID != "" {
		// A renote's page shows the renoted note; its thread is the one to read.
		focal = focal.Renote
	}
	if m := missNotePathRe.FindStringSubmatch(p.URL.Path); m != nil && m[1] != focal.ID && m[1] != opened.ID {
		return nil, thread.Errorf(thread.EINVALID, "misskey: the response is for note %s, the page is note %s", focal.ID, m[1])
	}
	return missChain(focal, b, pageHost(p.URL))
}

// missPureRenote is a renote without text, files or poll of its own (a
// quote has some).
func missPureRenote(n *missNote) bool {
	return n.Renote != nil && (n.Text == nil || *n.Text == "") && len(n.Files) == 0 && n.Poll == nil
}

// missChain walks the focal user's chain: the ancestors the conversation
// (or the embedded reply) holds, and the user's earliest own reply at each
// step below.
func missChain(focal *missNote, b missBundle, host string) (*thread.Thread, error) {
	g := newReplyGraph(
		func(n *missNote) string { return n.ID },
		func(n *missNote) string { return deref(n.ReplyID) },
		func(n *missNote) string { return n.UserID },
		func(n *missNote) time.Time { return rfcTime(n.CreatedAt) },
	)
	var add func(n *missNote)
	add = func(n *missNote) {
		if n == nil || n.ID == "" || n.UserID == "" || n.User == nil {
			return
		}
		g.add(n)
		// notes/show and notes/conversation embed each note's parent.
		add(n.Reply)
	}
	add(focal)
	for _, list := range [][]*missNote{b.Conversation, b.Children} {
		for _, n := range list {
			add(n)
		}
	}
	var gaps []string

	above, _, found := g.up(focal)
	if found {
		// Neither fetched nor embedded: whose it was is unknown, so the
		// start of the thread is.
		if b.Conversation == nil {
			gaps = append(gaps, "earlier posts of the thread were not fetched (no conversation)")
		} else {
			gaps = append(gaps, "an earlier post of the thread is missing (deleted or not visible)")
		}
	}
	below, last := g.down(focal)
	switch {
	case b.Children == nil && last.RepliesCount > 0:
		gaps = append(gaps, "replies were not fetched (no children)")
	case b.Children != nil && last.RepliesCount > 0 && len(g.children[last.ID]) == 0:
		gaps = append(gaps, "the last post's replies are not among those fetched")
	}

	t := &thread.Thread{
		Platform: thread.Misskey,
		Author:   missAuthor(focal.User, host),
		URL:      missNoteURL(focal, host),
		FocalID:  focal.ID,
		Complete: len(gaps) == 0,
		Gaps:     gaps,
	}
	post := func(n *missNote) thread.Post { return missPost(n, host, true) }
	t.Posts = chainPosts(postsOf(above, post), post(focal), postsOf(below, post))
	t.ID = t.Posts[0].ID
	return t, nil
}

// missNoteURL is a note's address: the server's own page for its users'
// notes, the origin's for a remote note (url, else its ActivityPub uri).
func missNoteURL(n *missNote, host string) string {
	if n.User != nil && n.User.Host != nil && *n.User.Host != "" {
		for _, u := range []*string{n.URL, n.URI} {
			if u != nil && thread.SafeURL(*u) != "" {
				return *u
			}
		}
	}
	return thread.SafeURL("https://" + host + "/notes/" + n.ID)
}

// missAuthor names a user with their server ("user@server"); the profile
// is the page server's view of them (/@user, /@user@remote), which every
// Misskey-family server has.
func missAuthor(u *missUser, host string) thread.Author {
	server := host
	profile := "@" + u.Username
	if u.Host != nil && *u.Host != "" {
		server = *u.Host
		profile += "@" + server
	}
	a := thread.Author{Handle: u.Username + "@" + server, Name: u.Username, URL: "https://" + host + "/" + profile, ID: u.ID}
	if u.Name != nil && strings.TrimSpace(*u.Name) != "" {
		a.Name = *u.Name
	}
	if u.AvatarURL != nil {
		a.Avatar = *u.AvatarURL
	}
	return safeAuthor(a)
}

// missPost converts a Note; quotes is false inside a quote (the model
// nests one level).
func missPost(n *missNote, host string, quotes bool) thread.Post {
	p := thread.Post{ID: n.ID, URL: missNoteURL(n, host), CreatedAt: rfcTime(n.CreatedAt)}
	p.EditedAt = editedTime(p.CreatedAt, n.UpdatedAt)
	if n.CW != nil {
		p.ContentWarning = strings.TrimSpace(*n.CW)
	}
	if n.ReplyID != nil {
		p.ReplyTo = *n.ReplyID
	}
	setText(&p, tidyRuns(mfmRuns(deref(n.Text), n.Emojis, host)))
	sensitive := false
	for _, f := range n.Files {
		if m, ok := missMedia(f, p.URL); ok {
			p.Media = append(p.Media, m)
			sensitive = sensitive || f.IsSensitive
		}
	}
	p.Media = safeMedia(p.Media)
	if p.ContentWarning == "" && sensitive && len(p.Media) > 0 {
		p.ContentWarning = "Sensitive media"
	}
	if n.Poll != nil && len(n.Poll.Choices) > 0 {
		poll := &thread.Poll{}
		for _, c := range n.Poll.Choices {
			poll.Options = append(poll.Options, thread.PollOption{Label: c.Text, Votes: c.Votes})
		}
		if n.Poll.ExpiresAt != nil {
			if t := rfcTime(*n.Poll.ExpiresAt); !t.IsZero() {
				poll.EndsAt = &t
			}
		}
		p.Poll = poll
	}
	if quotes && n.Renote != nil && n.Renote.User != nil && n.Renote.ID != "" {
		// A renote with text of its own quotes the renoted note.
		q := missPost(n.Renote, host, false)
		a := missAuthor(n.Renote.User, host)
		q.Author = &a
		p.Quote = &q
	}
	return p
}

// missMedia reads a drive file by its MIME type; a file of another kind
// (a PDF, an archive) has no place in the reader and is left out.
func missMedia(f missFile, postURL string) (thread.Media, bool) {
	str := deref
	m := thread.Media{URL: str(f.URL), Alt: str(f.Comment), Width: f.Properties.Width, Height: f.Properties.Height}
	kind, _, _ := strings.Cut(f.Type, "/")
	switch kind {
	case "image":
		// GIFs included: Misskey keeps the file, which an <img> animates.
		m.Type = thread.Photo
	case "video":
		m.Type, m.Poster = thread.Video, str(f.ThumbnailURL)
	case "audio":
		m.Type = thread.Audio
	default:
		return thread.Media{}, false
	}
	if m.Type != thread.Photo && m.URL == "" {
		m.URL = postURL
	}
	return m, true
}
