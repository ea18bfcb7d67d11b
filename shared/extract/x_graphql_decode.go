package extract

// Decoding X's TweetDetail JSON into the wire types of x_graphql.go.
//
// The extension's JSON-first unroll decodes every answer X sends while the
// user waits, in the WASM, where encoding/json reads ~7 MB/s (its scanner
// calls a function value per byte, and each call costs more there): a
// 150 KB answer took ~20 ms, most of what a look at the answers asked of
// the WASM. valyala/fastjson parses the same answer into a tree at
// ~100 MB/s there (BenchmarkXDecodeGraphQL), and the fields read are taken
// from the tree by name below. Unlike encoding/json it adds no reflection;
// its own size is small next to the Go runtime.
//
// Liberal in what it accepts: a key that is absent, null or of another
// type than X sends reads as absent (encoding/json refused the whole answer
// for one field of the wrong type); text is made valid UTF-8 as
// encoding/json made it (each invalid byte becomes U+FFFD). What is not
// JSON at all is refused with the parser's error.

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// gqlParsers are reused: a parser keeps its tree's memory from one answer
// to the next. Each call has its own parser while it reads the tree.
var gqlParsers fastjson.ParserPool

// gqlParse parses content with a pooled parser and reads the tree with
// read, before the parser goes back to the pool.
func gqlParse[T any](content []byte, read func(*fastjson.Value) T) (T, error) {
	p := gqlParsers.Get()
	defer gqlParsers.Put(p)
	v, err := p.ParseBytes(content)
	if err != nil {
		var zero T
		return zero, err
	}
	return read(v), nil
}

func gqlDecode(content []byte) (*gqlResponse, error) { return gqlParse(content, gqlReadResponse) }

func gqlReadResponse(v *fastjson.Value) *gqlResponse {
	r := &gqlResponse{}
	data := jObj(v, "data")
	// The timeline's name since the web app's "withV2Timeline" switch, then
	// its 2022 name; the entries have the same shape under both.
	for _, name := range []string{"threaded_conversation_with_injections_v2", "threaded_conversation_with_injections"} {
		if tl := jObj(data, name); tl != nil && r.Data.Conversation == nil {
			r.Data.Conversation = gqlReadTimeline(tl)
		}
	}
	r.Data.TweetResult = gqlReadTweet(jObj(data, "tweetResult", "result"))
	for _, e := range jArr(v, "errors") {
		r.Errors = append(r.Errors, jStr(e, "message"))
	}
	return r
}

func gqlReadTimeline(v *fastjson.Value) *gqlTimeline {
	ins := jArr(v, "instructions")
	t := &gqlTimeline{Instructions: make([]gqlInstruction, len(ins))}
	for i, in := range ins {
		out := &t.Instructions[i]
		if entries := jArr(in, "entries"); len(entries) > 0 {
			out.Entries = make([]gqlEntry, len(entries))
			for k, e := range entries {
				gqlReadEntry(e, &out.Entries[k])
			}
		}
		if e := jObj(in, "entry"); e != nil {
			out.Entry = &gqlEntry{}
			gqlReadEntry(e, out.Entry)
		}
		out.ModuleItems = gqlReadItems(jArr(in, "moduleItems"))
	}
	return t
}

func gqlReadEntry(v *fastjson.Value, e *gqlEntry) {
	e.EntryID = jStr(v, "entryId")
	c := jObj(v, "content")
	e.CursorType = jStr(c, "cursorType")
	e.Value = jStr(c, "value")
	if ic := jObj(c, "itemContent"); ic != nil {
		e.ItemContent = &gqlItemContent{}
		gqlReadItemContent(ic, e.ItemContent)
	}
	e.Items = gqlReadItems(jArr(c, "items"))
}

func gqlReadItems(items []*fastjson.Value) []gqlItem {
	if len(items) == 0 {
		return nil
	}
	out := make([]gqlItem, len(items))
	for i, it := range items {
		gqlReadItemContent(jObj(it, "item", "itemContent"), &out[i].Content)
	}
	return out
}

func gqlReadItemContent(v *fastjson.Value, ic *gqlItemContent) {
	ic.ItemType = jStr(v, "itemType")
	ic.CursorType = jStr(v, "cursorType")
	ic.Value = jStr(v, "value")
	ic.Tweet = gqlReadTweet(jObj(v, "tweet_results", "result"))
	ic.TweetDisplayType = jStr(v, "tweetDisplayType")
	ic.Promoted = jPresent(v, "promotedMetadata")
}

