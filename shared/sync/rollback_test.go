package sync_test

import (
	"errors"
	mrand "math/rand/v2"
	"testing"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// syncedPair is two devices holding the same two threads, synced.
func syncedPair(t *testing.T) (*fleet, *device, *device) {
	t.Helper()
	f := newFleet(t, 2, mrand.New(mrand.NewPCG(3, 3)))
	a, b := f.devices[0], f.devices[1]
	a.Save(synctest.Thread("1", []int{1, 2}, 0))
	a.Save(synctest.Thread("2", []int{1}, 0))
	for _, d := range []*device{a, b, a} {
		if _, err := d.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(b.Library()) != 2 {
		t.Fatal("B did not get A's threads")
	}
	return f, a, b
}

// The library is deleted from the server and created again under the same
// secret (an operator's wipe, a server that lost its disk): each device
// finds the server holding less than it had acknowledged, says so
// (ErrRolledBack, not a silent re-upload), and sends its copy again. The
// first device to sync finds every record it wrote, touched since or not:
// its manifest lists them, so the server has the whole library back after
// that one sync.
func TestClient_LibraryWipedAndRecreatedIsDetected(t *testing.T) {
	f, a, b := syncedPair(t)
	keys := sync.DeriveKeys(f.secret)
	if err := f.srv.DeleteLibrary(ctx, keys.LibraryID, keys.AuthKey); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: keys.LibraryID, AuthKey: keys.AuthKey}); err != nil {
		t.Fatal(err)
	}
	// A edits one thread: its push was based on a record the server
	// acknowledged and no longer has; its manifest lists x:2 too.
	if err := a.SetNote("x:1", "after the wipe"); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Sync(ctx)
	if !errors.Is(err, sync.ErrRolledBack) || rep.RolledBack != 2 {
		t.Fatalf("A: report %+v, err %v; want ErrRolledBack for both records", rep, err)
	}
	if n := len(threadRecords(t, f.srv, keys)); n != 2 {
		t.Fatalf("the server holds %d records after A synced, want 2", n)
	}
	// B pulls from the start (its cursor belongs to the old library): what
	// A sent back is all there (whether B is told depends only on whether
	// the new seqs fall below the old ones), and B's edit goes through.
	if err := b.SetTags("x:2", []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if _, err = b.Sync(ctx); err != nil && !errors.Is(err, sync.ErrRolledBack) {
		t.Fatalf("B: %v", err)
	}
	f.converge()
	// Once repaired, syncing is quiet again.
	if rep, err := a.Sync(ctx); err != nil || rep.RolledBack != 0 {
		t.Fatalf("after the repair: report %+v, err %v", rep, err)
	}
}

// A server that goes back to an older snapshot (a restored backup, or a
// malicious one replaying older blobs, which still open: each blob is
// authentic) is caught when a device's push or pull meets a record at a
// lower seq than the server had acknowledged; the newer state goes back.
func TestClient_ServerRollbackToSnapshotIsDetected(t *testing.T) {
	f, a, b := syncedPair(t)
	keys := sync.DeriveKeys(f.secret)
	old := f.srv.Snapshot()
	if err := a.SetTags("x:1", []string{"from-a"}); err != nil {
		t.Fatal(err)
	}
	a.Sync(ctx)
	if _, err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f.srv.Restore(old)
	// B edits the rolled-back record: its push meets the older state.
	if err := b.SetNote("x:1", "from b"); err != nil {
		t.Fatal(err)
	}
	rep, err := b.Sync(ctx)
	if !errors.Is(err, sync.ErrRolledBack) || rep.RolledBack != 1 {
		t.Fatalf("B: report %+v, err %v; want ErrRolledBack", rep, err)
	}
	for _, r := range threadRecords(t, f.srv, keys) {
		s, err := keys.Open(r.ID, r.Blob)
		if err == nil && s.ID == "x:1" && (len(s.Tags) != 1 || s.Note != "from b") {
			t.Fatalf("the server holds x:1 = %s, want A's tag (put back by B) and B's note", js(t, s))
		}
	}
}
