package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// xFuzzSeeds adds every case of a source no larger than max bytes (big
// pages slow every fuzz iteration without finding more).
func xFuzzSeeds(f *testing.F, source string, max int) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "url.txt")); err != nil {
			continue
		}
		c, skip := xLoadCase(f, source, dir)
		if skip != "" || len(c.Content) > max {
			continue
		}
		f.Add(c.URL, c.Content)
	}
}

// xFuzzCheck: any input gives an error or a thread that validates, has only
// http(s) URLs, and says why it is incomplete — and never panics.
func xFuzzCheck(t *testing.T, url string, content []byte) {
	th, err := Options{Now: xGoldenNow}.Extract(url, content)
	if err != nil {
		if err.Error() == "" {
			t.Fatal("an error without a message")
		}
		return
	}
	if err := th.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if th.Complete != (len(th.Gaps) == 0) {
		t.Fatalf("complete = %v, gaps %q", th.Complete, th.Gaps)
	}
	xCheckSafe(t, th)
	if th.Source == "x-dom" || th.Source == "x-graphql" {
		for i, p := range th.Posts {
			if p.Author != nil && !strings.EqualFold(p.Author.Handle, th.Author.Handle) {
				t.Fatalf("post %d by @%s in @%s's thread", i+1, p.Author.Handle, th.Author.Handle)
			}
		}
	}
}

func FuzzExtractXDOM(f *testing.F) {
	xFuzzSeeds(f, "x-dom", 128<<10)
	f.Add("https://x.com/a/status/1", []byte(`<div data-testid="cellInnerDiv"><article data-testid="tweet"><a href="/a/status/1"><time datetime="2026-01-01T00:00:00.000Z">x</time></a><div data-testid="tweetText">hi<a href="javascript:x">y</a></div></article></div>`))
	f.Fuzz(xFuzzCheck)
}

func FuzzExtractXGraphQL(f *testing.F) {
	xFuzzSeeds(f, "x-graphql", 128<<10)
	f.Add("https://x.com/a/status/1", []byte(`{"data":{"threaded_conversation_with_injections_v2":{"instructions":[{"type":"TimelineAddEntries","entries":[{"entryId":"tweet-1","content":{"entryType":"TimelineTimelineItem","itemContent":{"itemType":"TimelineTweet","tweet_results":{"result":{"__typename":"Tweet","rest_id":"1","core":{"user_results":{"result":{"legacy":{"screen_name":"a","name":"A"}}}},"legacy":{"full_text":"🧵 @b &amp; https://t.co/x","created_at":"Wed Apr 19 00:00:00 +0000 2023","entities":{"user_mentions":[{"screen_name":"b","indices":[3,5]}],"urls":[{"url":"https://t.co/x","expanded_url":"javascript:alert(1)","indices":[12,26]}]}}}}}}}]}]}}}`))
	f.Fuzz(xFuzzCheck)
}