func gqlReadTweet(v *fastjson.Value) *gqlTweet {
	if v == nil {
		return nil
	}
	t := &gqlTweet{
		Typename: jStr(v, "__typename"),
		RestID:   jStr(v, "rest_id"),
		Tweet:    gqlReadTweet(jObj(v, "tweet")),
		User:     gqlReadUser(jObj(v, "core", "user_results", "result")),
		Quoted:   gqlReadTweet(jObj(v, "quoted_status_result", "result")),
	}
	if l := jObj(v, "legacy"); l != nil {
		t.Legacy = gqlReadLegacy(l)
	}
	if n := jObj(v, "note_tweet", "note_tweet_results", "result"); n != nil {
		t.Note = &gqlNote{Text: jStr(n, "text"), Entities: gqlReadEntities(jObj(n, "entity_set"))}
	}
	if c := jObj(v, "card", "legacy"); c != nil {
		t.Card = gqlReadCard(c)
	}
	t.EditIDs = gqlReadEditIDs(jObj(v, "edit_control"))
	return t
}

// gqlReadEditIDs reads a post's versions from its edit_control: the first
// version (or a post never edited) lists them in edit_tweet_ids
// (EditControlInitial); a later version (EditControlEdit: an edit, or an
// edit of an edit) names initial_tweet_id and nests the first version's
// list in edit_control_initial. Ids that are not numbers, and repeats, are
// left out.
func gqlReadEditIDs(ec *fastjson.Value) []string {
	items := jArr(ec, "edit_tweet_ids")
	if len(items) == 0 {
		items = jArr(ec, "edit_control_initial", "edit_tweet_ids")
	}
	if len(items) < 2 {
		return nil
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		id := string(it.GetStringBytes())
		if _, err := strconv.ParseUint(id, 10, 64); err != nil || slices.Contains(ids, id) {
			continue
		}
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		return nil
	}
	return ids
}

func gqlReadUser(v *fastjson.Value) *gqlUser {
	if v == nil {
		return nil
	}
	return &gqlUser{
		RestID:         jStr(v, "rest_id"),
		IsBlueVerified: jBool(v, "is_blue_verified"),
		ScreenName:     jStr(v, "legacy", "screen_name"),
		Name:           jStr(v, "legacy", "name"),
		Image:          jStr(v, "legacy", "profile_image_url_https"),
		Verified:       jBool(v, "legacy", "verified"),
		CoreScreenName: jStr(v, "core", "screen_name"),
		CoreName:       jStr(v, "core", "name"),
		AvatarURL:      jStr(v, "avatar", "image_url"),
		Verification:   jBool(v, "verification", "verified"),
	}
}

func gqlReadLegacy(v *fastjson.Value) *gqlLegacy {
	l := &gqlLegacy{
		IDStr:            jStr(v, "id_str"),
		ConversationID:   jStr(v, "conversation_id_str"),
		FullText:         jStr(v, "full_text"),
		CreatedAt:        jStr(v, "created_at"),
		DisplayTextRange: jInts(v, "display_text_range"),
		Entities:         gqlReadEntities(jObj(v, "entities")),
		InReplyToStatus:  jStr(v, "in_reply_to_status_id_str"),
		InReplyToUser:    jStr(v, "in_reply_to_user_id_str"),
		InReplyToName:    jStr(v, "in_reply_to_screen_name"),
		Lang:             jStr(v, "lang"),
		QuotedPermalink:  jStr(v, "quoted_status_permalink", "url"),
		Retweeted:        jPresent(v, "retweeted_status_result"),
	}
	if e := jObj(v, "extended_entities"); e != nil {
		ext := gqlReadEntities(e)
		l.ExtendedEntities = &ext
	}
	if n, ok := jInt(v, "reply_count"); ok {
		l.ReplyCount = &n
	}
	return l
}

func gqlReadEntities(v *fastjson.Value) gqlEntities {
	var e gqlEntities
	for _, u := range jArr(v, "urls") {
		e.URLs = append(e.URLs, gqlURLEntity{jStr(u, "url"), jStr(u, "expanded_url"), jInts(u, "indices")})
	}
	e.Mentions = gqlReadTextEntities(jArr(v, "user_mentions"), "screen_name")
	e.Hashtags = gqlReadTextEntities(jArr(v, "hashtags"), "text")
	e.Symbols = gqlReadTextEntities(jArr(v, "symbols"), "text")
	for _, m := range jArr(v, "media") {
		e.Media = append(e.Media, gqlReadMedia(m))
	}
	return e
}

