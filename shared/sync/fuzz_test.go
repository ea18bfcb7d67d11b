package sync_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// FuzzMergeHistories drives the random history generator from fuzzed seeds:
// whatever the devices do, merge order does not matter.
func FuzzMergeHistories(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(3), uint8(20))
	f.Add(uint64(0), uint64(0), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, s1, s2 uint64, devices, ops uint8) {
		r := rand.New(rand.NewPCG(s1, s2))
		h := genHistory(r, 1+int(devices%6), 1+int(ops%64))
		want := js(t, foldRandom(r, h.states))
		if got := js(t, foldRandom(r, h.states)); got != want {
			t.Fatalf("two merge orders disagree:\n%s\n%s", got, want)
		}
	})
}

// FuzzMergeStates checks the laws on arbitrary valid states, including ones
// no device would make (equal clocks on different values, foreign ids).
func FuzzMergeStates(f *testing.F) {
	at := func(sec int64, dev string) sync.HLC { return sync.HLC{Wall: 1_800_000_000_000 + sec*1000, Device: dev} }
	var a, b, c sync.SavedThread
	_ = a.Save(synctest.Thread("1", []int{1, 2}, 0), time.Time{}, at(1, "A"))
	b = a
	_ = b.Save(synctest.Thread("1", []int{2, 3}, 1), time.Time{}, at(2, "B"))
	b.SetTags([]string{"t"}, at(3, "B"))
	c = a
	c.Delete(at(2, "A"))
	c.SetNote("n", at(4, "A"))
	enc := func(s sync.SavedThread) []byte { j, _ := json.Marshal(s); return j }
	f.Add(enc(a), enc(b), enc(c))
	f.Add(enc(b), enc(c), enc(a))
	f.Add([]byte(`{"id":"x:1","tags":["a"],"clocks":{"tags":{"a":"000000000001.0000.A"}}}`),
		[]byte(`{"id":"x:1","tags":[],"clocks":{"tags":{"a":"000000000001.0000.A"}}}`), enc(a))
	f.Fuzz(func(t *testing.T, ja, jb, jc []byte) {
		var s [3]sync.SavedThread
		for i, j := range [][]byte{ja, jb, jc} {
			if json.Unmarshal(j, &s[i]) != nil || s[i].Validate() != nil {
				return
			}
		}
		a, b, c := s[0], s[1], s[2]
		m := sync.Merge(a, b)
		if m.ID == a.ID && m.Validate() != nil && a.ID == b.ID {
			t.Fatalf("merge of valid states is invalid: %v\n%s", m.Validate(), js(t, m))
		}
		if x, y := js(t, m), js(t, sync.Merge(b, a)); x != y {
			t.Fatalf("not commutative:\n%s\n%s", x, y)
		}
		if x, y := js(t, sync.Merge(m, c)), js(t, sync.Merge(a, sync.Merge(b, c))); x != y {
			t.Fatalf("not associative:\n%s\n%s", x, y)
		}
		if x, y := js(t, sync.Merge(a, a)), js(t, sync.Merge(sync.SavedThread{}, a)); x != y {
			t.Fatalf("not idempotent:\n%s\n%s", x, y)
		}
	})
}
