package extract

// Bluesky's public app.bsky.feed.getPostThread response: the focal post with
// its parent chain (each node's "parent") and its reply tree ("replies").
// The thread is the focal author's chain: parents by the same DID above the
// focal post, then at each level the author's own earliest reply below it.

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"unspool/shared/thread"
)

var (
	// bskyPostPathRe is a bsky.app post address: /profile/<handle or DID>/post/<rkey>.
	bskyPostPathRe = regexp.MustCompile(`^/profile/([^/]+)/post/([A-Za-z0-9._:~-]+)/?$`)
	// bskyURIRe splits an at:// post URI into its DID and record key.
	bskyURIRe = regexp.MustCompile(`^at://([^/]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]+)$`)
	// bskyJSONMarker is how a getPostThread response starts to differ from
	// every other JSON source: a threadViewPost type name (…defs# since
	// March 2023, …getPostThread# before).
	bskyJSONMarker = []byte(`#threadViewPost`)
)

// Thread-view node types ($type) of getPostThread.
const (
	bskyTypeThreadPost = "app.bsky.feed.defs#threadViewPost"
	bskyTypeNotFound   = "app.bsky.feed.defs#notFoundPost"
	bskyTypeBlocked    = "app.bsky.feed.defs#blockedPost"
)

// Embed view types ($type) a post view carries.
const (
	bskyEmbedImages     = "app.bsky.embed.images#view"
	bskyEmbedVideo      = "app.bsky.embed.video#view"
	bskyEmbedExternal   = "app.bsky.embed.external#view"
	bskyEmbedRecord     = "app.bsky.embed.record#view"
	bskyEmbedRecordWith = "app.bsky.embed.recordWithMedia#view"
	bskyViewRecord      = "app.bsky.embed.record#viewRecord"
)

// bskyOldTypes are the names of the same views before the lexicon
// refactor of March 2023 (thread views under getPostThread, embeds
// "presented", the quoted record a "presentedRecord"); their fields are the
// later ones', but for presentedRecord's "record" (later "value").
var bskyOldTypes = map[string]string{
	"app.bsky.feed.getPostThread#threadViewPost": bskyTypeThreadPost,
	"app.bsky.feed.getPostThread#notFoundPost":   bskyTypeNotFound,
	"app.bsky.embed.images#presented":            bskyEmbedImages,
	"app.bsky.embed.external#presented":          bskyEmbedExternal,
	"app.bsky.embed.record#presented":            bskyEmbedRecord,
	"app.bsky.embed.record#presentedRecord":      bskyViewRecord,
}

// bskyType is a view's type under its current name.
func bskyType(t string) string {
	if now, ok := bskyOldTypes[t]; ok {
		return now
	}
	return t
}

// Facet feature types: the rich-text annotations over byte ranges of the text.
const (
	bskyFacetLink    = "app.bsky.richtext.facet#link"
	bskyFacetMention = "app.bsky.richtext.facet#mention"
	bskyFacetTag     = "app.bsky.richtext.facet#tag"
)

// bskyWarnLabels are the labels Bluesky hides a post behind; they become the
// post's content warning.
var bskyWarnLabels = map[string]string{
	"porn": "Adult content", "sexual": "Sexually suggestive", "nudity": "Nudity",
	"graphic-media": "Graphic media", "gore": "Graphic media",
}

type bskyResponse struct {
	Thread *bskyNode `json:"thread"`
}

type bskyNode struct {
	Type     string        `json:"$type"`
	Post     *bskyPostView `json:"post"`
	Parent   *bskyNode     `json:"parent"`
	Replies  []*bskyNode   `json:"replies"`
	URI      string        `json:"uri"`
	NotFound bool          `json:"notFound"`
	Blocked  bool          `json:"blocked"`
}

