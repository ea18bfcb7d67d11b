package sync_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/thread"
)

// savedByEarlierVersion is a recorded Misskey thread as Unspool saved it
// before Misskey had its own platform: "mastodon", source "misskey-api".
func savedByEarlierVersion(t *testing.T) thread.Thread {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "extract", "testdata", "misskey", "gomisskey-show-conversation-replies", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		t.Fatal(err)
	}
	if th.Platform != thread.Misskey {
		t.Fatalf("the golden is platform %q", th.Platform)
	}
	th.Platform = thread.Mastodon
	return th
}

// An old Misskey record moves to its misskey: key with everything the user
// set on it, clocks and all, so two devices moving it on their own agree,
// and edits made on each before the move all arrive.
func TestMoved_MisskeyRecordSavedAsMastodon(t *testing.T) {
	at := func(sec int64, dev string) sync.HLC { return sync.HLC{Wall: 1_800_000_000_000 + sec*1000, Device: dev} }
	var laptop sync.SavedThread
	if err := laptop.Save(savedByEarlierVersion(t), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), at(0, "A")); err != nil {
		t.Fatal(err)
	}
	if laptop.ID != "mastodon:8dpz71s548" {
		t.Fatalf("saved as %s", laptop.ID)
	}
	phone := laptop
	laptop.SetTags([]string{"fedi"}, at(1, "A"))
	phone.SetNote("read later", at(2, "B"))
	phone.SetKeepCurrent(new(false), at(3, "B"))

	ml, ok := sync.Moved(laptop)
	mp, ok2 := sync.Moved(phone)
	if !ok || !ok2 {
		t.Fatal("the record was not moved")
	}
	if ml.ID != "misskey:8dpz71s548" || ml.Thread.Platform != thread.Misskey || ml.Clocks.Thread != laptop.Clocks.Thread || !ml.SavedAt.Equal(laptop.SavedAt) {
		t.Fatalf("moved = %s", js(t, ml))
	}
	for _, m := range []sync.SavedThread{ml, mp} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	both, ok := sync.Moved(sync.Merge(laptop, phone))
	if !ok || !reflect.DeepEqual(sync.Merge(ml, mp), both) {
		t.Fatalf("moving then merging = %s\nmerging then moving = %s", js(t, sync.Merge(ml, mp)), js(t, both))
	}
	if both.Tags[0] != "fedi" || both.Note != "read later" || both.KeepCurrent == nil || *both.KeepCurrent {
		t.Fatalf("the user's edits were lost: %s", js(t, both))
	}
	if laptop.Thread.Platform != thread.Mastodon {
		t.Fatal("Moved changed its argument")
	}

	// Where it belongs already, or deleted: no move.
	if _, ok := sync.Moved(ml); ok {
		t.Fatal("a misskey record was moved again")
	}
	gone := laptop
	gone.Delete(at(9, "A"))
	if _, ok := sync.Moved(gone); ok {
		t.Fatal("a tombstone was moved")
	}
	masto := savedByEarlierVersion(t)
	masto.Source = "mastodon-api"
	var m sync.SavedThread
	_ = m.Save(masto, time.Time{}, at(0, "A"))
	if _, ok := sync.Moved(m); ok {
		t.Fatal("a Mastodon API thread was moved")
	}
	// The extension's call answers null then.
	if got, err := sync.APIMoved(js(t, m)); err != nil || got != "null" {
		t.Fatalf("APIMoved = %q, %v", got, err)
	}
}
