package sync_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

var ctx = context.Background()

// device is one simulated browser: a Client with its own skewed wall clock
// and instant backoff, plus every state it ever held after a local edit
// (what it "acknowledged" to its user).
type device struct {
	*sync.Client
	name string
}

type fleet struct {
	t       *testing.T
	srv     *synctest.Server
	secret  sync.Secret
	devices []*device
	mu      gosync.Mutex
	edits   map[string][]sync.SavedThread // canonical id → every post-edit local state
	sleeps  []time.Duration
}

func newFleet(t *testing.T, n int, r *mrand.Rand) *fleet {
	secret, err := sync.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	f := &fleet{t: t, srv: synctest.NewServer(), secret: secret, edits: map[string][]sync.SavedThread{}}
	for i := range n {
		f.devices = append(f.devices, f.newDevice(fmt.Sprintf("dev%d", i), time.Duration(r.IntN(120_000)-60_000)*time.Millisecond, nil, f.srv))
	}
	if _, err := f.devices[0].Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fleet) newDevice(name string, skew time.Duration, state *sync.State, tr sync.Transport) *device {
	var wallMu gosync.Mutex
	wall := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC).Add(skew)
	c, err := sync.NewClient(sync.Options{
		Transport: tr,
		Secret:    f.secret,
		Device:    name,
		State:     state,
		Now: func() time.Time {
			wallMu.Lock()
			defer wallMu.Unlock()
			wall = wall.Add(700 * time.Millisecond)
			return wall
		},
		Backoff: func(n int) time.Duration { return time.Duration(n) * time.Second },
		Sleep: func(_ context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			f.mu.Unlock()
			return nil
		},
		MaxAttempts: 4,
		PullLimit:   7, // small pages: pagination is exercised
		BatchSize:   5,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return &device{Client: c, name: name}
}

func (f *fleet) record(d *device, id string) {
	s, ok := d.Get(id)
	if !ok {
		f.t.Fatalf("%s lost %s right after editing it", d.name, id)
	}
	f.mu.Lock()
	f.edits[id] = append(f.edits[id], s)
	f.mu.Unlock()
}

// randomEdit makes one random local edit on d among nThreads threads.
func (f *fleet) randomEdit(r *mrand.Rand, d *device, nThreads int) {
	tid := fmt.Sprint(100 + r.IntN(nThreads))
	id := "x:" + tid
	switch op := r.IntN(10); {
	case op < 3:
		from := 1 + r.IntN(4)
		if _, err := d.Save(synctest.Thread(tid, []int{from, from + 1, from + 2}, r.IntN(3))); err != nil {
			f.t.Fatal(err)
		}
	case op < 5:
		if err := d.Delete(id); err != nil && err != sync.ErrNotSaved {
			f.t.Fatal(err)
		}
	case op < 7:
		tags := slices.DeleteFunc(slices.Clone(tagPool), func(string) bool { return r.IntN(2) == 0 })
		if err := d.SetTags(id, tags); err != nil && err != sync.ErrNotSaved {
			f.t.Fatal(err)
		}
	case op < 9:
		if err := d.SetNote(id, fmt.Sprintf("%s wrote %d", d.name, r.IntN(100))); err != nil && err != sync.ErrNotSaved {
			f.t.Fatal(err)
		}
	default:
		if err := d.SetReadPosition(id, &sync.ReadPosition{PostID: tid + "02", Progress: 0.5}); err != nil && err != sync.ErrNotSaved {
			f.t.Fatal(err)
		}
	}
	if _, ok := d.Get(id); ok {
		f.record(d, id)
	}
}

// converge syncs every device, fault-free, until no outbox holds anything,
// then once more so every device has pulled the last pushes.
func (f *fleet) converge() {
	f.srv.Faults = nil
	for round := 0; ; round++ {
		if round > 20 {
			f.t.Fatal("devices did not converge in 20 rounds")
		}
		pending := 0
		for _, d := range f.devices {
			rep, err := d.Sync(ctx)
			if err != nil {
				f.t.Fatalf("%s: %v", d.name, err)
			}
			pending += rep.Pending
		}
		if pending == 0 {
			break
		}
	}
	for _, d := range f.devices {
		if _, err := d.Sync(ctx); err != nil {
			f.t.Fatal(err)
		}
	}
}

// savedOnly is the saved threads of a State, live or deleted: every record
// but the devices' manifests.
func savedOnly(st sync.State) []sync.SavedThread {
	var out []sync.SavedThread
	for _, r := range st.Records {
		if !sync.IsManifestID(r.Saved.ID) {
			out = append(out, r.Saved)
		}
	}
	return out
}

// threadRecords is what the server holds of the library's saved threads,
// in seq order: every record but the devices' manifests.
func threadRecords(t *testing.T, srv *synctest.Server, keys sync.Keys) []protocol.Record {
	t.Helper()
	var out []protocol.Record
	for _, r := range srv.Records(keys.LibraryID) {
		if s, err := keys.Open(r.ID, r.Blob); err != nil || !sync.IsManifestID(s.ID) {
			out = append(out, r)
		}
	}
	return out
}

// checkConverged asserts every device holds the same library, that it is
// the merge of every state any device ever showed its user (so no edit is
// lost), and that the server holds exactly that, sealed.
func (f *fleet) checkConverged() {
	t := f.t
	want := map[string]string{}
	for id, states := range f.edits {
		m := sync.SavedThread{}
		for _, s := range states {
			m = sync.Merge(m, s)
		}
		want[id] = js(t, m)
	}
	for _, d := range f.devices {
		got := savedOnly(d.State())
		if len(got) != len(want) {
			t.Fatalf("%s holds %d records, %d were edited", d.name, len(got), len(want))
		}
		for _, s := range got {
			if js(t, s) != want[s.ID] {
				t.Fatalf("%s: %s differs from the merge of every edit:\n got %s\nwant %s", d.name, s.ID, js(t, s), want[s.ID])
			}
		}
		if d.Pending() != 0 {
			t.Fatalf("%s still has %d pending", d.name, d.Pending())
		}
	}
	keys := sync.DeriveKeys(f.secret)
	recs := threadRecords(t, f.srv, keys)
	if len(recs) != len(want) {
		t.Fatalf("server holds %d records, want %d", len(recs), len(want))
	}
	for _, rec := range recs {
		s, err := keys.Open(rec.ID, rec.Blob)
		if err != nil {
			t.Fatal(err)
		}
		if js(t, s) != want[s.ID] {
			t.Fatalf("server copy of %s differs", s.ID)
		}
		if rec.Deleted != s.Deleted {
			t.Fatalf("server's deleted flag for %s is %v, the record says %v", s.ID, rec.Deleted, s.Deleted)
		}
		if strings.Contains(rec.Blob, "x.com") {
			t.Fatal("plaintext reached the server")
		}
	}
}

func TestClient_DevicesConverge(t *testing.T) {
	for _, n := range []int{2, 10} {
		t.Run(fmt.Sprintf("%d devices", n), func(t *testing.T) {
			conflicts := 0
			for seed := range uint64(8) {
				r := mrand.New(mrand.NewPCG(seed, uint64(n)))
				f := newFleet(t, n, r)
				// One request in eight fails, half of them after the server
				// applied it.
				f.srv.Faults = func(op string, _ int) synctest.Fault {
					switch r.IntN(16) {
					case 0:
						return synctest.FailBefore
					case 1:
						return synctest.FailAfter
					}
					return synctest.OK
				}
				for range 40 * n {
					d := f.devices[r.IntN(n)]
					// Pulls and pushes apart as well as whole Syncs, so
					// devices push onto stale bases and meet conflicts. A
					// sync that fails for good (all attempts) is fine: the
					// outbox stays for the next one.
					switch r.IntN(6) {
					case 0:
						d.Sync(ctx)
					case 1:
						d.Pull(ctx)
					case 2:
						rep, _ := d.Push(ctx)
						conflicts += rep.Conflicts
					default:
						f.randomEdit(r, d, 4)
					}
				}
				f.converge()
				f.checkConverged()
			}
			if conflicts < 10 {
				t.Fatalf("only %d conflicts: the test does not exercise them", conflicts)
			}
			t.Logf("%d conflicts resolved", conflicts)
		})
	}
}

// Devices editing and syncing at the same time, in goroutines (run with
// -race to check the Client's locking).
func TestClient_ConcurrentDevicesConverge(t *testing.T) {
	r := mrand.New(mrand.NewPCG(99, 1))
	f := newFleet(t, 10, r)
	var wg gosync.WaitGroup
	for i, d := range f.devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(i), 7))
			for range 30 {
				if r.IntN(3) == 0 {
					if _, err := d.Sync(ctx); err != nil {
						t.Error(err)
						return
					}
				} else {
					f.randomEdit(r, d, 5)
				}
			}
		}()
	}
	// Edits racing a Sync on the same Client.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			f.devices[0].Sync(ctx)
		}
	}()
	wg.Wait()
	f.converge()
	f.checkConverged()
}