type bskyAuthor struct {
	DID         string `json:"did"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
	Avatar      string `json:"avatar"`
}

type bskyLabel struct {
	Val string `json:"val"`
}

type bskyRecord struct {
	Type      string      `json:"$type"`
	Text      string      `json:"text"`
	CreatedAt string      `json:"createdAt"`
	Langs     []string    `json:"langs"`
	Facets    []bskyFacet `json:"facets"`
	Reply     *struct {
		Parent struct {
			URI string `json:"uri"`
		} `json:"parent"`
		Root struct {
			URI string `json:"uri"`
		} `json:"root"`
	} `json:"reply"`
	Labels *struct {
		Values []bskyLabel `json:"values"`
	} `json:"labels"`
	// Entities annotated the text before facets did (until March 2023).
	Entities []bskyEntity `json:"entities"`
}

// bskyEntity is a link (its URL) or a mention (a DID) over a range of the
// text counted in UTF-16 code units, JavaScript's string indexes, which is
// how the app of the time counted.
type bskyEntity struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Index struct {
		Start int `json:"start"`
		End   int `json:"end"`
	} `json:"index"`
}

type bskyFacet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []bskyFeature `json:"features"`
}

// bskyFeature is one facet feature; which field is set depends on Type.
type bskyFeature struct {
	Type string `json:"$type"`
	URI  string `json:"uri"`
	DID  string `json:"did"`
	Tag  string `json:"tag"`
}

type bskyPostView struct {
	URI        string      `json:"uri"`
	Author     bskyAuthor  `json:"author"`
	Record     bskyRecord  `json:"record"`
	Embed      *bskyEmbed  `json:"embed"`
	ReplyCount int         `json:"replyCount"`
	IndexedAt  string      `json:"indexedAt"`
	Labels     []bskyLabel `json:"labels"`
}

// bskyEmbed is any embed view; which fields are set depends on Type.
type bskyEmbed struct {
	Type   string `json:"$type"`
	Images []struct {
		Thumb       string `json:"thumb"`
		Fullsize    string `json:"fullsize"`
		Alt         string `json:"alt"`
		AspectRatio *struct {
			Width  int `json:"width"`
			Height int `json:"height"`
		} `json:"aspectRatio"`
	} `json:"images"`
	// video#view
	Playlist    string `json:"playlist"`
	Thumbnail   string `json:"thumbnail"`
	Alt         string `json:"alt"`
	AspectRatio *struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	} `json:"aspectRatio"`
	External *struct {
		URI         string `json:"uri"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Thumb       string `json:"thumb"`
	} `json:"external"`
	// record#view holds the quoted record in Record; recordWithMedia#view
	// holds a record#view in Record and the media in Media.
	Record *bskyEmbedRecordField `json:"record"`
	Media  *bskyEmbed            `json:"media"`
}

// bskyEmbedRecordField is either a record#view ({"record": viewRecord}) or,
// inside it, the viewRecord itself; both shapes decode into it.
type bskyEmbedRecordField struct {
	Type   string                `json:"$type"`
	Record *bskyEmbedRecordField `json:"record"`
	URI    string                `json:"uri"`
	Author *bskyAuthor           `json:"author"`
	Value  *bskyRecord           `json:"value"`
	Embeds []*bskyEmbed          `json:"embeds"`
	Labels []bskyLabel           `json:"labels"`
	// bskyRecord holds a presentedRecord's post, which sits where a
	// viewRecord sits in a record#view (its own "$type" and "labels" are
	// shadowed by the fields above).
	bskyRecord
}

type blueskyJSON struct{}

func (blueskyJSON) Name() string { return "bluesky-json" }

func (blueskyJSON) Accepts(p *Page) bool {
	return p.JSON && bytes.Contains(p.Content, bskyJSONMarker) && bytes.Contains(p.Content, []byte(`"thread"`)) && bytes.Contains(p.Content, []byte(`app.bsky.`))
}

func (blueskyJSON) Extract(p *Page) (*thread.Thread, error) {
	var resp bskyResponse
	if err := json.Unmarshal(p.Content, &resp); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "bluesky: the getPostThread response cannot be read: %v", err)
	}
	root := resp.Thread
	if root == nil {
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the response has no thread")
	}
	switch {
	case bskyType(root.Type) == bskyTypeNotFound || root.NotFound:
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the post was deleted or does not exist")
	case root.Type == bskyTypeBlocked || root.Blocked:
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the post is from an account that blocks or is blocked by the viewer")
	case root.Post == nil:
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the thread has no post view")
	}
	// The response names its focal post; the page URL, when it is a post
	// address, must name the same one (a mismatch means the wrong capture).
	_, focalKey := bskyURIParts(root.Post.URI)
	if m := bskyPostPathRe.FindStringSubmatch(p.URL.Path); m != nil && m[2] != focalKey {
		return nil, thread.Errorf(thread.EINVALID, "bluesky: the response is for post %s, the page is post %s", focalKey, m[2])
	}
	return bskyChain(root)
}

