//go:build js && wasm

package main

import "testing"

func TestIdleCollectionPays(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		why        string
		used, goal uint64
		want       bool
	}{
		{"right after a collection the heap is half its goal", 12 * mb, 24 * mb, false},
		{"a small heap right after a collection", 2 * mb, 4 * mb, false},
		{"garbage, and less room left than a click needs", 18 * mb, 24 * mb, true},
		{"a small heap with garbage", 3 * mb, 4 * mb, true},
		{"garbage, but room for a click and more", 20 * mb, 34 * mb, false},
		{"almost at the goal", 33 * mb, 34 * mb, true},
		{"at or past the goal (a collection is due)", 24 * mb, 24 * mb, true},
		{"past the goal", 25 * mb, 24 * mb, true},
	} {
		if got := idleCollectionPays(c.used, c.goal); got != c.want {
			t.Errorf("%s: idleCollectionPays(%d MiB, %d MiB) = %v, want %v", c.why, c.used/mb, c.goal/mb, got, c.want)
		}
	}
}
