package sync_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
	"unspool/shared/thread"
)

func js(t testing.TB, s sync.SavedThread) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func postIDs(s sync.SavedThread) []string {
	if s.Thread == nil {
		return nil
	}
	var ids []string
	for _, p := range s.Thread.Posts {
		ids = append(ids, p.ID)
	}
	return ids
}

// hist is a random history of edits to one thread by several devices whose
// wall clocks disagree by up to a minute and sometimes jump back. Devices
// see some of each other's states as they go (partial gossip), so edits are
// sometimes made on top of others' and sometimes concurrently.
type hist struct {
	states   []sync.SavedThread // every state any device ever held
	captures []capture
}

type capture struct {
	at    sync.HLC
	posts []string
}

var tagPool = []string{"ai", "go", "history", "later", "long read"}

func genHistory(r *rand.Rand, devices, ops int) hist {
	var h hist
	base := time.UnixMilli(1_800_000_000_000)
	clocks := make([]*sync.Clock, devices)
	local := make([]sync.SavedThread, devices)
	for d := range clocks {
		skew := time.Duration(r.IntN(120_000)-60_000) * time.Millisecond
		wall := base.Add(skew)
		clocks[d], _ = sync.NewClock(fmt.Sprintf("dev%d", d), func() time.Time {
			wall = wall.Add(time.Duration(r.IntN(3000)-1000) * time.Millisecond)
			return wall
		}, sync.HLC{})
	}
	for range ops {
		d := r.IntN(devices)
		s := local[d]
		switch op := r.IntN(11); {
		case op < 3:
			// A capture of a random contiguous run of posts 1..12.
			from := 1 + r.IntN(6)
			to := from + r.IntN(7)
			var nums []int
			for n := from; n <= to; n++ {
				nums = append(nums, n)
			}
			at := clocks[d].Now()
			if err := s.Save(synctest.Thread("77", nums, r.IntN(4)), base, at); err != nil {
				panic(err)
			}
			var ids []string
			for _, n := range nums {
				ids = append(ids, fmt.Sprintf("770%d", n))
			}
			h.captures = append(h.captures, capture{at, ids})
		case op < 4:
			if s.ID == "" {
				s.ID = "x:77"
			}
			s.Delete(clocks[d].Now())
		case op < 6:
			if s.ID == "" {
				s.ID = "x:77"
			}
			var tags []string
			for _, t := range tagPool {
				if r.IntN(3) == 0 {
					tags = append(tags, t)
				}
			}
			s.SetTags(tags, clocks[d].Now())
		case op < 7:
			if s.ID == "" {
				s.ID = "x:77"
			}
			s.SetNote(fmt.Sprintf("note %d", r.IntN(5)), clocks[d].Now())
		case op < 8:
			if s.ID == "" {
				s.ID = "x:77"
			}
			s.SetReadPosition(&sync.ReadPosition{PostID: fmt.Sprintf("770%d", 1+r.IntN(12)), Progress: float64(r.IntN(5)) / 4}, clocks[d].Now())
		case op < 9:
			if s.ID == "" {
				s.ID = "x:77"
			}
			// On, off, or back to the default.
			on := []*bool{new(true), new(false), nil}[r.IntN(3)]
			s.SetKeepCurrent(on, clocks[d].Now())
		default:
			// Receive a state some device held earlier (possibly stale).
			if len(h.states) > 0 {
				got := h.states[r.IntN(len(h.states))]
				s = sync.Merge(s, got)
				clocks[d].Observe(got.MaxClock())
			}
		}
		local[d] = s
		h.states = append(h.states, s)
	}
	return h
}

