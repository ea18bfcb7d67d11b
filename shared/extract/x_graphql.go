package extract

// X's own JSON: the web app's GraphQL TweetDetail response
// (data.threaded_conversation_with_injections_v2), which the page fetched
// to draw the conversation. It has what the DOM cannot show: long posts'
// full text (note_tweet), every link's expanded URL, video files, vote
// counts, and each post's reply link (in_reply_to_status_id_str).
//
// Entries come in page order: the focal post's ancestors ("tweet-<id>"),
// the focal post, then one module per reply branch
// ("conversationthread-<id>", the author's own continuation first), cursors
// for what X did not send ("cursor-showmore…", "cursor-bottom…"), and
// modules that are not the conversation (related posts, "Discover more").

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"unspool/shared/thread"
)

var (
	// xGraphQLMarkers identify a TweetDetail (or TweetResultByRestId)
	// response; other JSON from X is not a thread.
	xGraphQLMarkers = []string{`"threaded_conversation_with_injections`, `"tweetResult"`}
	// xConversationPrefixes are the entry ids that belong to the
	// conversation; anything else (tweetdetailrelatedtweets-, module- with
	// "You might also like", who-to-follow) is not read.
	xConversationPrefixes = []string{"tweet-", "conversationthread-"}
	// xTwitterTime is the layout of legacy.created_at.
	xTwitterTime = "Mon Jan 02 15:04:05 -0700 2006"
)

// xSnowflakeEpochMS is X's id epoch (2010-11-04T01:42:54.657Z), in Unix
// milliseconds: an id's time is counted from it.
const xSnowflakeEpochMS = 1288834974657

// xGraphQL reads TweetDetail JSON.
type xGraphQL struct{}

func (xGraphQL) Name() string { return "x-graphql" }

func (xGraphQL) Accepts(p *Page) bool { return p.JSON && xAccepts(p, xGraphQLMarkers) }

func (xGraphQL) Extract(p *Page) (*thread.Thread, error) {
	handle, id, err := xFocal(p.URL)
	if err != nil {
		return nil, err
	}
	r, err := xParseGraphQL(p.Content)
	if err != nil {
		return nil, err
	}
	g := newXGraph(handle, id, "x-graphql")
	g.addGraphQL(r, gqlSlots(r), nil)
	return g.thread()
}

// ---------------------------------------------------------------- wire types

// The parts of X's response that are read. x_graphql_decode.go fills them
// and names, beside each, the JSON keys it reads it from.

type gqlResponse struct {
	Data struct {
		Conversation *gqlTimeline
		TweetResult  *gqlTweet // a TweetResultByRestId answer's one post
	}
	Errors []string // what X said went wrong, when it answered no data
}

type gqlTimeline struct {
	Instructions []gqlInstruction
}

type gqlInstruction struct {
	Entries     []gqlEntry
	Entry       *gqlEntry
	ModuleItems []gqlItem // TimelineAddToModule: items appended to a module
}

type gqlEntry struct {
	EntryID     string
	CursorType  string // an entry that is a cursor (cursor-bottom-…)
	Value       string
	ItemContent *gqlItemContent
	Items       []gqlItem // a module's (conversationthread-…)
}

type gqlItem struct {
	Content gqlItemContent
}

type gqlItemContent struct {
	ItemType         string
	CursorType       string
	Value            string // a cursor's: what the page sends as variables.cursor to load what it hides
	Tweet            *gqlTweet
	TweetDisplayType string
	Promoted         bool // an ad
}

type gqlTweet struct {
	Typename string
	RestID   string
	Tweet    *gqlTweet // TweetWithVisibilityResults
	User     *gqlUser
	Legacy   *gqlLegacy
	Note     *gqlNote // a long post's whole text
	Quoted   *gqlTweet
	Card     *gqlCard
	// EditIDs are the ids of the post's versions, oldest first (X makes a
	// new post id for every edit); one id, or none, when never edited.
	EditIDs []string
}

type gqlNote struct {
	Text     string
	Entities gqlEntities
}

type gqlUser struct {
	RestID         string
	IsBlueVerified bool
	ScreenName     string
	Name           string
	Image          string
	Verified       bool
	// Newer responses move name and handle to core, the image to avatar
	// and the badge to verification.
	CoreScreenName string
	CoreName       string
	AvatarURL      string
	Verification   bool
}