func TestClient_ScenarioTagDeleteResave(t *testing.T) {
	f := newFleet(t, 2, mrand.New(mrand.NewPCG(1, 1)))
	a, b := f.devices[0], f.devices[1]
	if _, err := a.Save(synctest.Thread("1", []int{1, 2}, 0)); err != nil {
		t.Fatal(err)
	}
	a.Sync(ctx)
	b.Sync(ctx)
	if len(b.Library()) != 1 {
		t.Fatal("saved on A, not on B")
	}
	if err := b.SetTags("x:1", []string{"keep"}); err != nil {
		t.Fatal(err)
	}
	b.Sync(ctx)
	a.Sync(ctx)
	if err := a.Delete("x:1"); err != nil {
		t.Fatal(err)
	}
	a.Sync(ctx)
	b.Sync(ctx)
	if len(b.Library()) != 0 {
		t.Fatal("deleted on A, still on B")
	}
	if _, err := b.Save(synctest.Thread("1", []int{2, 3}, 1)); err != nil {
		t.Fatal(err)
	}
	f.record(b, "x:1")
	f.converge()
	for _, d := range f.devices {
		lib := d.Library()
		if len(lib) != 1 || !slices.Equal(postIDs(lib[0]), []string{"102", "103"}) || len(lib[0].Tags) != 0 {
			t.Fatalf("%s: library after re-save = %s", d.name, js(t, lib[0]))
		}
	}
}