// bskyChain walks the focal author's chain up through parents and down
// through their own replies.
func bskyChain(focal *bskyNode) (*thread.Thread, error) {
	did := focal.Post.Author.DID
	var gaps []string

	// Upwards: parents by the same DID, nearest first.
	var above []*bskyPostView
	cur := focal
	for steps := 0; steps < thread.MaxPosts; steps++ {
		parent := cur.Parent
		wantParent := ""
		if cur.Post.Record.Reply != nil {
			wantParent = cur.Post.Record.Reply.Parent.URI
		}
		if parent == nil {
			// A reply whose parent was not returned (the parentHeight limit):
			// a gap only when that parent is the author's own post.
			if parentDID, _ := bskyURIParts(wantParent); parentDID == did && did != "" {
				gaps = append(gaps, "earlier posts of the thread were not loaded")
			}
			break
		}
		if parent.Post == nil {
			// Deleted or blocked: the URI still says whose it was.
			if parentDID, _ := bskyURIParts(parent.URI); parentDID == did {
				gaps = append(gaps, "an earlier post of the thread is deleted or hidden")
			}
			break
		}
		if parent.Post.Author.DID != did {
			break
		}
		above = append(above, parent.Post)
		cur = parent
	}

	// Downwards: at each level the author's own earliest reply.
	var below []*bskyPostView
	cur = focal
	for steps := 0; steps < thread.MaxPosts; steps++ {
		next := bskySelfReply(cur, did)
		if next == nil {
			if cur.Replies == nil && cur.Post.ReplyCount > 0 {
				gaps = append(gaps, "replies below the last post were not loaded")
			}
			break
		}
		below = append(below, next.Post)
		cur = next
	}

	author := bskyThreadAuthor(focal.Post.Author)
	t := &thread.Thread{
		Platform: thread.Bluesky,
		Author:   author,
		URL:      bskyPostURL(focal.Post.Author, focal.Post.URI),
		Complete: len(gaps) == 0,
		Gaps:     gaps,
	}
	convert := func(views []*bskyPostView) []thread.Post {
		var out []thread.Post
		for _, v := range views {
			out = append(out, bskyPost(v))
		}
		return out
	}
	t.Posts = chainPosts(convert(above), bskyPost(focal.Post), convert(below))
	if len(t.Posts) == 0 {
		return nil, thread.Errorf(thread.ENOTFOUND, "bluesky: the thread has no readable post")
	}
	_, t.FocalID = bskyURIParts(focal.Post.URI)
	t.ID = t.Posts[0].ID
	return t, nil
}

// bskySelfReply is the author's own reply to n that continues the thread:
// the earliest one (earliestOf).
func bskySelfReply(n *bskyNode, did string) *bskyNode {
	var own []*bskyNode
	for _, r := range n.Replies {
		if r != nil && r.Post != nil && r.Post.Author.DID == did {
			own = append(own, r)
		}
	}
	best, _ := earliestOf(own, func(r *bskyNode) time.Time { return bskyCreated(r.Post) }, func(r *bskyNode) string { return r.Post.URI })
	return best
}

func bskyCreated(v *bskyPostView) time.Time {
	if t := rfcTime(v.Record.CreatedAt); !t.IsZero() {
		return t
	}
	return rfcTime(v.IndexedAt)
}

func bskyURIParts(uri string) (did, rkey string) {
	if m := bskyURIRe.FindStringSubmatch(uri); m != nil {
		return m[1], m[2]
	}
	return "", ""
}