type gqlLegacy struct {
	IDStr            string
	ConversationID   string
	FullText         string
	CreatedAt        string
	DisplayTextRange []int
	Entities         gqlEntities
	ExtendedEntities *gqlEntities
	InReplyToStatus  string
	InReplyToUser    string
	InReplyToName    string
	Lang             string
	ReplyCount       *int
	QuotedPermalink  string
	// Retweeted is set on a repost (a profile timeline's): the post shown
	// is another's, not the reposter's.
	Retweeted bool
}

type gqlEntities struct {
	URLs     []gqlURLEntity
	Mentions []gqlTextEntity // Text is the screen name
	Hashtags []gqlTextEntity
	Symbols  []gqlTextEntity
	Media    []gqlMedia
}

type gqlURLEntity struct {
	URL         string
	ExpandedURL string
	Indices     []int
}

type gqlTextEntity struct {
	Text    string
	Indices []int
}

type gqlMedia struct {
	Type           string
	URL            string
	MediaURL       string
	AltText        string
	Indices        []int
	Width, Height  int
	DurationMillis int
	Variants       []gqlVariant
}

type gqlVariant struct {
	Bitrate     int
	ContentType string
	URL         string
}

type gqlCard struct {
	Name          string
	URL           string
	BindingValues []gqlBinding
}

type gqlBinding struct {
	Key          string
	StringValue  string
	BooleanValue bool
	ImageURL     *string // image_value.url, when the value is an image
}

// ---------------------------------------------------------------- reading

// xParseGraphQL decodes a TweetDetail (or TweetResultByRestId) response.
func xParseGraphQL(content []byte) (*gqlResponse, error) {
	r, err := gqlDecode(content)
	if err != nil {
		return nil, thread.Errorf(thread.EINVALID, "the X JSON cannot be read: %v", err)
	}
	if r.Data.Conversation == nil && r.Data.TweetResult == nil {
		msg := "the X JSON is not a TweetDetail response (no threaded_conversation_with_injections_v2)"
		if len(r.Errors) > 0 {
			msg += ": X said " + strconv.Quote(r.Errors[0])
		}
		return nil, thread.Errorf(thread.ENOTFOUND, "%s", msg)
	}
	return r, nil
}

// Cursor types of X's conversation timeline that hide part of the author's
// thread. "ShowMoreThreads" (and its Prompt) is not among them: it holds
// back replies X ranks low ("Show probable spam"), never the author's chain.
const (
	xCursorShowMore = "ShowMore" // inside a reply module: the rest of that branch
	xCursorBottom   = "Bottom"   // after the last entry: more of the conversation
	xCursorTop      = "Top"      // before the first entry: more ancestors
)

// gqlSlot is one place of a flattened timeline, in page order: a post, a
// cursor, or where a conversation module ends.
type gqlSlot struct {
	node    *xNode
	conv    string // the post's conversation_id_str
	cursor  string // "ShowMore", "Bottom", …
	value   string // the cursor's value
	endMod  bool   // a module ends: what follows is not "right below" its last post
	outside bool   // a non-conversation entry (related posts)
	// hole is a post X does not show: a tombstone ("This post is
	// unavailable"), or a result it could not send.
	hole bool
}

// gqlSlots flattens r's instructions into page order (nil for a
// TweetResultByRestId answer, which has none).
func gqlSlots(r *gqlResponse) []gqlSlot {
	if r.Data.Conversation == nil {
		return nil
	}
	var slots []gqlSlot
	addItem := func(ic *gqlItemContent, outside bool) {
		switch ic.ItemType {
		case "TimelineTweet":
			if ic.Promoted {
				return
			}
			if n := xGraphQLNode(ic.Tweet); n != nil {
				n.SelfThread = ic.TweetDisplayType == "SelfThread"
				slots = append(slots, gqlSlot{node: n, conv: xTweetOf(ic.Tweet).Legacy.ConversationID, outside: outside})
			} else {
				slots = append(slots, gqlSlot{hole: true, outside: outside})
			}
		case "TimelineTimelineCursor":
			slots = append(slots, gqlSlot{cursor: ic.CursorType, value: ic.Value, outside: outside})
		}
	}
	addEntry := func(e *gqlEntry) {
		outside := !xHasPrefix(e.EntryID, xConversationPrefixes) && !strings.HasPrefix(e.EntryID, "cursor-")
		c := e
		switch {
		case c.ItemContent != nil:
			addItem(c.ItemContent, outside)
		case c.CursorType != "":
			slots = append(slots, gqlSlot{cursor: c.CursorType, value: c.Value, outside: outside})
		}
		for i := range c.Items {
			addItem(&c.Items[i].Content, outside)
		}
		if len(c.Items) > 0 {
			slots = append(slots, gqlSlot{endMod: true, outside: outside})
		}
	}
	for _, in := range r.Data.Conversation.Instructions {
		for i := range in.Entries {
			addEntry(&in.Entries[i])
		}
		if in.Entry != nil {
			addEntry(in.Entry)
		}
		// TimelineAddToModule: the items a "Show replies" cursor held back,
		// appended to the module it sat in.
		for i := range in.ModuleItems {
			addItem(&in.ModuleItems[i].Content, false)
		}
	}
	return slots
}