// A push whose answer is lost after the server applied it is sent again
// and recognised as already applied: the server writes the record once.
func TestClient_PushRetriedAppliedOnce(t *testing.T) {
	for _, fault := range []synctest.Fault{synctest.FailBefore, synctest.FailAfter} {
		f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
		a := f.devices[0]
		f.srv.Faults = func(op string, n int) synctest.Fault {
			if op == "push" && n == 1 {
				return fault
			}
			return synctest.OK
		}
		a.Save(synctest.Thread("1", []int{1}, 0))
		rep, err := a.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rid := sync.DeriveKeys(f.secret).RecordID("x:1")
		if w := f.srv.Writes(a.LibraryID(), rid); w != 1 {
			t.Fatalf("fault %d: the server applied the change %d times", fault, w)
		}
		// Two pushes of the thread (one failed, one retried), then one of
		// the device's manifest.
		if rep.Retries != 1 || rep.Pending != 0 || f.srv.Calls("push") != 3 {
			t.Fatalf("fault %d: report %+v, %d pushes", fault, rep, f.srv.Calls("push"))
		}
		if !slices.Equal(f.sleeps, []time.Duration{time.Second}) {
			t.Fatalf("backoff waits = %v", f.sleeps)
		}
	}
}

// An outbox that could not be delivered survives a restart (State →
// NewClient) and is delivered once afterwards.
func TestClient_OutboxSurvivesRestart(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	a := f.devices[0]
	f.srv.Faults = func(op string, _ int) synctest.Fault {
		if op == "push" {
			return synctest.FailBefore
		}
		return synctest.OK
	}
	a.Save(synctest.Thread("1", []int{1}, 0))
	a.Save(synctest.Thread("2", []int{1}, 0))
	a.SetNote("x:2", "offline note")
	if _, err := a.Sync(ctx); err == nil {
		t.Fatal("sync succeeded with the server unreachable")
	}
	st := a.State()
	if a.Pending() != 2 {
		t.Fatalf("pending = %d", a.Pending())
	}
	f.srv.Faults = nil
	// Through JSON, as the state is persisted.
	stored, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	st = sync.State{}
	if err := json.Unmarshal(stored, &st); err != nil {
		t.Fatal(err)
	}
	restarted := f.newDevice("dev0", 0, &st, f.srv)
	if restarted.Pending() != 2 {
		t.Fatalf("pending after restart = %d", restarted.Pending())
	}
	if _, err := restarted.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	keys := sync.DeriveKeys(f.secret)
	for _, id := range []string{"x:1", "x:2"} {
		if w := f.srv.Writes(keys.LibraryID, keys.RecordID(id)); w != 1 {
			t.Fatalf("%s written %d times", id, w)
		}
	}
	// The restarted clock continues after the saved one: a new edit sorts
	// after everything made before the restart.
	before := st.Clock
	restarted.SetNote("x:1", "after restart")
	if s, _ := restarted.Get("x:1"); !s.Clocks.Note.After(before) {
		t.Fatalf("edit after restart has clock %v, not after %v", s.Clocks.Note, before)
	}
}

