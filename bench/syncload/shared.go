package main

import (
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"unspool/shared/protocol"
)

var (
	libraries = flag.Int("libraries", 200, "libraries the devices share (shared scenario)")
	// A Go worker under wrangler dev starts a Go instance per request in one
	// isolate: more than a few at once exceed its memory and workerd restarts.
	seeders = flag.Int("seeders", 16, "concurrent requests while creating and seeding libraries (shared scenario)")
	// For the same reason, -inflight caps the requests open at once; a
	// device waits for a slot (not timed) before each request.
	inflight = flag.Int("inflight", 0, "most requests open at once in the shared scenario; 0 = no cap")
)

// runShared: -devices devices over -libraries libraries (device i syncs
// library i mod L, as several browsers of one person do), against -url and
// then -url2 in the same run. Every -interval a device pushes one new
// record and pulls from its cursor (its own record and its co-devices'
// come back). New ids only, so no device waits on a conflict.
func runShared() {
	bases := []string{*baseURL}
	if *baseURL2 != "" {
		bases = append(bases, *baseURL2)
	}
	for _, base := range bases {
		push, pull, elapsed, errs := sharedRun(base)
		fmt.Printf("shared %s: %d devices over %d libraries, each syncing every %s, %s, %d-byte records, %d errors\n",
			base, *devices, *libraries, *interval, elapsed.Round(time.Millisecond), *blobSize, errs)
		for _, k := range []struct {
			name string
			l    *latencies
		}{{"push", push}, {"pull", pull}} {
			fmt.Printf("  %s: %d requests, %.0f req/s, p50 %s, p99 %s, max %s\n", k.name, len(k.l.d),
				float64(len(k.l.d))/elapsed.Seconds(), ms(k.l.pct(0.50)), ms(k.l.pct(0.99)), ms(k.l.pct(1)))
		}
	}
}

func sharedRun(base string) (push, pull *latencies, elapsed time.Duration, errs int) {
	libs := make([]library, *libraries)
	var wg sync.WaitGroup
	sem := make(chan struct{}, *seeders)
	for i := range libs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			libs[i] = create(base)
			var cs []protocol.Change
			for range 20 {
				cs = append(cs, protocol.Change{ID: newID(), Blob: newBlob(*blobSize)})
			}
			if _, err := libs[i].push(cs); err != nil {
				fail("seed: %v", err)
			}
		})
	}
	wg.Wait()
	push, pull = &latencies{}, &latencies{}
	slot := func() func() { return func() {} }
	if *inflight > 0 {
		slots := make(chan struct{}, *inflight)
		slot = func() func() { slots <- struct{}{}; return func() { <-slots } }
	}
	var mu sync.Mutex
	start := time.Now()
	deadline := start.Add(*duration)
	for i := range *devices {
		wg.Go(func() {
			l := libs[i%len(libs)]
			rng := mrand.New(mrand.NewPCG(uint64(i), 2))
			// Devices start spread over one interval, each with a full pull
			// (timed as a pull: a device's first sync of the run).
			if *interval > 0 {
				time.Sleep(time.Duration(rng.Int64N(int64(*interval))))
			}
			done := slot()
			t0 := time.Now()
			p, _, err := l.pull("", protocol.MaxPullLimit)
			pull.add(time.Since(t0))
			done()
			cursor := p.Cursor
			for err == nil && time.Now().Before(deadline) {
				next := time.Now().Add(*interval)
				done = slot()
				t0 = time.Now()
				var r []protocol.PushResult
				r, err = l.push([]protocol.Change{{ID: newID(), Blob: newBlob(*blobSize)}})
				push.add(time.Since(t0))
				done()
				if err == nil && r[0].Status != protocol.Applied {
					err = fmt.Errorf("push: %+v", r[0])
				}
				if err != nil {
					break
				}
				done = slot()
				t0 = time.Now()
				p, _, err = l.pull(cursor, protocol.MaxPullLimit)
				pull.add(time.Since(t0))
				done()
				if err == nil && len(p.Changes) == 0 {
					err = fmt.Errorf("pull after a push returned nothing")
				}
				cursor = p.Cursor
				time.Sleep(time.Until(next))
			}
			if err != nil {
				mu.Lock()
				if errs == 0 {
					fmt.Printf("  first error: %v\n", err)
				}
				errs++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return push, pull, time.Since(start), errs
}
