//go:build js && wasm

package main

import (
	"runtime"
	"syscall/js"
)

// The Go runtime in a browser worker has one thread: a collection stops
// everything for as long as it marks (~10 ms for the ~12 MB a warm instance
// keeps live). Left to itself it runs whenever the heap reaches its goal,
// which during an X unroll is in the middle of one of the click's calls.
// The host calls collectIdle once the worker has had no call for a moment
// (the looks of an unroll are 100 ms or more of X's network apart), so that
// the calls that follow find room for what they allocate.

const (
	// idleHeadroom is the room the calls between two idle moments need
	// before the runtime's own collection: a 200-post X unroll takes in ~10 MB
	// over its six bursts of calls (its looks copy every answer so far in
	// from JS), and with this room bench/x-looks-wasm.mjs counts no
	// collection inside them. With more room left, collecting gains nothing.
	idleHeadroom = 8 << 20
	// idleMinShare: the heap must be past this share of its goal, which is
	// about twice the live heap (GOGC=100), so right after a collection there
	// is nothing to do and a small heap is not collected at every pause.
	idleMinShare = 0.55
)

func init() {
	// collectIdle() → true when it collected.
	register("collectIdle", func(args []js.Value) (any, error) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m) // no other thread to stop: cheap here
		if !idleCollectionPays(m.HeapAlloc, m.NextGC) {
			return false, nil
		}
		runtime.GC()
		return true, nil
	})
}

// idleCollectionPays tells whether a heap holding used bytes, whose runtime
// collection comes at goal bytes, is worth collecting now, while idle.
func idleCollectionPays(used, goal uint64) bool {
	if used >= goal {
		return true
	}
	return float64(used) >= idleMinShare*float64(goal) && goal-used < idleHeadroom
}
