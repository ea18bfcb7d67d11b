package extract

// Older generations of the platforms' formats, read where their meaning is
// unambiguous: each test rewrites real captures into the older shape (only
// the names that changed) and wants the same thread as the golden.

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// generationCases runs every golden of source whose source.json holds from,
// with from replaced by to, against the golden's expected.json.
func generationCases(t *testing.T, source string, renames ...string) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
	ran := 0
	for _, dir := range dirs {
		src, err := os.ReadFile(filepath.Join(dir, "source.json"))
		if err != nil || !bytes.Contains(src, []byte(renames[0])) {
			continue
		}
		want, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			continue // an expected-error case
		}
		ran++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, _ := xLoadCase(t, source, dir)
			for i := 0; i+1 < len(renames); i += 2 {
				c.Content = bytes.ReplaceAll(c.Content, []byte(renames[i]), []byte(renames[i+1]))
			}
			th, err := xRunCase(c)
			if err != nil {
				t.Fatalf("the older shape is refused: %v", err)
			}
			if got := xMarshal(t, th); !bytes.Equal(got, want) {
				t.Errorf("the older shape reads otherwise (- golden, + older):\n%s", xLineDiff(string(want), string(got)))
			}
		})
	}
	if ran == 0 {
		t.Fatalf("no %s golden holds %q", source, renames[0])
	}
}

// X's web app named the TweetDetail timeline threaded_conversation_with_injections
// until its "withV2Timeline" switch (2022); the entries kept their shape.
func TestXGraphQL2022TimelineName(t *testing.T) {
	generationCases(t, "x-graphql", `"threaded_conversation_with_injections_v2"`, `"threaded_conversation_with_injections"`)
}

// Bluesky's lexicons before March 2023 named the thread views under
// getPostThread, the embed views "presented" and the quoted record a
// presentedRecord holding the post in "record" (later "value").
func TestBluesky2023LexiconNames(t *testing.T) {
	generationCases(t, "bluesky",
		`"app.bsky.feed.defs#threadViewPost"`, `"app.bsky.feed.getPostThread#threadViewPost"`,
		`"app.bsky.feed.defs#notFoundPost"`, `"app.bsky.feed.getPostThread#notFoundPost"`,
		`"app.bsky.embed.images#view"`, `"app.bsky.embed.images#presented"`,
		`"app.bsky.embed.external#view"`, `"app.bsky.embed.external#presented"`,
		`"app.bsky.embed.record#view"`, `"app.bsky.embed.record#presented"`,
		`"app.bsky.embed.record#viewRecord"`, `"app.bsky.embed.record#presentedRecord"`,
		`"value":`, `"record":`,
	)
}
