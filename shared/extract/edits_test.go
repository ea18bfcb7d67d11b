package extract

// The platforms' own edit signals, read by each extractor (Post.EditedAt,
// Post.PreviousIDs), and what thread.Follow makes of them on real and
// made readings of the same thread before and after an edit.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"unspool/shared/thread"
)

func caseThread(t *testing.T, dir, file string) *thread.Thread {
	t.Helper()
	gc, _ := loadCase(t, filepath.Join("testdata", dir))
	content := gc.Content
	if file != "" {
		b, err := os.ReadFile(filepath.Join("testdata", dir, file))
		if err != nil {
			t.Fatal(err)
		}
		content = b
	}
	return mustExtract(t, gc.URL, content)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// Mastodon's edited_at, on a real status read before and after its edit.
func TestMastodonEditedAt(t *testing.T) {
	const dir = "mastodon/mastodonpy-2026-v4-status-edited"
	before := caseThread(t, dir, "before-edit.json")
	after := caseThread(t, dir, "")
	if p := before.Posts[0]; !p.EditedAt.IsZero() {
		t.Errorf("the status as posted (edited_at null) reads as edited at %v", p.EditedAt)
	}
	p := after.Posts[0]
	if want := mustTime(t, "2026-08-01T13:54:00.695Z"); !p.EditedAt.Equal(want) || !strings.Contains(p.Text, "Kate") {
		t.Errorf("edited status: editedAt %v (want %v), text %q", p.EditedAt, want, p.Text)
	}

	// Saved as posted, read again after the edit: one edit, dated by the
	// server, the latest text kept.
	now := mustTime(t, "2026-08-01T15:00:00Z")
	got, ch, err := thread.Follow(before, after, now)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Edited: 1}) || !got.Posts[0].EditedAt.Equal(p.EditedAt) || got.Posts[0].Text != p.Text {
		t.Errorf("follow: changes %+v, post %+v", ch, got.Posts[0])
	}
	// Saved after the edit: the edit is in the saved text, nothing new.
	if _, ch, _ := thread.Follow(after, after, now.Add(time.Hour)); ch.Any() {
		t.Errorf("reading the edited status again counted %+v", ch)
	}
}

// Misskey's updatedAt: the made case's last note is edited, its root has
// updatedAt null and the focal note no key at all.
func TestMisskeyUpdatedAt(t *testing.T) {
	th := caseThread(t, "misskey/made-v13-selfthread-3-quote-video-mfm", "")
	want := map[string]string{"9r00000001": "", "9r00000002": "", "9r00000003": "2024-03-01T10:25:30Z"}
	for _, p := range th.Posts {
		w, ok := want[p.ID]
		if !ok {
			t.Errorf("unexpected post %s", p.ID)
			continue
		}
		if (w == "" && !p.EditedAt.IsZero()) || (w != "" && !p.EditedAt.Equal(mustTime(t, w))) {
			t.Errorf("%s: editedAt %v, want %q", p.ID, p.EditedAt, w)
		}
	}
}

// An edit's time is the source's only when it follows the creation.
func TestEditedTimeNotBeforeCreation(t *testing.T) {
	created := mustTime(t, "2024-03-01T10:00:00Z")
	for s, want := range map[string]bool{"2024-03-01T10:00:00Z": false, "2024-03-01T09:00:00Z": false, "yesterday": false, "": false, "2024-03-01T10:00:01Z": true} {
		if got := !editedTime(created, &s).IsZero(); got != want {
			t.Errorf("edited %q: %v, want %v", s, got, want)
		}
	}
	if !editedTime(created, nil).IsZero() {
		t.Error("a null edited_at reads as an edit")
	}
}

// X's edit_control in both shapes, read from the versions' list.
func TestXEditControlShapes(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{`{"edit_tweet_ids":["1649191520250245121"],"editable_until_msecs":"1682034673000","edits_remaining":"5","is_edit_eligible":false}`, ""},
		{`{"edit_tweet_ids":["10","20"],"editable_until_msecs":"1","edits_remaining":"4","is_edit_eligible":true}`, "10 20"},
		{`{"__typename":"EditControlEdit","initial_tweet_id":"10","edit_control_initial":{"edit_tweet_ids":["10","20","30"],"edits_remaining":"3"}}`, "10 20 30"},
		// A repeated id is one version.
		{`{"initial_tweet_id":"10","edit_control_initial":{"edit_tweet_ids":["10","10"]}}`, ""},
		{`{"edit_tweet_ids":["10","x<y>","20"]}`, "10 20"},
		{`{}`, ""},
	} {
		v := fastjson.MustParse(c.json)
		if got := strings.Join(gqlReadEditIDs(v), " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.json, got, c.want)
		}
	}
}

// X: the newest versions of an edited root and of a post edited twice, and
// an answer that holds only an older version.
func TestXEditedVersions(t *testing.T) {
	edited := caseThread(t, "x-graphql/made-edited-root-and-edit-of-an-edit", "")
	root, post2 := edited.Posts[0], edited.Posts[1]
	if !slices.Equal(root.PreviousIDs, []string{"1649191520250245121"}) || !root.CreatedAt.Equal(mustTime(t, "2023-04-20T23:21:13Z")) || !root.EditedAt.Equal(mustTime(t, "2023-04-20T23:33:13Z")) {
		t.Errorf("root: previous %v, created %v, edited %v", root.PreviousIDs, root.CreatedAt, root.EditedAt)
	}
	if len(post2.PreviousIDs) != 2 || post2.PreviousIDs[0] != "1649191521323995138" || !strings.Contains(post2.Text, "April 29.") || post2.EditedAt.IsZero() {
		t.Errorf("post 2: previous %v, edited %v, text %q", post2.PreviousIDs, post2.EditedAt, post2.Text)
	}
	// Post 3 answered post 2's first version: the chain goes on through it.
	if len(edited.Posts) != 4 || edited.Posts[2].ReplyTo != post2.ID || !edited.Complete {
		t.Errorf("chain %d posts, post 3 replies to %s, complete %v", len(edited.Posts), edited.Posts[2].ReplyTo, edited.Complete)
	}

	older := caseThread(t, "x-graphql/made-edited-older-version-only", "")
	if older.Complete || len(older.Gaps) != 1 || !strings.Contains(older.Gaps[0], "post 2 was edited") || !older.Posts[1].EditedAt.IsZero() {
		t.Errorf("older version: complete %v, gaps %q, editedAt %v", older.Complete, older.Gaps, older.Posts[1].EditedAt)
	}

	// Keep current: the thread saved before the edits, read after them.
	saved := caseThread(t, "x-graphql/twscrape-raw_tweet_details", "")
	got, ch, err := thread.Follow(saved, edited, mustTime(t, "2023-04-21T09:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Edited: 2}) || got.ID != saved.ID || got.Posts[0].ID != root.ID || got.Posts[1].Text != post2.Text || len(got.Posts) != 4 {
		t.Errorf("follow: changes %+v, id %s, posts %d", ch, got.ID, len(got.Posts))
	}
}
