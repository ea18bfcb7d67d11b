package extract

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unspool/shared/thread"
)

// mastoRealThread is the real 3-status thread of made-status-context-
// selfthread-3 (saved as extracted), with its statuses as raw JSON.
func mastoRealThread(t *testing.T) (saved *thread.Thread, root map[string]any, later []map[string]any) {
	t.Helper()
	gc, _ := loadCase(t, filepath.Join("testdata", "mastodon", "made-status-context-selfthread-3"))
	saved = mustExtract(t, gc.URL, gc.Content)
	var b struct {
		Status  map[string]any `json:"status"`
		Context struct {
			Ancestors, Descendants []map[string]any
		} `json:"context"`
	}
	if err := json.Unmarshal(gc.Content, &b); err != nil {
		t.Fatal(err)
	}
	return saved, b.Context.Ancestors[0], []map[string]any{b.Status, b.Context.Descendants[0]}
}

func follow(t *testing.T, saved *thread.Thread, kind string, body []byte, now time.Time) (thread.Thread, thread.Changes) {
	t.Helper()
	fresh, err := MastodonReading(saved, kind, body, now)
	if err != nil {
		t.Fatalf("%s reading: %v", kind, err)
	}
	if err := fresh.Validate(); err != nil {
		t.Fatalf("%s reading is not a valid thread: %v", kind, err)
	}
	got, ch, err := thread.Follow(saved, fresh, now)
	if err != nil {
		t.Fatalf("follow %s: %v", kind, err)
	}
	return got, ch
}

func TestMastodonReadingContextOfTheFirstPost(t *testing.T) {
	saved, root, later := mastoRealThread(t)
	saved.CapturedAt = time.Date(2023, 5, 28, 16, 0, 0, 0, time.UTC)
	now := saved.CapturedAt.Add(time.Hour)
	ctx := func(desc ...map[string]any) []byte {
		return []byte(mustJSON(t, map[string]any{"ancestors": []any{}, "descendants": desc}))
	}

	// The same thread: nothing changes, the first post stays as saved.
	got, ch := follow(t, saved, MastodonReadContext, ctx(later...), now)
	if ch.Any() || len(got.Posts) != 3 || got.Posts[0].Text != saved.Posts[0].Text || !got.Complete {
		t.Errorf("unchanged: changes %+v, %d posts, complete %v", ch, len(got.Posts), got.Complete)
	}

	// Post 2 edited after the save, post 3 gone, a new post 4 replying to 2.
	edited := clone(t, later[0])
	edited["edited_at"], edited["content"] = "2023-05-28T16:30:00.000Z", "<p>edited</p>"
	fourth := clone(t, later[1])
	fourth["id"], fourth["in_reply_to_id"], fourth["created_at"] = "110446999999999999", edited["id"], "2023-05-28T16:40:00.000Z"
	got, ch = follow(t, saved, MastodonReadContext, ctx(edited, fourth), now)
	if ch != (thread.Changes{Added: 1, Edited: 1, Removed: 1}) {
		t.Errorf("changes %+v, want 1 added, 1 edited, 1 removed", ch)
	}
	if p := got.Posts[1]; p.Text != "edited" || !p.EditedAt.Equal(time.Date(2023, 5, 28, 16, 30, 0, 0, time.UTC)) {
		t.Errorf("post 2: %q edited %v", p.Text, p.EditedAt)
	}
	if got.ID != saved.ID || got.Posts[0].ID != root["id"] || got.Posts[0].Text != saved.Posts[0].Text {
		t.Errorf("the first post changed: %+v", got.Posts[0])
	}

	// A thread saved from the web pages has no account id: it is found
	// by the handle.
	noID := *saved
	noID.Author.ID = ""
	if _, ch = follow(t, &noID, MastodonReadContext, ctx(later...), now); ch.Any() {
		t.Errorf("by handle: changes %+v", ch)
	}
	if _, err := MastodonReading(&noID, MastodonReadContext, ctx(), now); err == nil {
		t.Error("a context that names no account of the author read as all posts gone")
	}
}

