package sync_test

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// What a server that goes back on what it acknowledged can no longer hide
// (manifest.go, audit.go): each test drives devices against a server that
// misbehaves in one way, and fails if the devices do not notice.

// hiding is a server that leaves one record out of every pull it answers
// (the record stays on the server: the other devices see it).
type hiding struct {
	sync.Transport
	hide string // record id
}

func (h *hiding) Pull(ctx context.Context, lib, key, since string, limit int) (protocol.PullResponse, error) {
	resp, err := h.Transport.Pull(ctx, lib, key, since, limit)
	var kept []protocol.Record
	for _, r := range resp.Changes {
		if r.ID != h.hide {
			kept = append(kept, r)
		}
	}
	resp.Changes = kept
	return resp, err
}

// replaying is a server that answers a pull with an older, authentic blob
// of one record under the record's current seq.
type replaying struct {
	sync.Transport
	id, blob string
}

func (r *replaying) Pull(ctx context.Context, lib, key, since string, limit int) (protocol.PullResponse, error) {
	resp, err := r.Transport.Pull(ctx, lib, key, since, limit)
	for i := range resp.Changes {
		if resp.Changes[i].ID == r.id {
			resp.Changes[i].Blob = r.blob
		}
	}
	return resp, err
}

// routed sends a device's requests to whichever server it is set to: a
// server showing devices different histories.
type routed struct{ sync.Transport }

// serverRecord is the server's record of a canonical id, and what it holds.
func serverRecord(t *testing.T, f *fleet, id string) (protocol.Record, sync.SavedThread) {
	t.Helper()
	keys := sync.DeriveKeys(f.secret)
	for _, r := range f.srv.Records(keys.LibraryID) {
		if r.ID == keys.RecordID(id) {
			s, err := keys.Open(r.ID, r.Blob)
			if err != nil {
				t.Fatal(err)
			}
			return r, s
		}
	}
	t.Fatalf("%s is not on the server", id)
	return protocol.Record{}, sync.SavedThread{}
}

// writer is a fleet of one device that saved thread x:1 and synced it.
func writer(t *testing.T, seed uint64) (*fleet, *device) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(seed, seed)))
	a := f.devices[0]
	a.Save(synctest.Thread("1", []int{1}, 0))
	mustSync(t, a)
	return f, a
}

func mustSync(t *testing.T, devs ...*device) {
	t.Helper()
	for _, d := range devs {
		if _, err := d.Sync(ctx); err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
	}
}

// A server that never shows a device one record (omission): the writer's
// manifest lists it, the device pulls the whole library again to be sure,
// and reports it withheld, once, without pushing anything.
func TestClient_ServerOmittingARecordIsDetected(t *testing.T) {
	f, a := writer(t, 5)
	keys := sync.DeriveKeys(f.secret)
	tr := &hiding{Transport: f.srv}
	b := f.newDevice("devB", 0, nil, tr)
	mustSync(t, b) // nothing hidden yet

	a.Save(synctest.Thread("2", []int{1, 2}, 0))
	a.Save(synctest.Thread("3", []int{1}, 0))
	mustSync(t, a)
	tr.hide = keys.RecordID("x:2")
	pushes := f.srv.Calls("push")
	rep, err := b.Sync(ctx)
	if !errors.Is(err, sync.ErrWithheld) || rep.Withheld != 1 || rep.RolledBack != 0 {
		t.Fatalf("B: report %+v, err %v; want one record withheld", rep, err)
	}
	if _, ok := b.Get("x:3"); !ok {
		t.Fatal("B did not get the record the server did not hide")
	}
	if _, ok := b.Get("x:2"); ok {
		t.Fatal("the test server did not hide x:2")
	}
	// Told once: the next sync brings no new manifest and checks nothing
	// again; nothing was pushed either time (B has nothing to send back).
	if rep, err := b.Sync(ctx); err != nil || rep.Withheld != 0 {
		t.Fatalf("B's next sync: report %+v, err %v", rep, err)
	}
	if n := f.srv.Calls("push") - pushes; n != 0 {
		t.Fatalf("B pushed %d times", n)
	}
	// A device joining later, shown everything but x:2, is told too.
	c := f.newDevice("devC", 0, nil, &hiding{Transport: f.srv, hide: keys.RecordID("x:2")})
	if rep, err := c.Sync(ctx); !errors.Is(err, sync.ErrWithheld) || rep.Withheld != 1 {
		t.Fatalf("C: report %+v, err %v", rep, err)
	}
}