// foldRandom merges states in a random order, with random duplicates and a
// random tree shape (not just left to right).
func foldRandom(r *rand.Rand, states []sync.SavedThread) sync.SavedThread {
	work := slices.Clone(states)
	for range r.IntN(len(states) + 1) {
		work = append(work, states[r.IntN(len(states))])
	}
	r.Shuffle(len(work), func(i, j int) { work[i], work[j] = work[j], work[i] })
	for len(work) > 1 {
		i := r.IntN(len(work) - 1)
		m := sync.Merge(work[i], work[i+1])
		if r.IntN(2) == 0 {
			m = sync.Merge(work[i+1], work[i])
		}
		work = append(work[:i], append([]sync.SavedThread{m}, work[i+2:]...)...)
	}
	// A single state that never went through Merge (a device that made no
	// edit) is not normalised yet; every other path normalises.
	return sync.Merge(sync.SavedThread{}, work[0])
}

func TestMerge_AnyOrderConverges(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 300 {
		h := genHistory(r, 2+r.IntN(4), 5+r.IntN(40))
		want := foldRandom(r, h.states)
		if err := want.Validate(); err != nil {
			t.Fatalf("round %d: merged state is invalid: %v", round, err)
		}
		for range 4 {
			if got := foldRandom(r, h.states); js(t, got) != js(t, want) {
				t.Fatalf("round %d: two merge orders disagree:\n%s\n%s", round, js(t, got), js(t, want))
			}
		}
		// Nothing saved after the final delete is lost: every post of every
		// capture newer than the delete is in the merged thread.
		for _, c := range h.captures {
			if c.at.After(want.Clocks.Deleted) {
				for _, id := range c.posts {
					if !slices.Contains(postIDs(want), id) {
						t.Fatalf("round %d: post %s of capture %v is lost", round, id, c.at)
					}
				}
			}
		}
	}
}

func TestMerge_Laws(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for round := range 300 {
		h := genHistory(r, 2+r.IntN(3), 5+r.IntN(30))
		pick := func() sync.SavedThread { return h.states[r.IntN(len(h.states))] }
		a, b, c := pick(), pick(), pick()
		if x, y := js(t, sync.Merge(a, b)), js(t, sync.Merge(b, a)); x != y {
			t.Fatalf("round %d: not commutative:\n%s\n%s", round, x, y)
		}
		if x, y := js(t, sync.Merge(sync.Merge(a, b), c)), js(t, sync.Merge(a, sync.Merge(b, c))); x != y {
			t.Fatalf("round %d: not associative:\n%s\n%s", round, x, y)
		}
		if x, y := js(t, sync.Merge(a, a)), js(t, sync.Merge(sync.SavedThread{}, a)); x != y {
			t.Fatalf("round %d: not idempotent:\n%s\n%s", round, x, y)
		}
		if x, y := js(t, sync.Merge(a, sync.SavedThread{})), js(t, a); a.ID != "" && x != y {
			t.Fatalf("round %d: a state from the edit methods is not normalised:\n%s\n%s", round, x, y)
		}
	}
}

// clockAt ticks a second per call from a start that is offset seconds
// after a fixed instant.
func clockAt(dev string, offset int64) func() sync.HLC {
	wall := 1_800_000_000_000 + offset*1000
	return func() sync.HLC {
		wall += 1000
		return sync.HLC{Wall: wall, Device: dev}
	}
}

func TestMerge_DeleteAndResave(t *testing.T) {
	now := clockAt("A", 0)
	var a sync.SavedThread
	_ = a.Save(synctest.Thread("5", synctest.Nums(3), 0), time.Time{}, now())
	a.SetTags([]string{"go"}, now())
	b := a // device B has synced
	a.Delete(now())
	if !a.Deleted || a.Thread != nil || len(a.Tags) != 0 {
		t.Fatalf("after delete: %s", js(t, a))
	}
	b.SetNote("older than the delete? no: made later on B", now())
	m := sync.Merge(a, b)
	if !m.Deleted || m.Note == "" {
		t.Fatalf("a note newer than the delete must survive in the tombstone, not resurrect: %s", js(t, m))
	}
	stale := b
	stale.SetTags([]string{"go", "stale"}, sync.HLC{Wall: 1, Device: "Z"}) // ancient clock
	if m2 := sync.Merge(m, stale); slices.Contains(m2.Tags, "stale") || !m2.Deleted {
		t.Fatalf("an edit older than the delete survived: %s", js(t, m2))
	}
	_ = b.Save(synctest.Thread("5", []int{3, 4}, 1), time.Time{}, now())
	m = sync.Merge(a, b)
	if m.Deleted || m.Thread == nil {
		t.Fatalf("a re-save newer than the delete must resurrect: %s", js(t, m))
	}
	// Posts 1-2 were saved before the delete: the delete removed them.
	if got := postIDs(m); !slices.Equal(got, []string{"503", "504"}) {
		t.Fatalf("posts after delete and re-save = %v", got)
	}
	if len(m.Tags) != 0 {
		t.Fatalf("tags set before the delete came back: %v", m.Tags)
	}
}