// bskyPostURL is the bsky.app address of a post, by handle when it has one.
func bskyPostURL(a bskyAuthor, uri string) string {
	did, rkey := bskyURIParts(uri)
	who := a.Handle
	if who == "" || who == "handle.invalid" {
		who = did
	}
	if who == "" || rkey == "" {
		return ""
	}
	return "https://bsky.app/profile/" + url.PathEscape(who) + "/post/" + rkey
}

func bskyThreadAuthor(a bskyAuthor) thread.Author {
	handle := a.Handle
	if handle == "" || handle == "handle.invalid" {
		handle = a.DID
	}
	return safeAuthor(thread.Author{
		Handle: strings.TrimPrefix(handle, "@"),
		Name:   a.DisplayName,
		URL:    "https://bsky.app/profile/" + url.PathEscape(handle),
		Avatar: a.Avatar,
		ID:     a.DID,
	})
}

// bskyPost converts one post view (not its quote's quote: the model nests
// one level only).
func bskyPost(v *bskyPostView) thread.Post {
	_, rkey := bskyURIParts(v.URI)
	p := thread.Post{
		ID:        rkey,
		URL:       bskyPostURL(v.Author, v.URI),
		CreatedAt: bskyCreated(v),
	}
	if len(v.Record.Langs) > 0 {
		p.Lang = v.Record.Langs[0]
	}
	if v.Record.Reply != nil {
		_, p.ReplyTo = bskyURIParts(v.Record.Reply.Parent.URI)
	}
	setText(&p, tidyRuns(bskyRuns(v.Record.Text, v.Record.annotations())))
	p.ContentWarning = bskyWarning(v.Labels, v.Record.Labels)
	bskyApplyEmbed(&p, v.Embed, true)
	return p
}

// bskyApplyEmbed adds an embed view's media, card and (when quotes is true)
// quoted post to p.
func bskyApplyEmbed(p *thread.Post, e *bskyEmbed, quotes bool) {
	if e == nil {
		return
	}
	switch bskyType(e.Type) {
	case bskyEmbedImages:
		for _, img := range e.Images {
			m := thread.Media{Type: thread.Photo, URL: img.Fullsize, Alt: img.Alt}
			if m.URL == "" {
				m.URL = img.Thumb
			}
			if img.AspectRatio != nil {
				m.Width, m.Height = img.AspectRatio.Width, img.AspectRatio.Height
			}
			p.Media = append(p.Media, m)
		}
		p.Media = safeMedia(p.Media)
	case bskyEmbedVideo:
		m := thread.Media{Type: thread.Video, URL: e.Playlist, Poster: e.Thumbnail, Alt: e.Alt}
		if m.URL == "" {
			m.URL = p.URL
		}
		if e.AspectRatio != nil {
			m.Width, m.Height = e.AspectRatio.Width, e.AspectRatio.Height
		}
		p.Media = safeMedia(append(p.Media, m))
	case bskyEmbedExternal:
		if x := e.External; x != nil {
			p.Card = safeCard(&thread.Card{URL: x.URI, Title: x.Title, Description: x.Description, Image: x.Thumb})
		}
	case bskyEmbedRecord:
		if quotes {
			p.Quote = bskyQuote(e.Record)
		}
	case bskyEmbedRecordWith:
		bskyApplyEmbed(p, e.Media, false)
		if quotes && e.Record != nil {
			p.Quote = bskyQuote(e.Record.Record)
		}
	}
}

// bskyQuote converts a quoted viewRecord; deleted, blocked and non-post
// records (feeds, lists) give nil.
func bskyQuote(r *bskyEmbedRecordField) *thread.Post {
	if r != nil && r.Value == nil && r.Record != nil && bskyType(r.Type) == bskyViewRecord {
		// A presentedRecord (before March 2023) holds the post in "record".
		v := r.Record.bskyRecord
		r.Value = &v
	}
	if r == nil || bskyType(r.Type) != bskyViewRecord || r.Author == nil || r.Value == nil {
		return nil
	}
	_, rkey := bskyURIParts(r.URI)
	if rkey == "" {
		return nil
	}
	a := bskyThreadAuthor(*r.Author)
	q := &thread.Post{ID: rkey, URL: bskyPostURL(*r.Author, r.URI), Author: &a, CreatedAt: rfcTime(r.Value.CreatedAt)}
	if len(r.Value.Langs) > 0 {
		q.Lang = r.Value.Langs[0]
	}
	setText(q, tidyRuns(bskyRuns(r.Value.Text, r.Value.annotations())))
	q.ContentWarning = bskyWarning(r.Labels, r.Value.Labels)
	for _, e := range r.Embeds {
		bskyApplyEmbed(q, e, false)
	}
	return q
}

