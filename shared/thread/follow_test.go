package thread_test

import (
	"strconv"
	"testing"
	"time"

	"unspool/shared/thread"
)

var (
	savedAt = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later   = time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
)

// chain is a thread of the given post numbers (ids "p1", "p2"…, one hour
// apart), complete or not.
func chain(complete bool, nums ...int) *thread.Thread {
	t := &thread.Thread{Platform: thread.Bluesky, ID: "p1", URL: "https://bsky.app/profile/a/post/p1", Complete: complete}
	for _, n := range nums {
		t.Posts = append(t.Posts, thread.Post{
			ID: "p" + strconv.Itoa(n), Text: "post " + strconv.Itoa(n),
			CreatedAt: savedAt.Add(time.Duration(n) * time.Hour),
		})
	}
	return t
}

func ids(t thread.Thread) (out []string) {
	for _, p := range t.Posts {
		out = append(out, p.ID)
	}
	return out
}

func byID(t thread.Thread, id string) thread.Post {
	for _, p := range t.Posts {
		if p.ID == id {
			return p
		}
	}
	return thread.Post{}
}

func TestFollowAddsNewPostsMarked(t *testing.T) {
	got, ch, err := thread.Follow(chain(true, 1, 2, 3), chain(true, 1, 2, 3, 4, 5), later)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Added: 2}) {
		t.Errorf("changes %+v, want 2 added", ch)
	}
	if want := "[p1 p2 p3 p4 p5]"; fmtIDs(got) != want {
		t.Errorf("posts %s, want %s", fmtIDs(got), want)
	}
	for _, id := range []string{"p4", "p5"} {
		if !byID(got, id).AddedAt.Equal(later) {
			t.Errorf("%s: addedAt %v, want %v", id, byID(got, id).AddedAt, later)
		}
	}
	if !byID(got, "p1").AddedAt.IsZero() {
		t.Error("a post the user saved is marked added")
	}
}

func TestFollowKeepsRemovedPostsMarked(t *testing.T) {
	// p3 is gone at the source; p2 and p4 around it vouch for it.
	got, ch, err := thread.Follow(chain(true, 1, 2, 3, 4), chain(false, 1, 2, 4), later)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Removed: 1}) || fmtIDs(got) != "[p1 p2 p3 p4]" {
		t.Fatalf("changes %+v, posts %s; want p3 kept, marked removed", ch, fmtIDs(got))
	}
	if !byID(got, "p3").RemovedAt.Equal(later) {
		t.Errorf("p3 removedAt %v", byID(got, "p3").RemovedAt)
	}
	// A later reading keeps the first date; a reading that has it again
	// takes the mark away.
	again, ch, _ := thread.Follow(&got, chain(false, 1, 2, 4), later.Add(time.Hour))
	if ch.Any() || !byID(again, "p3").RemovedAt.Equal(later) {
		t.Errorf("second reading: changes %+v, removedAt %v", ch, byID(again, "p3").RemovedAt)
	}
	back, ch, _ := thread.Follow(&again, chain(true, 1, 2, 3, 4), later.Add(2*time.Hour))
	if ch != (thread.Changes{Restored: 1}) || !byID(back, "p3").RemovedAt.IsZero() {
		t.Errorf("restored: changes %+v, removedAt %v", ch, byID(back, "p3").RemovedAt)
	}
}

func TestFollowPartialReadingRemovesNothing(t *testing.T) {
	// An X page that loaded only the first two posts says nothing of the
	// rest: they stay unmarked.
	got, ch, err := thread.Follow(chain(true, 1, 2, 3, 4), chain(false, 1, 2), later)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Any() || fmtIDs(got) != "[p1 p2 p3 p4]" {
		t.Errorf("changes %+v, posts %s", ch, fmtIDs(got))
	}
	// Complete: the source says the thread ends at p2, so p3, where it
	// broke, is gone there; p4 replied to p3 and is cut off from the
	// thread, which says nothing of whether p4 itself is still there.
	got, ch, _ = thread.Follow(chain(true, 1, 2, 3, 4), chain(true, 1, 2), later)
	if ch != (thread.Changes{Removed: 1}) || !byID(got, "p3").RemovedAt.Equal(later) || !byID(got, "p4").RemovedAt.IsZero() {
		t.Errorf("complete reading: changes %+v, p3 removed %v, p4 removed %v; want only p3", ch, byID(got, "p3").RemovedAt, byID(got, "p4").RemovedAt)
	}
	// The last post deleted: the reading ends right before it.
	got, ch, _ = thread.Follow(chain(true, 1, 2, 3, 4), chain(true, 1, 2, 3), later)
	if ch != (thread.Changes{Removed: 1}) || !byID(got, "p4").RemovedAt.Equal(later) {
		t.Errorf("last post deleted: changes %+v, p4 removed %v", ch, byID(got, "p4").RemovedAt)
	}
}