// The whole library goes back to a snapshot (a restored backup, or a
// malicious server replaying it) after A wrote two records: A's next
// write, to another record altogether, meets its own manifest at an older
// seq, so A pulls everything, finds both records behind, and sends them
// back.
func TestClient_WholeLibraryRollbackIsFoundByTheNextWrite(t *testing.T) {
	f, a, b := syncedPair(t)
	keys := sync.DeriveKeys(f.secret)
	old := f.srv.Snapshot()
	a.SetTags("x:1", []string{"after the snapshot"})
	a.SetNote("x:2", "after the snapshot")
	mustSync(t, a, b)
	f.srv.Restore(old)

	a.Save(synctest.Thread("3", []int{1}, 0))
	rep, err := a.Sync(ctx)
	if !errors.Is(err, sync.ErrRolledBack) || rep.RolledBack != 2 {
		t.Fatalf("A: report %+v, err %v; want both records found rolled back", rep, err)
	}
	for _, r := range threadRecords(t, f.srv, keys) {
		s, err := keys.Open(r.ID, r.Blob)
		if err != nil {
			t.Fatal(err)
		}
		if s.ID == "x:1" && len(s.Tags) != 1 || s.ID == "x:2" && s.Note != "after the snapshot" {
			t.Fatalf("the server still holds %s as the snapshot had it", s.ID)
		}
	}
}

// The server shows a device that never had the newest state of a record an
// older authentic blob of it, under its current seq (two devices, two
// histories of one record): the writer's manifest lists a newer state, so
// the device says the server withheld it.
func TestClient_OlderStateShownToAnotherDeviceIsDetected(t *testing.T) {
	f, a := writer(t, 6)
	older, _ := serverRecord(t, f, "x:1")
	a.SetNote("x:1", "newer")
	mustSync(t, a)

	c := f.newDevice("devC", 0, nil, &replaying{Transport: f.srv, id: older.ID, blob: older.Blob})
	rep, err := c.Sync(ctx)
	if !errors.Is(err, sync.ErrWithheld) || rep.Withheld != 1 {
		t.Fatalf("C: report %+v, err %v; want the newer state found withheld", rep, err)
	}
	if s, _ := c.Get("x:1"); s.Note != "" {
		t.Fatal("the test server did not replay the older state")
	}
}

// A fork: the server shows B another history than A (a copy of the library
// as it stood), and each device writes on its own branch. Neither can
// notice while the branches stay apart — a device sees only the server.
// Once the server shows B the other branch, B's next write meets its own
// manifest missing there: B pulls everything, finds what it wrote on its
// branch absent, and sends it.
func TestClient_ForkIsCaughtWhenTheBranchesMeet(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(7, 7)))
	a := f.devices[0]
	tr := &routed{f.srv}
	b := f.newDevice("devB", 0, nil, tr)
	a.Save(synctest.Thread("1", []int{1}, 0))
	a.Save(synctest.Thread("2", []int{1}, 0))
	mustSync(t, a, b, a)

	branch := synctest.NewServer()
	branch.Restore(f.srv.Snapshot())
	tr.Transport = branch
	a.SetNote("x:1", "on A's branch")
	b.SetTags("x:2", []string{"on B's branch"})
	mustSync(t, a, b, a, b) // not detectable: each branch is consistent

	tr.Transport = f.srv
	b.Save(synctest.Thread("3", []int{1}, 0))
	rep, err := b.Sync(ctx)
	if !errors.Is(err, sync.ErrRolledBack) || rep.RolledBack != 1 {
		t.Fatalf("B back on A's branch: report %+v, err %v; want its branch's write found missing", rep, err)
	}
	mustSync(t, a, b)
	for _, d := range []*device{a, b} {
		if s, _ := d.Get("x:2"); len(s.Tags) != 1 {
			t.Fatalf("%s lacks the tag B wrote on its branch", d.name)
		}
	}
}