// xConversationOf is the conversation id r's posts belong to: the focal
// post's when r holds it, else the first post's; "" when r names none.
// slots are gqlSlots(r).
func xConversationOf(r *gqlResponse, slots []gqlSlot, focalID string) (conv string, hasFocal bool) {
	if r.Data.Conversation == nil {
		if t := xTweetOf(r.Data.TweetResult); t != nil {
			return t.Legacy.ConversationID, t.RestID == focalID
		}
		return "", false
	}
	for _, s := range slots {
		if s.node == nil || s.outside {
			continue
		}
		if s.node.Post.ID == focalID {
			return s.conv, true
		}
		if conv == "" {
			conv = s.conv
		}
	}
	return conv, false
}

// addGraphQL adds the conversation's posts of r (flattened: slots) to g.
// followed holds the cursors whose answers g also gets: what they held
// back is not missing.
func (g *xGraph) addGraphQL(r *gqlResponse, slots []gqlSlot, followed map[string]bool) {
	if r.Data.Conversation == nil {
		// TweetResultByRestId: one post, nothing of what follows it.
		if n := xGraphQLNode(r.Data.TweetResult); n != nil {
			g.add(n)
		}
		return
	}
	open := func(s gqlSlot) bool { return !s.outside && s.cursor != "" && !followed[s.value] }
	hasBottom := false
	for _, s := range slots {
		if open(s) && s.cursor == xCursorBottom {
			hasBottom = true
			g.bottom = append(g.bottom, s.value)
		}
		if open(s) && s.cursor == xCursorTop {
			g.top = append(g.top, s.value)
		}
	}
	for i, s := range slots {
		if s.node == nil || s.outside {
			continue
		}
		n := s.node
		// What follows the post: a "show more" cursor right below it hides
		// its replies (unless its answer is here too); any later
		// conversation post (another branch) means X already listed the
		// author's continuation, which it ranks first; a post without
		// replies, or a response with nothing left to load, cannot be
		// continued either.
		laterPost := false
		for _, t := range slots[i+1:] {
			if t.node != nil && !t.outside {
				laterPost = true
				break
			}
		}
		next := gqlSlot{}
		if i+1 < len(slots) {
			next = slots[i+1]
		}
		switch {
		case strings.HasPrefix(next.cursor, xCursorShowMore) && next.cursor != "ShowMoreThreads" && next.cursor != "ShowMoreThreadsPrompt":
			if !followed[next.value] {
				n.GapBelow = "“Show replies” (X's JSON holds a cursor for more)"
				n.GapCursor = next.value
			}
		case next.hole:
			n.GapBelow = "a post X does not show (deleted, withheld or unavailable)"
		}
		n.EndKnown = n.GapBelow == "" && (laterPost || !hasBottom || n.EndKnown)
		g.add(n)
	}
}

func xHasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// xTweetOf unwraps TweetWithVisibilityResults; tombstones and unavailable
// posts give nil.
func xTweetOf(t *gqlTweet) *gqlTweet {
	for i := 0; t != nil && i < 3; i++ {
		if t.Typename == "TweetWithVisibilityResults" || (t.Typename == "" && t.Tweet != nil) {
			t = t.Tweet
			continue
		}
		break
	}
	if t == nil || t.Legacy == nil || t.RestID == "" || t.Typename == "TweetTombstone" || t.Typename == "TweetUnavailable" {
		return nil
	}
	return t
}