func TestMerge_ResaveUnionsPosts(t *testing.T) {
	now := clockAt("A", 0)
	var s sync.SavedThread
	_ = s.Save(synctest.Thread("9", []int{1, 2, 3, 5}, 0), time.Time{}, now())
	_ = s.Save(synctest.Thread("9", []int{2, 3, 4}, 1), time.Time{}, now())
	if got := postIDs(s); !slices.Equal(got, []string{"901", "902", "903", "904", "905"}) {
		t.Fatalf("posts = %v", got)
	}
	if s.Thread.Posts[1].Text[:24] != "Post 2 of the thread (ca" || s.Thread.Posts[1].Text[22:31] != "capture 1" {
		t.Fatalf("post 2 is not from the newer capture: %q", s.Thread.Posts[1].Text)
	}
	if s.Thread.Posts[0].Text[22:31] != "capture 0" {
		t.Fatalf("post 1 should keep the older capture's text: %q", s.Thread.Posts[0].Text)
	}
	if len(s.Clocks.Posts) != 2 {
		t.Fatalf("post clocks = %v, want entries for posts 1 and 5 only", s.Clocks.Posts)
	}
}

func TestMerge_EditedVersionReplacesTheOlder(t *testing.T) {
	now := clockAt("A", 0)
	older := synctest.Thread("9", []int{1, 2, 3}, 0)
	newer := synctest.Thread("9", []int{1, 2, 3}, 1)
	// On X an edit is a new id: post 2's newest version lists the old one.
	newer.Posts[1].ID, newer.Posts[1].PreviousIDs = "992", []string{"902"}
	for _, order := range [][]thread.Thread{{older, newer}, {newer, older}} {
		var s sync.SavedThread
		_ = s.Save(order[0], time.Time{}, now())
		_ = s.Save(order[1], time.Time{}, now())
		if got := postIDs(s); !slices.Equal(got, []string{"901", "992", "903"}) {
			t.Errorf("posts = %v, want the old version of post 2 given way", got)
		}
	}
}

func TestMerge_NewestCaptureKeepsItsOrder(t *testing.T) {
	now := clockAt("A", 0)
	th := synctest.Thread("3", []int{1, 2, 3}, 0)
	// A capture whose reading order is not chronological (a late reply to
	// post 1 placed after it by the extractor).
	th.Posts[1].CreatedAt, th.Posts[2].CreatedAt = th.Posts[2].CreatedAt.Add(time.Hour), th.Posts[1].CreatedAt
	var s sync.SavedThread
	_ = s.Save(th, time.Time{}, now())
	if got := postIDs(s); !slices.Equal(got, []string{"301", "302", "303"}) {
		t.Fatalf("a single capture was reordered: %v", got)
	}
}

