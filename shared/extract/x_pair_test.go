package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

// xOnlyGraphQLKnows blanks what only X's JSON can know, so the DOM's and
// GraphQL's threads of one page can be compared field by field:
//   - Author.ID: the account's numeric id is not in the page;
//   - Media width, height and duration: the DOM lays media out by CSS;
//   - a video's URL: the DOM plays videos from blob: URLs, so its URL is
//     the post's own; GraphQL gives the best mp4 (GIFs have a real mp4 in
//     both, so GIF URLs are compared);
//   - Source names the path taken.
//
// Not in the pair, because the DOM cannot know them at all: a link card's
// target (the DOM has only its t.co link; GraphQL the expanded URL), a
// large card's description (not shown) and its image size (the DOM shows
// name=medium, GraphQL the original); poll counts (the DOM shows
// percentages); the id of a quoted post shown without any link to it. A
// merge (ExtractCollected) takes these from GraphQL.
//
// Everything else — ids, order, text and runs, photos at full size, alt
// text, posters, quotes with their author, completeness — must be equal.
func xOnlyGraphQLKnows(th *thread.Thread) *thread.Thread {
	c := *th
	c.Source = ""
	c.Author.ID = ""
	c.Posts = nil
	var post func(p thread.Post) thread.Post
	post = func(p thread.Post) thread.Post {
		if p.Author != nil {
			a := *p.Author
			a.ID = ""
			p.Author = &a
		}
		p.Media = append([]thread.Media(nil), p.Media...)
		for i := range p.Media {
			m := &p.Media[i]
			m.Width, m.Height, m.DurationMS = 0, 0, 0
			if m.Type == thread.Video {
				m.URL = ""
			}
		}
		if p.Quote != nil {
			q := post(*p.Quote)
			p.Quote = &q
		}
		return p
	}
	for _, p := range th.Posts {
		c.Posts = append(c.Posts, post(p))
	}
	return &c
}

func xReadCaseThread(t *testing.T, dir string) *thread.Thread {
	t.Helper()
	source := filepath.Dir(dir)
	c, skip := xLoadCase(t, filepath.Base(source), dir)
	if skip != "" {
		t.Skip(skip)
	}
	th, err := xRunCase(c)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return th
}

// TestXDOMAndGraphQLAgree: the same thread read from its page and from its
// TweetDetail gives the same Thread, but for what only GraphQL can know.
func TestXDOMAndGraphQLAgree(t *testing.T) {
	dom := xReadCaseThread(t, filepath.Join("testdata", "x-dom", "made-pair"))
	gql := xReadCaseThread(t, filepath.Join("testdata", "x-graphql", "made-pair"))
	a, b := xMarshal(t, xOnlyGraphQLKnows(dom)), xMarshal(t, xOnlyGraphQLKnows(gql))
	if string(a) != string(b) {
		t.Errorf("DOM and GraphQL threads differ (- DOM, + GraphQL):\n%s", xLineDiff(string(a), string(b)))
	}
	// What GraphQL adds must be there, or the comparison above proves less.
	var videos, sized int
	for _, p := range gql.Posts {
		for _, m := range p.Media {
			if m.Type == thread.Video && strings.HasSuffix(m.URL, ".mp4") {
				videos++
			}
			if m.Width > 0 {
				sized++
			}
		}
	}
	if videos == 0 || sized == 0 || gql.Author.ID == "" {
		t.Errorf("GraphQL thread lacks its own fields: %d mp4 videos, %d sized media, author id %q", videos, sized, gql.Author.ID)
	}
	// The merge of both is GraphQL's thread: it adds nothing the DOM lacks.
	merged := xReadCaseThread(t, filepath.Join("testdata", "x-collected", "made-pair-merged"))
	merged.Source, gql.Source = "", ""
	if m, g := xMarshal(t, merged), xMarshal(t, gql); string(m) != string(g) {
		t.Errorf("merged thread differs from GraphQL's (- merged, + GraphQL):\n%s", xLineDiff(string(m), string(g)))
	}
}

// TestXCollectedFillsTruncated: the DOM alone marks the cut post and is
// incomplete; with the TweetDetail the full text comes in and the gap goes.
func TestXCollectedFillsTruncated(t *testing.T) {
	dom := xReadCaseThread(t, filepath.Join("testdata", "x-dom", "made-truncated"))
	merged := xReadCaseThread(t, filepath.Join("testdata", "x-collected", "made-truncated-graphql-fills"))
	if !dom.Posts[1].Truncated || dom.Complete {
		t.Errorf("DOM: truncated=%v complete=%v, want true/false", dom.Posts[1].Truncated, dom.Complete)
	}
	if merged.Posts[1].Truncated || !merged.Complete || !strings.HasSuffix(merged.Posts[1].Text, "to its very end.") {
		t.Errorf("merged: truncated=%v complete=%v text %q", merged.Posts[1].Truncated, merged.Complete, merged.Posts[1].Text)
	}
}

// TestXGoldensMatchJSONShape: every expected.json decodes to a Thread that
// validates (so a hand-edited golden cannot drift from the model).
func TestXGoldensMatchJSONShape(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "x-*", "*", "expected.json"))
	if len(files) < 20 {
		t.Fatalf("only %d X goldens found", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var th thread.Thread
		if err := json.Unmarshal(b, &th); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := th.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