func TestFollowEditReadFromTheSource(t *testing.T) {
	saved := chain(true, 1, 2)
	saved.Posts[1].AddedAt = savedAt.Add(time.Hour) // kept-current earlier

	// Other text with no word of an edit from the source (an extractor
	// that reads links better, a fuller reading): the latest text, no mark.
	fresh := chain(true, 1, 2)
	fresh.Posts[1].Text = "post 2, read better"
	got, ch, err := thread.Follow(saved, fresh, later)
	if err != nil {
		t.Fatal(err)
	}
	if p := byID(got, "p2"); ch.Any() || p.Text != "post 2, read better" || !p.EditedAt.IsZero() {
		t.Errorf("no edit signal: changes %+v, text %q, editedAt %v", ch, p.Text, p.EditedAt)
	}

	// The source dates an edit: an edit, with the source's time (not the
	// time it was found).
	edited := savedAt.Add(30 * time.Hour)
	fresh = chain(true, 1, 2)
	fresh.Posts[1].Text, fresh.Posts[1].EditedAt = "post 2, corrected", edited
	got, ch, err = thread.Follow(saved, fresh, later)
	if err != nil {
		t.Fatal(err)
	}
	p := byID(got, "p2")
	if ch != (thread.Changes{Edited: 1}) || p.Text != "post 2, corrected" || !p.EditedAt.Equal(edited) {
		t.Errorf("dated edit: changes %+v, post %+v", ch, p)
	}
	if !p.AddedAt.Equal(savedAt.Add(time.Hour)) {
		t.Error("an edit lost the post's addedAt")
	}
	// The same reading again: nothing new. A reading without edit data
	// (X's page cells) keeps the saved note.
	again, ch, _ := thread.Follow(&got, fresh, later.Add(time.Hour))
	if ch.Any() {
		t.Errorf("the same edit counted twice: %+v", ch)
	}
	plain := chain(true, 1, 2)
	plain.Posts[1].Text = "post 2, corrected"
	again, ch, _ = thread.Follow(&again, plain, later.Add(2*time.Hour))
	if ch.Any() || !byID(again, "p2").EditedAt.Equal(edited) {
		t.Errorf("a reading without edit data: changes %+v, editedAt %v", ch, byID(again, "p2").EditedAt)
	}

	// The source's clock against the reader's: an edit it dates before
	// the saved reading (a clock behind) is still an edit the saved copy
	// lacks.
	early := chain(true, 1, 2)
	early.Posts[1].EditedAt = savedAt.Add(2 * time.Hour)
	got, ch, _ = thread.Follow(saved, early, later)
	if ch != (thread.Changes{Edited: 1}) || !byID(got, "p2").EditedAt.Equal(savedAt.Add(2*time.Hour)) {
		t.Errorf("an edit dated before the save: changes %+v, editedAt %v", ch, byID(got, "p2").EditedAt)
	}
	// A saved note from the time an edit was found (text compared, before
	// sources were read) gives way to the source's earlier time, uncounted.
	found := chain(true, 1, 2)
	found.Posts[1].EditedAt = later
	fresh.Posts[1].EditedAt = savedAt.Add(5 * time.Hour)
	got, ch, _ = thread.Follow(found, fresh, later.Add(time.Hour))
	if ch.Any() || !byID(got, "p2").EditedAt.Equal(savedAt.Add(5*time.Hour)) {
		t.Errorf("found-time note: changes %+v, editedAt %v", ch, byID(got, "p2").EditedAt)
	}
}

// On X an edit is a new post id; the fresh version lists the ids before it.
func TestFollowMatchesVersionsOfAnEditedPost(t *testing.T) {
	saved := chain(true, 1, 2, 3)
	saved.FocalID = "p2"
	fresh := chain(true, 1, 2, 3)
	newest := savedAt.Add(50 * time.Hour)
	fresh.Posts[1] = thread.Post{ID: "p2c", PreviousIDs: []string{"p2", "p2b"}, Text: "post 2, twice edited", CreatedAt: fresh.Posts[1].CreatedAt, EditedAt: newest}
	got, ch, err := thread.Follow(saved, fresh, later)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Edited: 1}) || fmtIDs(got) != "[p1 p2c p3]" {
		t.Fatalf("changes %+v, posts %s; want p2 replaced by its newest version", ch, fmtIDs(got))
	}
	if p := byID(got, "p2c"); !p.EditedAt.Equal(newest) || p.Text != "post 2, twice edited" {
		t.Errorf("newest version %+v", p)
	}
	if got.FocalID != "p2c" {
		t.Errorf("focalId %s, want the post's new id", got.FocalID)
	}
	// A page that still shows the older version (opened on its old
	// address) changes nothing of the newer saved one.
	stale := chain(true, 1, 2, 3)
	stale.Posts[1].ID, stale.Posts[1].PreviousIDs = "p2b", []string{"p2"}
	back, ch, _ := thread.Follow(&got, stale, later.Add(time.Hour))
	if ch.Any() || fmtIDs(back) != "[p1 p2c p3]" || byID(back, "p2c").Text != "post 2, twice edited" {
		t.Errorf("older version: changes %+v, posts %s", ch, fmtIDs(back))
	}

	// The first post edited: the reading names the thread by its new id;
	// the library's identity stays.
	root := chain(true, 1, 2, 3)
	root.ID = "p1b"
	root.Posts[0].ID, root.Posts[0].PreviousIDs, root.Posts[0].EditedAt = "p1b", []string{"p1"}, newest
	got, ch, err = thread.Follow(chain(true, 1, 2, 3), root, later)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (thread.Changes{Edited: 1}) || got.ID != "p1" || fmtIDs(got) != "[p1b p2 p3]" {
		t.Errorf("root edited: changes %+v, id %s, posts %s", ch, got.ID, fmtIDs(got))
	}
}

func TestFollowRefusesAnotherThread(t *testing.T) {
	other := chain(true, 1)
	other.ID = "q1"
	if _, _, err := thread.Follow(chain(true, 1), other, later); err == nil {
		t.Error("a reading of another thread was merged")
	}
	disjoint := chain(true, 7, 8)
	if _, _, err := thread.Follow(chain(true, 1, 2), disjoint, later); err == nil {
		t.Error("a reading that shares no post was merged")
	}
}

func fmtIDs(t thread.Thread) string {
	s := "["
	for i, id := range ids(t) {
		if i > 0 {
			s += " "
		}
		s += id
	}
	return s + "]"
}