func xGraphQLNode(raw *gqlTweet) *xNode {
	t := xTweetOf(raw)
	if t == nil {
		return nil
	}
	post, ok := xGraphQLPost(t, 0)
	if !ok {
		return nil
	}
	l := t.Legacy
	n := &xNode{
		Post:        post,
		Handle:      strings.ToLower(post.Author.Handle),
		ReplyTo:     l.InReplyToStatus,
		Confirmed:   l.InReplyToStatus != "",
		FromGraphQL: true,
	}
	if k := slices.Index(t.EditIDs, post.ID); k >= 0 && k < len(t.EditIDs)-1 {
		n.NewerVersion = true
	}
	n.ReplyToHandle = strings.ToLower(l.InReplyToName)
	if l.InReplyToUser != "" && l.InReplyToUser == post.Author.ID {
		n.ReplyToHandle = n.Handle
	}
	if l.ReplyCount != nil && *l.ReplyCount == 0 {
		n.EndKnown = true
	}
	return n
}

func xGraphQLAuthor(u *gqlUser) (thread.Author, bool) {
	if u == nil {
		return thread.Author{}, false
	}
	a := thread.Author{Handle: u.ScreenName, Name: u.Name, Avatar: u.Image, ID: u.RestID}
	if u.CoreScreenName != "" {
		a.Handle = u.CoreScreenName
	}
	if u.CoreName != "" {
		a.Name = u.CoreName
	}
	if u.AvatarURL != "" {
		a.Avatar = u.AvatarURL
	}
	if xProfileHref("/"+a.Handle) == "" {
		return thread.Author{}, false
	}
	if a.Name == "" {
		a.Name = a.Handle
	}
	a.URL = xProfileURL(a.Handle)
	a.Avatar = thread.SafeURL(xAvatar(a.Avatar))
	a.Verified = u.IsBlueVerified || u.Verified || u.Verification
	return a, true
}

// xGraphQLPost reads one post; depth 1 is a quoted post (whose own quote is
// not read: a Thread nests one level).
func xGraphQLPost(t *gqlTweet, depth int) (thread.Post, bool) {
	a, ok := xGraphQLAuthor(t.User)
	if !ok {
		return thread.Post{}, false
	}
	l := t.Legacy
	id := t.RestID
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return thread.Post{}, false
	}
	p := thread.Post{ID: id, URL: xStatusURL(a.Handle, id), Author: &a, Lang: l.Lang}
	if ts, err := time.Parse(xTwitterTime, l.CreatedAt); err == nil {
		p.CreatedAt = ts.UTC()
	}
	xEditedVersion(&p, t.EditIDs)
	media := l.Entities.Media
	if l.ExtendedEntities != nil && len(l.ExtendedEntities.Media) > 0 {
		media = l.ExtendedEntities.Media
	}
	var card *thread.Card
	if t.Card != nil {
		card, p.Poll = xGraphQLCard(t.Card)
	}
	// Links X hides from the text because something else shows them: the
	// media link, the quoted post's permalink, the card's link, when last.
	hidden := map[string]bool{}
	for _, m := range media {
		hidden[m.URL] = true
	}
	trailing := map[string]bool{}
	if l.QuotedPermalink != "" {
		trailing[l.QuotedPermalink] = true
	}
	if t.Card != nil {
		trailing[t.Card.URL] = true
	}
	text, ents, escaped, lo, hi := l.FullText, l.Entities, true, -1, -1
	if len(l.DisplayTextRange) == 2 {
		lo, hi = l.DisplayTextRange[0], l.DisplayTextRange[1]
	}
	if t.Note != nil && t.Note.Text != "" {
		text, ents, escaped, lo, hi = t.Note.Text, t.Note.Entities, false, -1, -1
	}
	expanded := map[string]string{}
	for _, u := range l.Entities.URLs {
		expanded[u.URL] = u.ExpandedURL
	}
	spans := xGraphQLSpans(ents, hidden, expanded)
	// The last link stands for the card or the quote when X shows those.
	if k := xLastURLSpan(spans); k >= 0 && trailing[spans[k].Want] {
		spans[k].Drop = true
	}
	setText(&p, xEntityRuns(text, escaped, spans, lo, hi))
	for _, m := range media {
		if md, ok := xGraphQLMedia(m); ok && len(p.Media) < thread.MaxMedia {
			p.Media = append(p.Media, md)
		}
	}
	if card != nil {
		if card.URL != "" {
			if e := expanded[card.URL]; e != "" {
				card.URL = thread.SafeURL(e)
			}
		}
		p.Card = card
	}
	if depth == 0 && t.Quoted != nil {
		if q := xTweetOf(t.Quoted); q != nil {
			if qp, ok := xGraphQLPost(q, 1); ok {
				qp.ReplyTo = ""
				p.Quote = &qp
			}
		}
	}
	return p, true
}