// editDuringPush is a Transport that makes a local edit on the client while
// its push is in flight.
type editDuringPush struct {
	sync.Transport
	edit func()
	once gosync.Once
}

func (e *editDuringPush) Push(ctx context.Context, lib, key string, req protocol.PushRequest) (protocol.PushResponse, error) {
	e.once.Do(e.edit)
	return e.Transport.Push(ctx, lib, key, req)
}

func TestClient_EditDuringPushStaysInOutbox(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	tr := &editDuringPush{Transport: f.srv}
	a := f.newDevice("devE", 0, nil, tr)
	tr.edit = func() { a.SetNote("x:1", "typed while pushing") }
	a.Save(synctest.Thread("1", []int{1}, 0))
	if _, err := a.Push(ctx); err != nil {
		t.Fatal(err)
	}
	if !dirty(a, "x:1") {
		t.Fatal("the edit made during the push left the outbox with the push")
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	keys := sync.DeriveKeys(f.secret)
	recs := threadRecords(t, f.srv, keys)
	s, _ := keys.Open(recs[0].ID, recs[0].Blob)
	if s.Note != "typed while pushing" || a.Pending() != 0 {
		t.Fatalf("server note %q, pending %d", s.Note, a.Pending())
	}
}

// failing answers every call with err.
type failing struct {
	sync.Transport
	err   error
	calls int
}

func (f *failing) Push(context.Context, string, string, protocol.PushRequest) (protocol.PushResponse, error) {
	f.calls++
	return protocol.PushResponse{}, f.err
}

func (f *failing) Pull(ctx context.Context, lib, key, since string, limit int) (protocol.PullResponse, error) {
	return f.Transport.Pull(ctx, lib, key, since, limit)
}

func TestClient_RetryPolicy(t *testing.T) {
	cases := []struct {
		err        error
		calls      int
		firstSleep time.Duration
	}{
		{sync.NewAPIError(protocol.CodeUnauthorized, "wrong key"), 1, 0},
		{sync.NewAPIError(protocol.CodeBadRequest, "bad"), 1, 0},
		{sync.NewAPIError(protocol.CodeTooLarge, "quota"), 1, 0},
		{&sync.APIError{Status: 429, Code: protocol.CodeRateLimited, RetryAfter: 7 * time.Second}, 4, 7 * time.Second},
		{sync.NewAPIError(protocol.CodeInternal, "oops"), 4, time.Second},
		{synctest.ErrInjected, 4, time.Second},
	}
	for _, c := range cases {
		f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
		tr := &failing{Transport: f.srv, err: c.err}
		a := f.newDevice("devF", 0, nil, tr)
		a.Save(synctest.Thread("1", []int{1}, 0))
		_, err := a.Sync(ctx)
		if err == nil || tr.calls != c.calls {
			t.Fatalf("%v: err %v after %d calls, want %d", c.err, err, tr.calls, c.calls)
		}
		if c.firstSleep != 0 && (len(f.sleeps) != c.calls-1 || f.sleeps[0] != c.firstSleep) {
			t.Fatalf("%v: waits %v", c.err, f.sleeps)
		}
		if a.Pending() != 1 {
			t.Fatalf("%v: the outbox lost the change", c.err)
		}
	}
}

func TestClient_SkipsRecordsItCannotOpen(t *testing.T) {
	f := newFleet(t, 2, mrand.New(mrand.NewPCG(1, 1)))
	a, b := f.devices[0], f.devices[1]
	a.Save(synctest.Thread("1", []int{1}, 0))
	a.Sync(ctx)
	// A record sealed under another library's keys, pushed by someone
	// holding this library's auth key (or a misbehaving server).
	other := newKeys(t)
	junk := savedThread(t, "2", 1)
	_, blob, _ := other.Seal(junk)
	keys := sync.DeriveKeys(f.secret)
	f.srv.Push(ctx, keys.LibraryID, keys.AuthKey, protocol.PushRequest{Changes: []protocol.Change{{ID: keys.RecordID("x:2"), Blob: blob}}})
	a.Save(synctest.Thread("3", []int{1}, 0))
	a.Sync(ctx)
	rep, err := b.Sync(ctx)
	if err != nil || rep.Rejected != 1 || len(b.Library()) != 2 {
		t.Fatalf("report %+v, err %v, library %d", rep, err, len(b.Library()))
	}
}

func TestClient_EditsNeedASavedThread(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	a := f.devices[0]
	if err := a.SetNote("x:404", "n"); err != sync.ErrNotSaved {
		t.Fatalf("note on a missing thread: %v", err)
	}
	a.Save(synctest.Thread("1", []int{1}, 0))
	if err := a.Delete("x:1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete("x:1"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if err := a.SetTags("x:1", []string{"t"}); err != sync.ErrNotSaved {
		t.Fatalf("tags on a deleted thread: %v", err)
	}
	bad := synctest.Thread("2", []int{1}, 0)
	bad.URL = "javascript:alert(1)"
	if _, err := a.Save(bad); err == nil {
		t.Fatal("an invalid thread was saved")
	}
}

// A record over the size limit stays in the outbox without holding back the
// others, and Sync says so.
func TestClient_OversizedRecordDoesNotBlockOthers(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	a := f.devices[0]
	big := synctest.Thread("1", synctest.Nums(20), 0)
	for i := range big.Posts {
		noise := make([]byte, 60_000) // random: DEFLATE cannot shrink it
		rand.Read(noise)
		big.Posts[i].Text = base64.StdEncoding.EncodeToString(noise)
	}
	if _, err := a.Save(big); err != nil {
		t.Fatal(err)
	}
	a.Save(synctest.Thread("2", []int{1}, 0))
	rep, err := a.Sync(ctx)
	if err == nil || !strings.Contains(err.Error(), "over the") || rep.Unsendable != 1 || rep.Pushed != 1 || rep.Pending != 1 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if n := len(threadRecords(t, f.srv, sync.DeriveKeys(f.secret))); n != 1 {
		t.Fatalf("server holds %d records", n)
	}
}

// stuckCursor answers every pull with one change, "more", and the same
// cursor, as a broken server might.
type stuckCursor struct{ sync.Transport }

func (stuckCursor) Pull(context.Context, string, string, string, int) (protocol.PullResponse, error) {
	return protocol.PullResponse{Changes: []protocol.Record{{ID: "x", Seq: 1, Blob: "AAAA"}}, Cursor: "", More: true}, nil
}

func TestClient_PullStopsOnAStuckCursor(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	a := f.newDevice("devS", 0, nil, stuckCursor{f.srv})
	if _, err := a.Pull(ctx); err == nil || !strings.Contains(err.Error(), "did not move the cursor") {
		t.Fatalf("pull: %v", err)
	}
}

// A server state that lacks a local edit the device had already sent (a
// server restored from a backup, an old client overwriting): the pull
// merges it, finds the merge differs from what the server holds, and sends
// it again in the same Sync.
func TestClient_PullResendsWhatTheServerLost(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	a := f.devices[0]
	a.Save(synctest.Thread("1", []int{1}, 0))
	a.SetNote("x:1", "kept")
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	keys := sync.DeriveKeys(f.secret)
	recs := threadRecords(t, f.srv, keys)
	var older sync.SavedThread
	older.Save(synctest.Thread("1", []int{1}, 0), time.Time{}, sync.HLC{Wall: 1, Device: "old"})
	_, blob, _ := keys.Seal(older)
	res, err := f.srv.Push(ctx, keys.LibraryID, keys.AuthKey, protocol.PushRequest{Changes: []protocol.Change{{ID: recs[0].ID, BaseSeq: recs[0].Seq, Blob: blob}}})
	if err != nil || res.Results[0].Status != protocol.Applied {
		t.Fatalf("overwrite: %+v %v", res, err)
	}
	rep, err := a.Sync(ctx)
	if err != nil || rep.Pushed != 1 || rep.Pending != 0 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	recs = threadRecords(t, f.srv, keys)
	if s, _ := keys.Open(recs[0].ID, recs[0].Blob); s.Note != "kept" {
		t.Fatalf("the server holds note %q", s.Note)
	}
}

// dirty says whether the record is in the device's outbox.
func dirty(d *device, id string) bool {
	for _, r := range d.State().Records {
		if r.Saved.ID == id {
			return r.Dirty
		}
	}
	return false
}