func bskyWarning(labels []bskyLabel, self *struct {
	Values []bskyLabel `json:"values"`
}) string {
	all := append([]bskyLabel(nil), labels...)
	if self != nil {
		all = append(all, self.Values...)
	}
	var out []string
	for _, l := range all {
		if w, ok := bskyWarnLabels[l.Val]; ok && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return strings.Join(out, ", ")
}

// bskyRuns cuts text at its facets. Facet indexes are UTF-8 byte offsets;
// ones that overlap, fall outside the text or split a character are
// ignored (the text stays, unannotated) rather than trusted.
func bskyRuns(text string, facets []bskyFacet) []thread.Run {
	sorted := append([]bskyFacet(nil), facets...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Index.ByteStart < sorted[j].Index.ByteStart })
	var runs []thread.Run
	pos := 0
	for _, f := range sorted {
		s, e := f.Index.ByteStart, f.Index.ByteEnd
		if s < pos || e <= s || e > len(text) || !utf8.RuneStart(text[s]) || (e < len(text) && !utf8.RuneStart(text[e])) {
			continue
		}
		run, ok := bskyFacetRun(text[s:e], f)
		if !ok {
			continue
		}
		runs = append(runs, thread.Run{Type: thread.TextRun, Text: text[pos:s]}, run)
		pos = e
	}
	runs = append(runs, thread.Run{Type: thread.TextRun, Text: text[pos:]})
	return runs
}

// annotations are the record's facets, or for a record from before facets
// its entities as facets: only those whose range holds what they say (a
// link's range its URL, a mention's an "@name"), since the units of their
// indexes were never written down and the app of the time sometimes
// miscounted them; the others leave their text plain.
func (r *bskyRecord) annotations() []bskyFacet {
	if len(r.Facets) > 0 || len(r.Entities) == 0 {
		return r.Facets
	}
	idx := unitOffsets(r.Text, true) // a UTF-16 index → its byte offset
	var facets []bskyFacet
	for _, e := range r.Entities {
		if e.Index.Start < 0 || e.Index.End >= len(idx) || e.Index.End <= e.Index.Start {
			continue
		}
		s, end := idx[e.Index.Start], idx[e.Index.End]
		f := bskyFacet{}
		f.Index.ByteStart, f.Index.ByteEnd = s, end
		shown := r.Text[s:end]
		switch {
		case e.Type == "link" && shown == e.Value:
			f.Features = []bskyFeature{{Type: bskyFacetLink, URI: e.Value}}
		case e.Type == "mention" && strings.HasPrefix(shown, "@") && strings.HasPrefix(e.Value, "did:"):
			f.Features = []bskyFeature{{Type: bskyFacetMention, DID: e.Value}}
		default:
			continue
		}
		facets = append(facets, f)
	}
	return facets
}

func bskyFacetRun(shown string, f bskyFacet) (thread.Run, bool) {
	for _, ft := range f.Features {
		switch ft.Type {
		case bskyFacetLink:
			if u := thread.SafeURL(ft.URI); u != "" {
				return thread.Run{Type: thread.LinkRun, Text: shown, URL: u}, true
			}
		case bskyFacetMention:
			if ft.DID != "" {
				return thread.Run{Type: thread.MentionRun, Text: shown, URL: "https://bsky.app/profile/" + url.PathEscape(ft.DID)}, true
			}
		case bskyFacetTag:
			if ft.Tag != "" {
				return thread.Run{Type: thread.HashtagRun, Text: shown, URL: "https://bsky.app/hashtag/" + url.PathEscape(ft.Tag)}, true
			}
		}
	}
	return thread.Run{}, false
}
