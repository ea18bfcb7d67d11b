package extract

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"unspool/shared/thread"
)

// xWrapResults rewrites every tweet_results.result in a TweetDetail with
// wrap (applied to results whose rest_id is id).
func xWrapResults(t *testing.T, detail, id string, wrap func(map[string]any) map[string]any) []byte {
	var doc any
	if err := json.Unmarshal([]byte(detail), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if tr, ok := v["tweet_results"].(map[string]any); ok {
				if r, ok := tr["result"].(map[string]any); ok && r["rest_id"] == id {
					tr["result"] = wrap(r)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestXGraphQLVisibilityWrapper: X wraps posts with limited actions in
// TweetWithVisibilityResults; they are read as any other post.
func TestXGraphQLVisibilityWrapper(t *testing.T) {
	c := mkChain(mkWeaver, 3, 800, false)
	c[2].Replies = 0
	detail := mkTweetDetail(nil, c[0], c[1:], nil)
	b := xWrapResults(t, detail, c[1].ID, func(r map[string]any) map[string]any {
		return map[string]any{"__typename": "TweetWithVisibilityResults", "tweet": r,
			"limitedActionResults": map[string]any{"limited_actions": []any{map[string]any{"action": "Reply"}}}}
	})
	th, err := Options{Now: xGoldenNow}.Extract(xStatusURL(mkWeaver.Handle, c[0].ID), b)
	if err != nil {
		t.Fatal(err)
	}
	xCheckInvariants(t, th)
	if len(th.Posts) != 3 || !th.Complete {
		t.Errorf("got %d posts, complete=%v %q; want 3, complete", len(th.Posts), th.Complete, th.Gaps)
	}
}

// TestXGraphQLShowMoreCursorInChain: a "Show replies" cursor right below the
// chain's last post means X holds more of it back.
func TestXGraphQLShowMoreCursorInChain(t *testing.T) {
	c := mkChain(mkWeaver, 2, 850, false)
	detail := mkTweetDetail(nil, c[0], c[1:], nil)
	var doc map[string]any
	if err := json.Unmarshal([]byte(detail), &doc); err != nil {
		t.Fatal(err)
	}
	entries := doc["data"].(map[string]any)["threaded_conversation_with_injections_v2"].(map[string]any)["instructions"].([]any)[0].(map[string]any)["entries"].([]any)
	module := entries[1].(map[string]any)["content"].(map[string]any)
	module["items"] = append(module["items"].([]any), map[string]any{"entryId": "conversationthread-x-cursor-showmore-1",
		"item": map[string]any{"itemContent": map[string]any{"itemType": "TimelineTimelineCursor", "cursorType": "ShowMore", "value": "abc"}}})
	b, _ := json.Marshal(doc)
	th, err := Extract(xStatusURL(mkWeaver.Handle, c[0].ID), b)
	if err != nil {
		t.Fatal(err)
	}
	if th.Complete || len(th.Posts) != 2 || !strings.Contains(strings.Join(th.Gaps, " "), "Show replies") {
		t.Errorf("got %d posts, complete=%v, gaps %q", len(th.Posts), th.Complete, th.Gaps)
	}
}

// TestXGraphQLPromotedAndRelatedSkipped: promoted entries and related-post
// modules are never part of a thread, even when by the author.
func TestXGraphQLPromotedAndRelatedSkipped(t *testing.T) {
	c := mkChain(mkWeaver, 1, 870, false)
	other := mkChain(mkWeaver, 1, 880, false)[0]
	other.ReplyTo = c[0] // claims to continue the thread, but sits in a related module
	detail := mkTweetDetail(nil, c[0], nil, nil)
	var doc map[string]any
	if err := json.Unmarshal([]byte(detail), &doc); err != nil {
		t.Fatal(err)
	}
	ins := doc["data"].(map[string]any)["threaded_conversation_with_injections_v2"].(map[string]any)["instructions"].([]any)[0].(map[string]any)
	item := map[string]any{"itemType": "TimelineTweet", "tweet_results": map[string]any{"result": mkTweet(other, c[0].ID)}}
	promoted := map[string]any{"itemType": "TimelineTweet", "promotedMetadata": map[string]any{"advertiser_results": map[string]any{}},
		"tweet_results": map[string]any{"result": mkTweet(other, c[0].ID)}}
	ins["entries"] = append(ins["entries"].([]any),
		map[string]any{"entryId": "tweetdetailrelatedtweets-1", "content": map[string]any{"entryType": "TimelineTimelineModule",
			"items": []any{map[string]any{"entryId": "tweetdetailrelatedtweets-1-tweet-1", "item": map[string]any{"itemContent": item}}}}},
		map[string]any{"entryId": "conversationthread-9", "content": map[string]any{"entryType": "TimelineTimelineModule",
			"items": []any{map[string]any{"entryId": "conversationthread-9-tweet-9", "item": map[string]any{"itemContent": promoted}}}}})
	b, _ := json.Marshal(doc)
	th, err := Extract(xStatusURL(mkWeaver.Handle, c[0].ID), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Posts) != 1 {
		t.Errorf("got %d posts; related and promoted posts must not join the thread", len(th.Posts))
	}
}

// TestXGraphQLFieldOfAnotherTypeReadsAsAbsent: one field X sends in another
// shape (a language as a list, a reply count as a string, indices with a
// hole) costs that detail, not the thread; text that is not valid UTF-8
// keeps every valid character, each invalid byte read as U+FFFD.
func TestXGraphQLFieldOfAnotherTypeReadsAsAbsent(t *testing.T) {
	c := mkChain(mkWeaver, 3, 890, false)
	c[2].Replies = 0
	detail := mkTweetDetail(nil, c[0], c[1:], nil)
	b := xWrapResults(t, detail, c[1].ID, func(r map[string]any) map[string]any {
		l := r["legacy"].(map[string]any)
		l["lang"] = []any{"en"}
		l["reply_count"] = "many"
		l["display_text_range"] = []any{0, nil}
		return r
	})
	// After post 2's last entity, so no index moves; its text range is
	// unread above, so the whole text shows.
	b = bytes.Replace(b, []byte("Second line"), []byte("Second\xffx line"), 1)
	th, err := Options{Now: xGoldenNow}.Extract(xStatusURL(mkWeaver.Handle, c[0].ID), b)
	if err != nil {
		t.Fatal(err)
	}
	xCheckInvariants(t, th)
	if len(th.Posts) != 3 || !th.Complete {
		t.Fatalf("got %d posts, complete=%v %q; want 3, complete", len(th.Posts), th.Complete, th.Gaps)
	}
	if got := th.Posts[1].Lang; got != "" {
		t.Errorf("a language sent as a list read as %q, want none", got)
	}
	if got := thread.PlainText(th.Posts[1].Content); !strings.Contains(got, "Thanks to") {
		t.Errorf("post 2's text %q lost its words", got)
	}
	if got := thread.PlainText(th.Posts[1].Content); !strings.Contains(got, "Second\uFFFDx line") {
		t.Errorf("post 2's text %q: want its invalid byte as U+FFFD", got)
	}
}
