package sync_test

import (
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/thread"
)

// The server sees each record's sealed size, and a tombstone's is smaller
// than that of the smallest thread one could save: it tells the server
// which records are deletions whether or not the wire's plaintext
// "deleted" flag is sent. docs/sync-protocol.md ("What the deleted flag
// tells the server") keeps the flag for that reason; if tombstones are ever
// padded to look like threads, this fails and the flag should go too.
func TestTombstoneSizeAlreadyRevealsADeletion(t *testing.T) {
	secret, err := sync.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	k := sync.DeriveKeys(secret)
	smallest := thread.Thread{
		Platform: thread.X, ID: "1", URL: "https://x.com/a/status/1",
		Author: thread.Author{Handle: "a"},
		Posts:  []thread.Post{{ID: "1", Text: "a"}},
	}
	var live sync.SavedThread
	if err := live.Save(smallest, time.Unix(0, 0), sync.HLC{Wall: 1, Device: "d"}); err != nil {
		t.Fatal(err)
	}
	_, liveBlob, err := k.Seal(live)
	if err != nil {
		t.Fatal(err)
	}
	// The tombstone of a larger thread with tags and a note.
	big := smallest
	big.Posts = nil
	for i := range 20 {
		big.Posts = append(big.Posts, thread.Post{ID: string(rune('a' + i)), Text: "a post of some length, like the ones people write"})
	}
	var dead sync.SavedThread
	if err := dead.Save(big, time.Unix(0, 0), sync.HLC{Wall: 1, Device: "d"}); err != nil {
		t.Fatal(err)
	}
	dead.SetTags([]string{"reading", "later"}, sync.HLC{Wall: 2, Device: "d"})
	dead.SetNote("a note", sync.HLC{Wall: 3, Device: "d"})
	dead.Delete(sync.HLC{Wall: 4, Device: "d"})
	if !dead.Deleted {
		t.Fatal("not deleted")
	}
	_, deadBlob, err := k.Seal(dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sealed sizes (base64): smallest live record %d, tombstone %d", len(liveBlob), len(deadBlob))
	if len(deadBlob) >= len(liveBlob) {
		t.Errorf("a tombstone seals to %d characters, the smallest live record to %d: the size no longer reveals deletions", len(deadBlob), len(liveBlob))
	}
}