func gqlReadTextEntities(vs []*fastjson.Value, textKey string) []gqlTextEntity {
	var out []gqlTextEntity
	for _, h := range vs {
		out = append(out, gqlTextEntity{jStr(h, textKey), jInts(h, "indices")})
	}
	return out
}

func gqlReadMedia(v *fastjson.Value) gqlMedia {
	m := gqlMedia{
		Type:     jStr(v, "type"),
		URL:      jStr(v, "url"),
		MediaURL: jStr(v, "media_url_https"),
		AltText:  jStr(v, "ext_alt_text"),
		Indices:  jInts(v, "indices"),
	}
	m.Width, _ = jInt(v, "original_info", "width")
	m.Height, _ = jInt(v, "original_info", "height")
	m.DurationMillis, _ = jInt(v, "video_info", "duration_millis")
	for _, va := range jArr(v, "video_info", "variants") {
		b, _ := jInt(va, "bitrate")
		m.Variants = append(m.Variants, gqlVariant{Bitrate: b, ContentType: jStr(va, "content_type"), URL: jStr(va, "url")})
	}
	return m
}

// gqlReadCard reads card.legacy.
func gqlReadCard(v *fastjson.Value) *gqlCard {
	c := &gqlCard{Name: jStr(v, "name"), URL: jStr(v, "url")}
	for _, b := range jArr(v, "binding_values") {
		out := gqlBinding{
			Key:          jStr(b, "key"),
			StringValue:  jStr(b, "value", "string_value"),
			BooleanValue: jBool(b, "value", "boolean_value"),
		}
		if img := jObj(b, "value", "image_value"); img != nil {
			u := jStr(img, "url")
			out.ImageURL = &u
		}
		c.BindingValues = append(c.BindingValues, out)
	}
	return c
}

// ---------------------------------------------------------------- tree reading

// jObj is the object at keys under v, nil when any step is absent, null or
// not an object.
func jObj(v *fastjson.Value, keys ...string) *fastjson.Value {
	if v == nil {
		return nil
	}
	o := v.Get(keys...)
	if o == nil || o.Type() != fastjson.TypeObject {
		return nil
	}
	return o
}

// jArr is the array at keys under v, nil when absent or not an array.
func jArr(v *fastjson.Value, keys ...string) []*fastjson.Value {
	if v == nil {
		return nil
	}
	a := v.Get(keys...)
	if a == nil || a.Type() != fastjson.TypeArray {
		return nil
	}
	items, _ := a.Array()
	return items
}

// jStr is the string at keys under v, "" when absent or not a string.
func jStr(v *fastjson.Value, keys ...string) string {
	if v == nil {
		return ""
	}
	b := v.GetStringBytes(keys...)
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		s.WriteRune(r) // utf8.RuneError for each invalid byte
		b = b[n:]
	}
	return s.String()
}

func jBool(v *fastjson.Value, keys ...string) bool {
	return v != nil && v.GetBool(keys...)
}

// jInt is the integer at keys under v; ok is false when it is absent, null,
// or not an integer that fits an int.
func jInt(v *fastjson.Value, keys ...string) (n int, ok bool) {
	if v == nil {
		return 0, false
	}
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeNumber {
		return 0, false
	}
	n, err := x.Int()
	return n, err == nil
}

// jInts is the array of integers at keys under v; nil when it is absent or
// holds anything else, since an index pair with a hole in it means nothing.
func jInts(v *fastjson.Value, keys ...string) []int {
	items := jArr(v, keys...)
	if items == nil {
		return nil
	}
	out := make([]int, len(items))
	for i, x := range items {
		n, err := x.Int()
		if x.Type() != fastjson.TypeNumber || err != nil {
			return nil
		}
		out[i] = n
	}
	return out
}

// jPresent says whether keys under v name a value other than null.
func jPresent(v *fastjson.Value, keys ...string) bool {
	if v == nil {
		return false
	}
	x := v.Get(keys...)
	return x != nil && x.Type() != fastjson.TypeNull
}