// An older device knows nothing of manifests: it opens one as a deleted
// record of an unknown platform, which it keeps and never shows, and after
// finding it rolled back it may push its copy back without the payload.
// The owner writes its manifest again; the other devices ignore the copy
// and send nothing.
func TestClient_OlderDevicesAndManifests(t *testing.T) {
	f, a := writer(t, 8)
	b := f.newDevice("devB", 0, nil, f.srv)
	mustSync(t, b)
	keys := sync.DeriveKeys(f.secret)
	manifest := func() (protocol.Record, sync.SavedThread) { return serverRecord(t, f, sync.ManifestID("dev0")) }
	rec, s := manifest()
	if s.Manifest == nil || len(s.Manifest.Entries) != 1 || s.Manifest.Entries[0].ID != "x:1" || !rec.Deleted {
		t.Fatalf("A's manifest: %s", js(t, s))
	}
	// What an older version reads: the same record without the field it
	// does not know — a valid tombstone, so it is stored, not rejected.
	older := s
	older.Manifest = nil
	if err := older.Validate(); err != nil || !older.Deleted || older.Thread != nil {
		t.Fatalf("an older device reads %s: %v", js(t, older), err)
	}
	_, blob, err := keys.Seal(older)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.srv.Push(ctx, keys.LibraryID, keys.AuthKey, protocol.PushRequest{Changes: []protocol.Change{{ID: rec.ID, BaseSeq: rec.Seq, Deleted: true, Blob: blob}}})
	if err != nil || res.Results[0].Status != protocol.Applied {
		t.Fatalf("the older device's push: %+v %v", res, err)
	}
	pushes := f.srv.Calls("push")
	if rep, err := b.Sync(ctx); err != nil || rep.Withheld+rep.RolledBack != 0 || f.srv.Calls("push") != pushes {
		t.Fatalf("B: report %+v, err %v, %d pushes", rep, err, f.srv.Calls("push")-pushes)
	}
	if rep, err := a.Sync(ctx); err != nil || rep.Withheld+rep.RolledBack != 0 {
		t.Fatalf("A: report %+v, err %v", rep, err)
	}
	if _, s := manifest(); s.Manifest == nil || s.Manifest.Counter < 1 {
		t.Fatalf("A did not write its manifest again: %s", js(t, s))
	}
	if len(b.Library()) != 1 || len(a.Library()) != 1 {
		t.Fatal("a manifest shows as a saved thread")
	}
}

// The extension names its device in every run (RunRequest.Device): one
// manifest record per device, written again in place. An older extension
// names none: nothing is written, and the run works as before.
func TestRun_WritesOneManifestPerNamedDevice(t *testing.T) {
	srv := synctest.NewServer()
	secret, _ := sync.NewSecret()
	keys := sync.DeriveKeys(secret)
	store := sync.NewMemoryStore()
	save := func(id string) {
		var s sync.SavedThread
		s.Save(synctest.Thread(id, []int{1}, 0), time.Now(), sync.HLC{Wall: time.Now().UnixMilli(), Device: "ext"})
		store.Update(ctx, []string{s.ID}, func(string, *sync.Local) (*sync.Local, bool) { return &sync.Local{Saved: s}, true })
	}
	manifests := func() (n int) {
		for _, r := range srv.Records(keys.LibraryID) {
			if s, err := keys.Open(r.ID, r.Blob); err == nil && sync.IsManifestID(s.ID) {
				n++
			}
		}
		return n
	}
	if out := sync.Run(ctx, sync.RunRequest{Op: "create", Secret: secret.Text()}, srv, store); out.Error != "" {
		t.Fatal(out.Error)
	}
	save("1")
	old := sync.RunRequest{Op: "sync", Secret: secret.Text(), Server: "https://sync.example"}
	if out := sync.Run(ctx, old, srv, store); out.Error != "" || out.Pushed != 1 || manifests() != 0 {
		t.Fatalf("without a device: %+v, %d manifests", out, manifests())
	}
	named := old
	named.Device = "extdevice1"
	for _, id := range []string{"2", "3"} {
		save(id)
		if out := sync.Run(ctx, named, srv, store); out.Error != "" || out.Pushed != 1 || out.Pending != 0 || manifests() != 1 {
			t.Fatalf("with a device: %+v, %d manifests", out, manifests())
		}
	}
}

