package extract

// Older generations of the platforms' formats, read where their meaning is
// unambiguous: each test rewrites real captures into the older shape (only
// the names that changed) and wants the same thread as the golden.

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// generationCases runs every golden of source whose source.json holds
// renames[0], with each renames[i] replaced by renames[i+1], against the
// golden's expected.json.
func generationCases(t *testing.T, source string, renames ...string) {
	t.Helper()
	generationRewrite(t, source, renames[0], func(b []byte) []byte {
		for i := 0; i+1 < len(renames); i += 2 {
			b = bytes.ReplaceAll(b, []byte(renames[i]), []byte(renames[i+1]))
		}
		return b
	})
}

// generationRewrite runs every golden of source whose source.json holds
// marker, rewritten by older, against the golden's expected.json.
func generationRewrite(t *testing.T, source, marker string, older func([]byte) []byte) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
	ran := 0
	for _, dir := range dirs {
		src, err := os.ReadFile(filepath.Join(dir, "source.json"))
		if err != nil || !bytes.Contains(src, []byte(marker)) {
			continue
		}
		want, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			continue // an expected-error case
		}
		ran++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, _ := xLoadCase(t, source, dir)
			c.Content = older(c.Content)
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
		t.Fatalf("no %s golden holds %q", source, marker)
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

// Mastodon 1.x sent every id as a JSON number (2.0 made them strings, the
// same digits): the string ids of the later captures, made numbers, read
// the same.
func TestMastodon1xNumericIDs(t *testing.T) {
	ids := regexp.MustCompile(`("(?:id|in_reply_to_id|in_reply_to_account_id)":\s*)"([0-9]+)"`)
	generationRewrite(t, "mastodon", `"in_reply_to_id"`, func(b []byte) []byte {
		return ids.ReplaceAll(b, []byte("$1$2"))
	})
}

// A post with only the keys its format has always had (every optional key
// absent) reads, with the absent ones as null: no media, card, poll,
// warning or language.
func TestAbsentOptionalKeys(t *testing.T) {
	for _, c := range []struct {
		name, url, content, text string
	}{
		// Mastodon 1.x–4.x and compatible servers: the keys of 1.0's Status
		// that the extractor needs to know one, nothing else.
		{"mastodon", "https://m.example/@a/1", `{"id":"1","created_at":"2017-04-01T00:00:00Z","in_reply_to_id":null,` +
			`"content":"<p>hi</p>","account":{"id":"9","username":"a"},"media_attachments":[]}`, "hi"},
		// Misskey since v10: a note without text, files, poll, emojis, uri.
		{"misskey", "https://k.example/notes/1", `{"id":"1","createdAt":"2019-01-01T00:00:00Z","userId":"9",` +
			`"user":{"id":"9","username":"a"},"visibility":"public","text":"hi"}`, "hi"},
	} {
		t.Run(c.name, func(t *testing.T) {
			th := mustExtract(t, c.url, []byte(c.content))
			p := th.Posts[0]
			if len(th.Posts) != 1 || p.Text != c.text || len(p.Media) != 0 || p.Card != nil || p.Poll != nil || p.Quote != nil || p.ContentWarning != "" || p.Lang != "" {
				t.Errorf("%+v", th.Posts)
			}
			if !strings.HasPrefix(th.Author.Handle, "a@") {
				t.Errorf("handle %q", th.Author.Handle)
			}
		})
	}
}