func TestMerge_TagsAddRemoveSet(t *testing.T) {
	na, nb := clockAt("A", 0), clockAt("B", 100)
	var base sync.SavedThread
	_ = base.Save(synctest.Thread("1", []int{1}, 0), time.Time{}, na())
	base.SetTags([]string{"x", "y"}, na())
	a, b := base, base
	a.SetTags([]string{"x", "y", "from-a"}, na())
	b.SetTags([]string{"x", "from-b"}, nb()) // removes y, adds from-b
	m := sync.Merge(a, b)
	if !slices.Equal(m.Tags, []string{"from-a", "from-b", "x"}) {
		t.Fatalf("concurrent tag edits = %v", m.Tags)
	}
	// Re-stating tags already present is not an edit: it does not undo a
	// removal made elsewhere in between.
	a.SetTags([]string{"x", "y", "from-a"}, na())
	if m := sync.Merge(a, b); slices.Contains(m.Tags, "y") {
		t.Fatalf("re-stating y undid B's removal: %v", m.Tags)
	}
	if got := sync.NormalizeTags([]string{" b", "a", "", "b ", "a"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("NormalizeTags = %v", got)
	}
}

func TestMerge_NoteAndReadPositionLastWriterWins(t *testing.T) {
	at := func(sec int64, dev string) sync.HLC { return sync.HLC{Wall: 1_800_000_000_000 + sec*1000, Device: dev} }
	var a sync.SavedThread
	_ = a.Save(synctest.Thread("1", []int{1}, 0), time.Time{}, at(0, "A"))
	b := a
	b.SetNote("from B", at(1, "B"))
	a.SetNote("from A", at(2, "A"))
	b.SetReadPosition(&sync.ReadPosition{PostID: "101", Progress: 1}, at(3, "B"))
	a.SetReadPosition(&sync.ReadPosition{PostID: "999"}, at(3, "A")) // same ms: device id decides
	m := sync.Merge(b, a)
	if m.Note != "from A" || m.ReadPosition == nil || m.ReadPosition.PostID != "101" {
		t.Fatalf("merged = %s", js(t, m))
	}
}

// The keep-current switch is a register like the note: switched off on one
// device after it was switched on on another, it is off on both; a delete
// clears a switch set before it.
func TestMerge_KeepCurrentLastWriterWins(t *testing.T) {
	at := func(sec int64, dev string) sync.HLC { return sync.HLC{Wall: 1_800_000_000_000 + sec*1000, Device: dev} }
	var laptop sync.SavedThread
	_ = laptop.Save(synctest.Thread("1", []int{1, 2}, 0), time.Time{}, at(0, "A"))
	phone := laptop
	if laptop.KeepCurrent != nil {
		t.Fatalf("a fresh save has a switch: %s", js(t, laptop))
	}
	phone.SetKeepCurrent(new(true), at(1, "B"))
	laptop.SetKeepCurrent(new(false), at(2, "A"))
	for _, m := range []sync.SavedThread{sync.Merge(phone, laptop), sync.Merge(laptop, phone)} {
		if m.KeepCurrent == nil || *m.KeepCurrent {
			t.Fatalf("merged = %s, want keepCurrent false", js(t, m))
		}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	// Back to the default, later, wins too.
	phone.SetKeepCurrent(nil, at(3, "B"))
	if m := sync.Merge(laptop, phone); m.KeepCurrent != nil || m.Clocks.KeepCurrent != at(3, "B") {
		t.Fatalf("merged = %s, want the default as of 3", js(t, m))
	}
	gone := laptop
	gone.Delete(at(4, "B"))
	if m := sync.Merge(laptop, gone); m.KeepCurrent != nil || !m.Clocks.KeepCurrent.IsZero() {
		t.Fatalf("a switch older than the delete survived: %s", js(t, m))
	}
}

func TestSave_RefusesAnotherThread(t *testing.T) {
	var s sync.SavedThread
	_ = s.Save(synctest.Thread("1", []int{1}, 0), time.Time{}, sync.HLC{Wall: 1, Device: "a"})
	if err := s.Save(synctest.Thread("2", []int{1}, 0), time.Time{}, sync.HLC{Wall: 2, Device: "a"}); err == nil {
		t.Fatal("saving x:2 into x:1 was accepted")
	}
}
