package suite

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"unspool/shared/protocol"
)

// acks records, per record, the greatest value the server acknowledged.
type acks struct {
	mu  sync.Mutex
	max map[string]value
	n   int
}

func (a *acks) add(id string, v value) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	if cur, ok := a.max[id]; !ok || v.after(cur) {
		a.max[id] = v
	}
}

// serverState is the library as a fresh device pulls it from url, and
// the highest seq in it.
func serverState(t *testing.T, url func() string, l lib) (map[string]value, int64) {
	t.Helper()
	fresh := newDevice("reader", l, url)
	if err := fresh.sync(); err != nil { // nothing to push: a full pull
		t.Fatal(err)
	}
	var maxSeq int64
	for _, e := range fresh.recs {
		maxSeq = max(maxSeq, e.base)
	}
	return fresh.state(), maxSeq
}

// Devices edit, delete and re-save the same records concurrently, syncing
// as they go; then each syncs until quiet. Every device must end with the
// server's library, and each record must hold the greatest value the server
// ever acknowledged for it: nothing acknowledged is lost.
func TestDevicesConverge(t *testing.T) {
	for _, tc := range []struct{ devices, records, steps int }{
		{2, 5, 30},
		{10, 12, 16},
	} {
		t.Run(fmt.Sprintf("%d devices", tc.devices), func(t *testing.T) {
			l := createLib(t)
			ids := make([]string, tc.records)
			for i := range ids {
				ids[i] = newID()
			}
			a := &acks{max: map[string]value{}}
			devs := make([]*device, tc.devices)
			for i := range devs {
				devs[i] = newDevice(fmt.Sprintf("dev%02d", i), l, func() string { return baseURL })
				devs[i].onApplied = a.add
			}
			var wg sync.WaitGroup
			for i, d := range devs {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(i), 42))
					for step := range tc.steps {
						id := ids[rng.IntN(len(ids))]
						switch r := rng.IntN(10); {
						case r < 6:
							d.edit(id, fmt.Sprintf("%s edit %d", d.name, step), false)
						case r < 8:
							d.edit(id, "", true) // delete
						default:
							d.edit(id, fmt.Sprintf("%s re-save %d", d.name, step), false)
						}
						if step%3 == 2 {
							if err := d.sync(); err != nil {
								t.Error(err)
								return
							}
						}
						time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
					}
					if err := d.sync(); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			// Quiesce: a round in which every device syncs, twice, so the last
			// pushes of each reach all the others.
			for range 2 {
				for _, d := range devs {
					if err := d.sync(); err != nil {
						t.Fatal(err)
					}
				}
			}
			want, _ := serverState(t, func() string { return baseURL }, l)
			if len(want) != tc.records {
				t.Fatalf("server holds %d records, want %d", len(want), tc.records)
			}
			for _, d := range devs {
				if d.dirty() != 0 {
					t.Fatalf("%s still has %d unsent changes", d.name, d.dirty())
				}
				if got := d.state(); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s differs from the server:\n%v\n%v", d.name, got, want)
				}
			}
			for _, id := range sortedKeys(a.max) {
				if want[id] != a.max[id] {
					t.Fatalf("record holds %+v, but %+v was acknowledged and is later", want[id], a.max[id])
				}
			}
			t.Logf("%d acknowledged writes, %d records converged on %d devices", a.n, len(want), len(devs))
		})
	}
}

// The native server is killed (SIGKILL) again and again while a device
// pushes. After restarts on the same data directory, every acknowledged
// write is there, and every write whose answer was lost was retried and
// applied exactly once: the library's last seq equals the number of
// applied writes (each application takes exactly the next seq).
func TestKilledServerLosesNothing(t *testing.T) {
	k := newKillable(t)
	url := k.url

	l := newLib()
	var cr protocol.CreateLibraryResponse
	c := &device{lib: l, url: url}
	if err := c.callCreate(&cr); err != nil {
		t.Fatal(err)
	}
	d := newDevice("solo", l, url)
	a := &acks{max: map[string]value{}}
	d.onApplied = a.add
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = newID()
	}

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(7, 7))
		for step := 0; ; step++ {
			select {
			case <-stop:
				return
			default:
			}
			// A burst of local writes, then sync until it gets through: a
			// failed sync is retried before any new write, so each change's
			// fate (applied or not) is settled by its own retries.
			// Sizeable values make a push take long enough for kills to land
			// in the middle of one.
			for range 1 + rng.IntN(30) {
				text := fmt.Sprintf("write %d %s", step, strings.Repeat("x", rng.IntN(20_000)))
				d.edit(ids[rng.IntN(len(ids))], text, rng.IntN(5) == 0)
			}
			for d.sync() != nil {
				time.Sleep(20 * time.Millisecond)
			}
		}
	}()
	const kills = 4
	for kill := range kills {
		time.Sleep(time.Duration(150+rand.IntN(200)) * time.Millisecond)
		if err := k.restart(100 * time.Millisecond); err != nil {
			close(stop)
			t.Fatalf("restart %d: %v", kill, err)
		}
		// What was acknowledged before the kill is all there. The acks are
		// copied before the pull: the device keeps pushing meanwhile, and
		// both the acks and the server only move forward.
		a.mu.Lock()
		acked := maps.Clone(a.max)
		a.mu.Unlock()
		got, _ := serverState(t, url, l)
		for id, v := range acked {
			if g, ok := got[id]; !ok || v.after(g) {
				close(stop)
				t.Fatalf("after kill %d: acknowledged write T%d, server has T%d", kill, v.T, g.T)
			}
		}
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	<-done
	if err := d.sync(); err != nil {
		t.Fatal(err)
	}
	got, maxSeq := serverState(t, url, l)
	if !reflect.DeepEqual(got, d.state()) {
		t.Fatalf("server (%d records) and device (%d records) differ", len(got), len(d.state()))
	}
	for id, v := range a.max {
		if got[id] != v {
			t.Fatalf("acknowledged write T%d, server has T%d", v.T, got[id].T)
		}
	}
	if maxSeq != int64(a.n) {
		t.Fatalf("last seq %d but %d writes applied: some write was applied twice or lost", maxSeq, a.n)
	}
	t.Logf("%d kills, %d writes applied once each (%d of them only seen applied on retry)", kills, a.n, d.appliedUnseen)
}
