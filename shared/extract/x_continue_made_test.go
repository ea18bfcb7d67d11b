package extract

// Made TweetDetail responses with X's cursors, shaped as X sends them for
// a long self-thread (twscrape-issue56-author-replies-to-others and
// tmh-image hold the real shapes): the author's continuation is one
// "conversationthread-<id>" module whose last item may be a ShowMore cursor
// ("Show replies"); the conversation may end in a "cursor-bottom-…" entry;
// a cursor's answer appends to its module (TimelineAddToModule) or adds
// entries (TimelineAddEntries).

import (
	"encoding/json"
)

// mkConvItem is the itemContent of p in conversation conv.
func mkConvItem(p *mkPost, conv, display string) map[string]any {
	return map[string]any{"itemType": "TimelineTweet", "__typename": "TimelineTweet", "tweetDisplayType": display,
		"tweet_results": map[string]any{"result": mkTweet(p, conv)}}
}

func mkCursorItem(cursorType, value, action string) map[string]any {
	c := map[string]any{"itemType": "TimelineTimelineCursor", "__typename": "TimelineTimelineCursor", "cursorType": cursorType, "value": value}
	if action != "" {
		c["displayTreatment"] = map[string]any{"actionText": action}
	}
	return c
}

// mkModuleItems lists posts as module items of mod, then a ShowMore cursor
// when showMore is set.
func mkModuleItems(mod string, posts []*mkPost, conv, display, showMore string) []map[string]any {
	var items []map[string]any
	for _, p := range posts {
		items = append(items, map[string]any{"entryId": mod + "-tweet-" + p.ID, "item": map[string]any{"itemContent": mkConvItem(p, conv, display)}})
	}
	if showMore != "" {
		items = append(items, map[string]any{"entryId": mod + "-cursor-showmore-" + showMore,
			"item": map[string]any{"itemContent": mkCursorItem("ShowMore", showMore, "Show replies")}})
	}
	return items
}

func mkModuleEntry(mod string, items []map[string]any) map[string]any {
	return map[string]any{"entryId": mod, "sortIndex": mod, "content": map[string]any{
		"entryType": "TimelineTimelineModule", "__typename": "TimelineTimelineModule", "displayType": "VerticalConversation", "items": items}}
}

func mkCursorEntry(kind, value string) map[string]any {
	return map[string]any{"entryId": "cursor-" + map[string]string{"Bottom": "bottom", "Top": "top"}[kind] + "-" + value, "sortIndex": value,
		"content": map[string]any{"entryType": "TimelineTimelineCursor", "__typename": "TimelineTimelineCursor", "itemContent": mkCursorItem(kind, value, "")}}
}

func mkInstructions(instructions ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"data": map[string]any{"threaded_conversation_with_injections_v2": map[string]any{"instructions": instructions}}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// mkConvFirst is the first TweetDetail of a page opened on focal: its
// ancestors, the focal post, the author's continuation (chain) as one module
// ending in a ShowMore cursor when showMore is set, each reply of others in
// a module of its own, and a Bottom cursor when bottom is set. A Top cursor
// comes first when top is set.
func mkConvFirst(conv, top string, ancestors []*mkPost, focal *mkPost, chain []*mkPost, showMore string, others []*mkPost, bottom string) string {
	var entries []map[string]any
	if top != "" {
		entries = append(entries, mkCursorEntry("Top", top))
	}
	for _, p := range append(append([]*mkPost(nil), ancestors...), focal) {
		entries = append(entries, map[string]any{"entryId": "tweet-" + p.ID, "sortIndex": p.ID,
			"content": map[string]any{"entryType": "TimelineTimelineItem", "__typename": "TimelineTimelineItem", "itemContent": mkConvItem(p, conv, "Tweet")}})
	}
	if len(chain) > 0 {
		mod := "conversationthread-" + chain[0].ID
		entries = append(entries, mkModuleEntry(mod, mkModuleItems(mod, chain, conv, "SelfThread", showMore)))
	}
	for _, p := range others {
		mod := "conversationthread-" + p.ID
		entries = append(entries, mkModuleEntry(mod, mkModuleItems(mod, []*mkPost{p}, conv, "Tweet", "")))
	}
	if bottom != "" {
		entries = append(entries, mkCursorEntry("Bottom", bottom))
	}
	return mkInstructions(map[string]any{"type": "TimelineAddEntries", "entries": entries},
		map[string]any{"type": "TimelineTerminateTimeline", "direction": "Top"})
}

// mkConvAppend answers a ShowMore cursor of module mod: its next posts,
// and another cursor when showMore is set.
func mkConvAppend(conv, mod string, posts []*mkPost, showMore string) string {
	return mkInstructions(map[string]any{"type": "TimelineAddToModule", "moduleEntryId": mod, "prepend": false,
		"moduleItems": mkModuleItems(mod, posts, conv, "SelfThread", showMore)})
}

// mkConvMore answers a Bottom cursor: more reply modules (each post in a
// module of its own) and another Bottom cursor when bottom is set.
func mkConvMore(conv string, posts []*mkPost, bottom string) string {
	var entries []map[string]any
	for _, p := range posts {
		mod := "conversationthread-" + p.ID
		entries = append(entries, mkModuleEntry(mod, mkModuleItems(mod, []*mkPost{p}, conv, "Tweet", "")))
	}
	if bottom != "" {
		entries = append(entries, mkCursorEntry("Bottom", bottom))
	}
	return mkInstructions(map[string]any{"type": "TimelineAddEntries", "entries": entries})
}
