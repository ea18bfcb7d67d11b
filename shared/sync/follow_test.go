package sync_test

import (
	"encoding/json"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// A refresh on one device adds the source's new posts as a capture: the
// other device gets them, marked, by the ordinary merge; the save date and
// the user's own edits stay.
func TestRefresh_NewPostsSyncMarked(t *testing.T) {
	a, b := clockAt("A", 0), clockAt("B", 0)
	savedAt := time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	var phone sync.SavedThread
	if err := phone.Save(synctest.Thread("7", []int{1, 2, 3}, 0), savedAt, a()); err != nil {
		t.Fatal(err)
	}
	phone.SetTags([]string{"bread"}, a())
	laptop := sync.Merge(sync.SavedThread{}, phone)

	now := savedAt.Add(48 * time.Hour)
	ch, err := laptop.Refresh(synctest.Thread("7", []int{1, 2, 3, 4, 5}, 0), now, b())
	if err != nil {
		t.Fatal(err)
	}
	if ch.Added != 2 || ch.Edited+ch.Removed+ch.Restored != 0 {
		t.Fatalf("changes %+v, want 2 added", ch)
	}
	phone = sync.Merge(phone, laptop)
	if got := postIDs(phone); len(got) != 5 {
		t.Fatalf("phone has %v after the merge", got)
	}
	if !phone.SavedAt.Equal(savedAt) || len(phone.Tags) != 1 {
		t.Errorf("savedAt %v, tags %v: the refresh changed the user's fields", phone.SavedAt, phone.Tags)
	}
	if n := phone.NewSinceRead(); n != 2 {
		t.Errorf("new since read: %d, want 2", n)
	}
	// Opening the thread to read (seenAt) clears the count, everywhere.
	phone.SetReadPosition(&sync.ReadPosition{PostID: "701", SeenAt: now.Add(time.Minute)}, a())
	if merged := sync.Merge(laptop, phone); merged.NewSinceRead() != 0 {
		t.Errorf("new since read after reading: %d", merged.NewSinceRead())
	}
}

func TestRefresh_NothingNewWritesNothing(t *testing.T) {
	a := clockAt("A", 0)
	var s sync.SavedThread
	_ = s.Save(synctest.Thread("7", []int{1, 2, 3}, 0), time.Time{}, a())
	before := js(t, s)
	ch, err := s.Refresh(synctest.Thread("7", []int{1, 2, 3}, 0), time.Now(), a())
	if err != nil || ch.Any() || js(t, s) != before {
		t.Errorf("a refresh that found nothing changed the record (changes %+v, err %v)", ch, err)
	}
	s.Delete(a())
	if _, err := s.Refresh(synctest.Thread("7", []int{1, 2, 3, 4}, 0), time.Now(), a()); err == nil {
		t.Error("a deleted thread was refreshed back")
	}
}

func TestAPIRefreshAndNewPosts(t *testing.T) {
	a := clockAt("A", 0)
	var s sync.SavedThread
	_ = s.Save(synctest.Thread("7", []int{1, 2, 3}, 0), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), a())
	fresh, _ := json.Marshal(sync.FollowJSON{Thread: ptr(synctest.Thread("7", []int{1, 2, 3, 4, 5}, 0)), Now: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), At: a()})
	out, err := sync.APIRefresh(js(t, s), string(fresh))
	if err != nil {
		t.Fatal(err)
	}
	var r sync.RefreshJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Changes.Added != 2 || len(r.Saved.Thread.Posts) != 5 {
		t.Fatalf("APIRefresh: %v %s", err, out)
	}
	np, err := sync.APINewPosts(js(t, r.Saved))
	if err != nil || np != `{"count":2,"since":"2026-03-01T00:00:00Z"}` {
		t.Errorf("APINewPosts: %s %v", np, err)
	}
	if _, err := sync.APIRefresh(js(t, s), `{"thread":null}`); err == nil {
		t.Error("a refresh without a thread was accepted")
	}
}

func ptr[T any](v T) *T { return &v }