// xEditedVersion reads what X's versions of a post say of p: the newest
// version of an edited post was created when it was edited (EditedAt), the
// post itself when its first version was (the time in that id, a
// snowflake); the ids before p's are its PreviousIDs. An older version
// keeps its own times: its text is not the latest (xNode.NewerVersion).
func xEditedVersion(p *thread.Post, versions []string) {
	at := slices.Index(versions, p.ID)
	if at <= 0 {
		return
	}
	prev := versions[:at]
	if len(prev) > thread.MaxPreviousIDs {
		prev = prev[len(prev)-thread.MaxPreviousIDs:]
	}
	p.PreviousIDs = slices.Clone(prev)
	if at != len(versions)-1 {
		return
	}
	if first := xSnowflakeTime(versions[0]).Truncate(time.Second); !first.IsZero() && !p.CreatedAt.IsZero() && first.Before(p.CreatedAt) {
		p.EditedAt, p.CreatedAt = p.CreatedAt, first
	}
}

// xSnowflakeTime is the creation time an X id carries (ids since November
// 2010: milliseconds since X's epoch in the bits above the lowest 22);
// zero for an id that is not one.
func xSnowflakeTime(id string) time.Time {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n>>22 == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(n>>22) + xSnowflakeEpochMS).UTC()
}

func xGraphQLSpans(e gqlEntities, hidden map[string]bool, expanded map[string]string) []xSpan {
	var spans []xSpan
	ok := func(ix []int) bool { return len(ix) == 2 && ix[0] >= 0 && ix[1] >= ix[0] }
	for _, u := range e.URLs {
		if !ok(u.Indices) {
			continue
		}
		full := u.ExpandedURL
		if full == "" {
			full = expanded[u.URL]
		}
		spans = append(spans, xSpan{Start: u.Indices[0], End: u.Indices[1], Want: u.URL, Run: xLinkRun(full, u.URL), Drop: hidden[u.URL]})
	}
	for _, m := range e.Media {
		if ok(m.Indices) {
			spans = append(spans, xSpan{Start: m.Indices[0], End: m.Indices[1], Want: m.URL, Drop: true})
		}
	}
	for _, m := range e.Mentions {
		if ok(m.Indices) && xProfileHref("/"+m.Text) != "" {
			spans = append(spans, xSpan{Start: m.Indices[0], End: m.Indices[1], Want: "@" + m.Text, Run: xMentionRun(m.Text)})
		}
	}
	for _, h := range e.Hashtags {
		if ok(h.Indices) {
			spans = append(spans, xSpan{Start: h.Indices[0], End: h.Indices[1], Want: "#" + h.Text, Run: xHashtagRun(h.Text)})
		}
	}
	for _, s := range e.Symbols {
		if ok(s.Indices) {
			spans = append(spans, xSpan{Start: s.Indices[0], End: s.Indices[1], Want: "$" + s.Text, Run: xCashtagRun(s.Text)})
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	return spans
}

// xLastURLSpan is the index of the last kept link span, -1 if none.
func xLastURLSpan(spans []xSpan) int {
	last := -1
	for i, s := range spans {
		if s.Drop {
			continue
		}
		if s.Run.Type == thread.LinkRun || (s.Run.Type == thread.TextRun && strings.HasPrefix(s.Want, "https://t.co/")) {
			last = i
		} else {
			last = -1
		}
	}
	return last
}

// xGraphQLMedia reads a photo, video or GIF. A video's URL is its best mp4
// (highest bitrate); its poster the still X shows before playing.
func xGraphQLMedia(m gqlMedia) (thread.Media, bool) {
	switch m.Type {
	case "photo":
		u := thread.SafeURL(xPhoto(m.MediaURL))
		if u == "" {
			return thread.Media{}, false
		}
		return thread.Media{Type: thread.Photo, URL: u, Alt: m.AltText, Width: m.Width, Height: m.Height}, true
	case "video", "animated_gif":
		md := thread.Media{Type: thread.Video, Poster: thread.SafeURL(m.MediaURL), Alt: m.AltText,
			Width: m.Width, Height: m.Height}
		if m.Type == "animated_gif" {
			md.Type = thread.GIF
		}
		md.DurationMS = m.DurationMillis
		best := -1
		for _, v := range m.Variants {
			if v.ContentType == "video/mp4" && v.Bitrate > best && thread.SafeURL(v.URL) != "" {
				best, md.URL = v.Bitrate, v.URL
			}
		}
		return md, md.URL != "" || md.Poster != ""
	}
	return thread.Media{}, false
}
