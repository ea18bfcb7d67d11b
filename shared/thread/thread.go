package thread

import (
	"encoding/json"
	"time"
)

// Platform names the network a thread comes from.
type Platform string

const (
	X        Platform = "x"
	Bluesky  Platform = "bluesky"
	Mastodon Platform = "mastodon"
	// Misskey is the Misskey family (Misskey, Sharkey, Firefish, …) read
	// through Misskey's own API: its ids, addresses and API are not
	// Mastodon's, so a saved note is re-read and keyed as Misskey's. The
	// family's servers that speak the Mastodon API are read as Mastodon.
	Misskey Platform = "misskey"
	Threads Platform = "threads"
)

// Thread is one author's chain of posts, in reading order.
type Thread struct {
	Platform Platform `json:"platform"`
	// URL is the canonical address of the focal post the thread was unrolled from.
	URL string `json:"url"`
	// ID is the platform's id of the first post of the thread (stable across
	// unrolls from any post of the chain, so it identifies the thread).
	ID     string `json:"id"`
	Author Author `json:"author"`
	Posts  []Post `json:"posts"`
	// FocalID is the id of the post the page was opened on.
	FocalID string `json:"focalId,omitempty"`
	// Complete is false when the source showed a gap: a hidden reply, a
	// truncated post, a chain whose end or start was not reached.
	Complete bool `json:"complete"`
	// Gaps says in words why Complete is false; empty when it is true.
	Gaps       []string  `json:"gaps,omitempty"`
	CapturedAt time.Time `json:"capturedAt"`
	// Source names the input the thread was read from ("x-dom", "x-graphql", …).
	Source string `json:"source,omitempty"`
}

// Author is a platform account.
type Author struct {
	// Handle has no leading "@". On federated networks it includes the
	// instance ("user@example.social").
	Handle string `json:"handle"`
	Name   string `json:"name"`
	URL    string `json:"url"`
	Avatar string `json:"avatar"`
	// ID is the platform's stable account id where the source gives one.
	ID       string `json:"id,omitempty"`
	Verified bool   `json:"verified,omitempty"`
}

// Post is one post of a thread, or a quoted post.
type Post struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Author is set on quoted posts and on any post whose author differs
	// from the thread's; nil means the thread's author.
	Author    *Author   `json:"author,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	// Text is plain text: links expanded to their full URL, line breaks kept.
	Text string `json:"text"`
	// Content is the same text as structured runs, for rendering.
	Content []Run     `json:"content,omitempty"`
	Lang    string    `json:"lang,omitempty"`
	Media   MediaList `json:"media"`
	Quote   *Post     `json:"quote"`
	Card    *Card     `json:"card"`
	Poll    *Poll     `json:"poll"`
	// Truncated is true when the source cut the text ("Show more") and the
	// full text was not available.
	Truncated bool `json:"truncated"`
	// ContentWarning is a spoiler/content-warning line shown before the text.
	ContentWarning string `json:"contentWarning,omitempty"`
	// ReplyTo is the id of the post this one answers, where known.
	ReplyTo string `json:"replyTo,omitempty"`
	// EditedAt: the post was edited at the source and this is its latest
	// text. The time is the source's own where it gives one (Mastodon's
	// edited_at, Misskey's updatedAt, the newest version's time on X), read
	// by the extractors on any capture; a thread saved before the source's
	// time was read may hold the time keep current found the edit instead.
	// Zero: the source says nothing of an edit.
	EditedAt time.Time `json:"editedAt,omitzero"`
	// PreviousIDs are the ids the post had in earlier versions, oldest
	// first, where an edit gives a post a new id (X): a saved copy holding
	// one of them is the same post (Follow matches through them).
	PreviousIDs []string `json:"previousIds,omitempty"`
	// What a library's "keep current" learnt of the post at its source
	// after the thread was saved (Follow, follow.go); zero on a fresh
	// capture. AddedAt: when the post was found, new, after the save.
	// RemovedAt: when it was found gone at the source (the library keeps
	// it, marked).
	AddedAt   time.Time `json:"addedAt,omitzero"`
	RemovedAt time.Time `json:"removedAt,omitzero"`
}

// MediaType is the kind of a media attachment.
type MediaType string

const (
	Photo MediaType = "photo"
	Video MediaType = "video"
	GIF   MediaType = "gif"
	Audio MediaType = "audio"
)

// Media is an attachment. For video, GIF and audio, URL is the playable file
// when the source gives one, else the post's own URL; Poster is a still.
type Media struct {
	Type   MediaType `json:"type"`
	URL    string    `json:"url"`
	Poster string    `json:"poster"`
	Alt    string    `json:"alt"`
	Width  int       `json:"width"`
	Height int       `json:"height"`
	// DurationMS is the length of a video or audio clip, where known.
	DurationMS int `json:"durationMs,omitempty"`
}

// Card is a link preview.
type Card struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Image       string `json:"image"`
	Domain      string `json:"domain"`
}

// Poll is a poll with its (possibly partial) results.
type Poll struct {
	Options []PollOption `json:"options"`
	// EndsAt is when voting closes or closed, where known.
	EndsAt *time.Time `json:"endsAt,omitempty"`
	Closed bool       `json:"closed,omitempty"`
}

// PollOption is one choice of a poll and its vote count (-1 when unknown).
type PollOption struct {
	Label string `json:"label"`
	Votes int    `json:"votes"`
}

// PostAuthor returns the author of p, falling back to the thread's author.
func (t *Thread) PostAuthor(p *Post) Author {
	if p.Author != nil {
		return *p.Author
	}
	return t.Author
}

// MediaList is a post's attachments. It writes an empty list as [] rather
// than null, as the published shape says; only that case needs a marshaler,
// so a thread's JSON is not scanned a second time post by post.
type MediaList []Media

func (m MediaList) MarshalJSON() ([]byte, error) {
	if len(m) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal([]Media(m))
}