func TestMastodonReadingStatusAndGone(t *testing.T) {
	saved, root, _ := mastoRealThread(t)
	saved.CapturedAt = time.Date(2023, 5, 28, 16, 0, 0, 0, time.UTC)
	now := saved.CapturedAt.Add(time.Hour)

	// The first post's own answer: its edit, the rest untouched.
	edited := clone(t, root)
	edited["edited_at"], edited["content"] = "2023-05-28T16:10:00.000Z", "<p>first, edited</p>"
	got, ch := follow(t, saved, MastodonReadStatus, []byte(mustJSON(t, edited)), now)
	if ch != (thread.Changes{Edited: 1}) || got.Posts[0].Text != "first, edited" || len(got.Posts) != 3 {
		t.Errorf("status: changes %+v, first %q, %d posts", ch, got.Posts[0].Text, len(got.Posts))
	}
	other := clone(t, root)
	other["id"] = "1"
	if _, err := MastodonReading(saved, MastodonReadStatus, []byte(mustJSON(t, other)), now); err == nil {
		t.Error("another status read as the first post")
	}

	// A 404: the first post is gone, kept and marked; the rest stays.
	got, ch = follow(t, saved, MastodonReadGone, nil, now)
	if ch != (thread.Changes{Removed: 1}) || got.Posts[0].RemovedAt.IsZero() || !got.Posts[1].RemovedAt.IsZero() {
		t.Errorf("gone: changes %+v, removed %v / %v", ch, got.Posts[0].RemovedAt, got.Posts[1].RemovedAt)
	}
	// Read again: nothing new.
	if _, ch := follow(t, &got, MastodonReadGone, nil, now.Add(time.Hour)); ch.Any() {
		t.Errorf("gone again: %+v", ch)
	}
	one := *saved
	one.Posts = saved.Posts[:1]
	if _, err := MastodonReading(&one, MastodonReadGone, nil, now); err == nil || !strings.Contains(err.Error(), "nothing else") {
		t.Errorf("a one-post thread gone: %v", err)
	}
	if _, err := MastodonReading(saved, "descendants", nil, now); err == nil {
		t.Error("an unknown kind was read")
	}
}

func clone(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, m)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMastodonRequestOnePerReading(t *testing.T) {
	saved, _, _ := mastoRealThread(t)
	for turn, want := range []string{
		"context https://mastodon.social/api/v1/statuses/110446983178245440/context",
		"status https://mastodon.social/api/v1/statuses/110446983178245440",
		"context https://mastodon.social/api/v1/statuses/110446983178245440/context",
	} {
		url, kind, err := MastodonRequest(saved, turn)
		if err != nil || kind+" "+url != want {
			t.Errorf("turn %d: %s %s %v, want %s", turn, kind, url, err, want)
		}
	}
	gts := *saved
	gts.URL = "https://gts.example/@halcy/statuses/" + saved.FocalID
	if url, _, err := MastodonRequest(&gts, 0); err != nil || !strings.HasPrefix(url, "https://gts.example/api/v1/statuses/") {
		t.Errorf("GoToSocial address: %s %v", url, err)
	}
	// Read through another server: the address's server numbers the posts
	// otherwise, and must not be asked for these ids.
	remote := *saved
	remote.URL = "https://other.example/@halcy/109999999999999999"
	misskey := *saved
	misskey.Source = "misskey-api"
	plain := *saved
	plain.URL = strings.Replace(saved.URL, "https:", "http:", 1)
	for name, th := range map[string]*thread.Thread{"remote": &remote, "misskey": &misskey, "http": &plain} {
		if url, _, err := MastodonRequest(th, 0); err == nil {
			t.Errorf("%s: asked %s", name, url)
		}
	}
}
