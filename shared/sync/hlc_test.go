package sync_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"unspool/shared/sync"
)

func TestClock_MonotonicWhenWallClockJumpsBack(t *testing.T) {
	wall := time.UnixMilli(1_800_000_000_000)
	c, err := sync.NewClock("devA", func() time.Time { return wall }, sync.HLC{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	prev := sync.HLC{}
	for i := range 5000 {
		// Random steps forward and back, including an hour back.
		wall = wall.Add(time.Duration(r.IntN(2001)-1000) * time.Millisecond)
		if i == 2500 {
			wall = wall.Add(-time.Hour)
		}
		h := c.Now()
		if !h.After(prev) {
			t.Fatalf("step %d: %v is not after %v", i, h, prev)
		}
		prev = h
	}
}

func TestClock_ObserveOrdersLaterEditsAfterRemote(t *testing.T) {
	// B's wall clock is 10 minutes behind A's: without Observe, B's re-save
	// would sort before A's delete.
	base := time.UnixMilli(1_800_000_000_000)
	a, _ := sync.NewClock("A", func() time.Time { return base }, sync.HLC{})
	b, _ := sync.NewClock("B", func() time.Time { return base.Add(-10 * time.Minute) }, sync.HLC{})
	del := a.Now()
	b.Observe(del)
	if resave := b.Now(); !resave.After(del) {
		t.Fatalf("re-save %v after observing delete %v is not later", resave, del)
	}
}

func TestNextHLC_CounterOverflowBorrowsAMillisecond(t *testing.T) {
	last := sync.HLC{Wall: 100, Counter: 1<<16 - 1, Device: "a"}
	next := sync.NextHLC(last, "a", 50)
	if !next.After(last) || next.Wall != 101 || next.Counter != 0 {
		t.Fatalf("next after %v = %v", last, next)
	}
	top := sync.HLC{Wall: sync.MaxWall, Counter: 1<<16 - 2, Device: "a"}
	if n := sync.NextHLC(top, "b", 0); !n.After(top) || n.Wall != sync.MaxWall {
		t.Fatalf("next after %v = %v", top, n)
	}
	if n := sync.NextHLC(sync.HLC{}, "a", -5); n.Wall != 0 || n.IsZero() {
		t.Fatalf("a negative wall clock gave %v", n)
	}
}

// The text form sorts as the clocks do, so JavaScript can compare strings.
func TestHLC_TextOrderIsClockOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	devices := []string{"a", "B", "zz", "device-1", "device_2", "A0"}
	var hs []sync.HLC
	for range 500 {
		hs = append(hs, sync.HLC{Wall: r.Int64N(1 << r.IntN(49)), Counter: uint16(r.IntN(3) * r.IntN(1<<16)), Device: devices[r.IntN(len(devices))]})
	}
	for i := range hs {
		for j := range hs {
			a, b := hs[i], hs[j]
			if got, want := strings.Compare(a.String(), b.String()), a.Compare(b); got != want {
				t.Fatalf("%v vs %v: strings say %d, Compare says %d", a, b, got, want)
			}
		}
		back, err := sync.ParseHLC(hs[i].String())
		if err != nil || back != hs[i] {
			t.Fatalf("ParseHLC(%q) = %v, %v", hs[i].String(), back, err)
		}
	}
	sorted := slices.SortedFunc(slices.Values(hs), sync.HLC.Compare)
	if !slices.IsSortedFunc(sorted, func(a, b sync.HLC) int { return strings.Compare(a.String(), b.String()) }) {
		t.Fatal("sorted clocks are not sorted as text")
	}
}

func TestHLC_JSONAndRejects(t *testing.T) {
	h := sync.HLC{Wall: 1_800_000_000_000, Counter: 3, Device: "devA"}
	b, _ := json.Marshal(h)
	if string(b) != `"01a3185c5000.0003.devA"` {
		t.Fatalf("json = %s", b)
	}
	var back sync.HLC
	if err := json.Unmarshal(b, &back); err != nil || back != h {
		t.Fatalf("round trip: %v %v", back, err)
	}
	if b, _ := json.Marshal(sync.HLC{}); string(b) != `""` {
		t.Fatalf("zero = %s", b)
	}
	for _, bad := range []string{
		"01a3185c5000.0003.", "01a3185c5000.0003.dev A", "01A3185C5000.0003.devA",
		"1a3185c5000.0003.devA", "01a3185c5000-0003-devA", "zza3185c5000.0003.devA",
		"01a3185c5000.0003." + strings.Repeat("d", 33), "01a3185c5000.+003.devA",
	} {
		if _, err := sync.ParseHLC(bad); err == nil {
			t.Errorf("ParseHLC(%q) accepted", bad)
		}
	}
	if _, err := sync.NewClock("", nil, sync.HLC{}); err == nil {
		t.Error("an empty device id was accepted")
	}
	id, err := sync.NewDeviceID()
	if err != nil || sync.ValidDevice(id) != nil {
		t.Errorf("NewDeviceID = %q, %v", id, err)
	}
}