func TestMerge_ManifestKeepsTheGreaterCounter(t *testing.T) {
	id := sync.ManifestID("d")
	at := func(wall int64) sync.HLC { return sync.HLC{Wall: wall, Device: "d"} }
	entry := func(seq int64) []sync.ManifestEntry {
		return []sync.ManifestEntry{{ID: "x:1", Seq: seq, Clock: at(seq)}}
	}
	older := sync.SavedThread{ID: id, Deleted: true, Clocks: sync.Clocks{Deleted: at(10)}, Manifest: &sync.Manifest{Counter: 2, Entries: entry(1)}}
	newer := sync.SavedThread{ID: id, Deleted: true, Clocks: sync.Clocks{Deleted: at(20)}, Manifest: &sync.Manifest{Counter: 3, Entries: entry(5)}}
	bare := sync.SavedThread{ID: id, Deleted: true, Clocks: sync.Clocks{Deleted: at(30)}}
	for _, s := range []sync.SavedThread{older, newer, bare} {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	for _, pair := range [][2]sync.SavedThread{{older, newer}, {newer, older}, {newer, bare}, {bare, newer}} {
		m := sync.Merge(pair[0], pair[1])
		if m.Manifest == nil || m.Manifest.Counter != 3 || m.Manifest.Entries[0].Seq != 5 {
			t.Fatalf("merge kept %s", js(t, m))
		}
	}
}

func TestValidate_RefusesMisplacedOrBadManifests(t *testing.T) {
	at := sync.HLC{Wall: 1, Device: "d"}
	ok := sync.Manifest{Counter: 1, Entries: []sync.ManifestEntry{{ID: "x:1", Seq: 1, Clock: at}}}
	var onThread sync.SavedThread
	onThread.Save(synctest.Thread("1", []int{1}, 0), time.Now(), at)
	onThread.Manifest = &ok
	tomb := func(m sync.Manifest) sync.SavedThread {
		return sync.SavedThread{ID: sync.ManifestID("d"), Deleted: true, Clocks: sync.Clocks{Deleted: at}, Manifest: &m}
	}
	many := sync.Manifest{Counter: 1}
	for i := range sync.ManifestEntries + 1 {
		many.Entries = append(many.Entries, sync.ManifestEntry{ID: fmt.Sprint("x:", i), Seq: 1, Clock: at})
	}
	for name, s := range map[string]sync.SavedThread{
		"a manifest on a thread":  onThread,
		"too many entries":        tomb(many),
		"an entry twice":          tomb(sync.Manifest{Counter: 1, Entries: append(slices.Clone(ok.Entries), ok.Entries...)}),
		"an entry for a manifest": tomb(sync.Manifest{Counter: 1, Entries: []sync.ManifestEntry{{ID: sync.ManifestID("e"), Seq: 1, Clock: at}}}),
		"no counter":              tomb(sync.Manifest{}),
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	if s := tomb(ok); s.Validate() != nil {
		t.Fatal(s.Validate())
	}
}

// A manifest at its bound (256 entries, X's 19-digit ids) seals to about
// 7 KB: sent again after every push that applied something.
func TestManifest_SizeAtItsBound(t *testing.T) {
	secret, _ := sync.NewSecret()
	keys := sync.DeriveKeys(secret)
	r := mrand.New(mrand.NewPCG(9, 9))
	m := sync.Manifest{Counter: 123456}
	wall := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := range sync.ManifestEntries {
		m.Entries = append(m.Entries, sync.ManifestEntry{
			ID:    fmt.Sprintf("x:%d", 1_800_000_000_000_000_000+r.Int64N(1e17)),
			Seq:   int64(100_000 - i),
			Clock: sync.HLC{Wall: wall + r.Int64N(1e9), Counter: 0, Device: "AbCdEfGhIjK"},
		})
	}
	s := sync.SavedThread{ID: sync.ManifestID("AbCdEfGhIjK"), Deleted: true, Clocks: sync.Clocks{Deleted: sync.HLC{Wall: wall, Device: "AbCdEfGhIjK"}}, Manifest: &m}
	_, blob, err := keys.Seal(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a manifest of %d entries seals to %d bytes", len(m.Entries), len(blob))
	if len(blob) > 16<<10 {
		t.Fatalf("a full manifest seals to %d bytes", len(blob))
	}
}

// noRoom is a library at its record quota: a push that adds a record is
// refused whole (413), as the server does.
type noRoom struct {
	sync.Transport
	existing func() map[string]bool
}

func (n *noRoom) Push(ctx context.Context, lib, key string, req protocol.PushRequest) (protocol.PushResponse, error) {
	have := n.existing()
	for _, ch := range req.Changes {
		if !have[ch.ID] {
			return protocol.PushResponse{}, sync.NewAPIError(protocol.CodeTooLarge, "library quota: at most 1 records")
		}
	}
	return n.Transport.Push(ctx, lib, key, req)
}

// A library at its record quota has no room for a device's first
// manifest: the edits to its threads still go out, the sync says nothing
// went wrong, and nothing stays pending.
func TestClient_FullLibraryRefusingTheManifestHoldsNothingBack(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(10, 10)))
	keys := sync.DeriveKeys(f.secret)
	// An older device filled the library: it wrote no manifest.
	var s sync.SavedThread
	s.Save(synctest.Thread("1", []int{1}, 0), time.Now(), sync.HLC{Wall: 1, Device: "old"})
	rid, blob, _ := keys.Seal(s)
	if _, err := f.srv.Push(ctx, keys.LibraryID, keys.AuthKey, protocol.PushRequest{Changes: []protocol.Change{{ID: rid, Blob: blob}}}); err != nil {
		t.Fatal(err)
	}
	tr := &noRoom{Transport: f.srv, existing: func() map[string]bool {
		have := map[string]bool{}
		for _, r := range f.srv.Records(keys.LibraryID) {
			have[r.ID] = true
		}
		return have
	}}
	a := f.newDevice("devA", 0, nil, tr)
	mustSync(t, a)
	if err := a.SetNote("x:1", "a note"); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Sync(ctx)
	if err != nil || rep.Pushed != 1 || rep.Pending != 0 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if recs := f.srv.Records(keys.LibraryID); len(recs) != 1 {
		t.Fatalf("the server holds %d records", len(recs))
	}
}

// A device that moves its library to a new one (here: deletes it from the
// server and creates it again, every record queued as new, as the
// extension does on turning sync on or joining) lists nothing of the old
// library's seqs in its new manifest: a device joining the new library
// finds nothing missing.
func TestClient_ManifestStartsOverInANewLibrary(t *testing.T) {
	f, a := writer(t, 11)
	a.Save(synctest.Thread("2", []int{1}, 0))
	a.SetNote("x:1", "a note")
	mustSync(t, a)
	if err := a.DeleteLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	_, s := serverRecord(t, f, sync.ManifestID("dev0"))
	for _, e := range s.Manifest.Entries {
		if r, _ := serverRecord(t, f, e.ID); r.Seq < e.Seq {
			t.Fatalf("the new manifest lists %s at seq %d, the server holds it at %d", e.ID, e.Seq, r.Seq)
		}
	}
	c := f.newDevice("devC", 0, nil, f.srv)
	if rep, err := c.Sync(ctx); err != nil || rep.Withheld+rep.RolledBack != 0 || len(c.Library()) != 2 {
		t.Fatalf("C: report %+v, err %v", rep, err)
	}
}
