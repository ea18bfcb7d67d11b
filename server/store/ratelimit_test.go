//go:build !js

package store

import (
	"context"
	"path/filepath"
	"testing"
)

// The native server counts in memory and the Worker in the database; both
// must give the same counts for the same requests, window by window.
func TestRateCountersAgree(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "db"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mem := &memoryCounter{}
	steps := []struct {
		key string
		win int64
	}{
		{"a", 1}, {"a", 1}, {"b", 1}, {"a", 1}, // three of a, one of b
		{"a", 2}, {"b", 2}, {"a", 2}, // a new window starts every key at 1
		{"c", 5}, {"a", 5}, {"c", 5}, {"c", 5},
	}
	for i, s := range steps {
		inDB, err := st.countInDB(ctx, s.key, s.win)
		if err != nil {
			t.Fatal(err)
		}
		inMem, _ := mem.count(ctx, s.key, s.win)
		if inDB != inMem {
			t.Fatalf("step %d (%s in window %d): database counted %d, memory %d", i, s.key, s.win, inDB, inMem)
		}
		peekDB, err := st.peekInDB(ctx, s.key, s.win)
		if err != nil {
			t.Fatal(err)
		}
		if peekMem, _ := mem.peek(ctx, s.key, s.win); peekDB != inDB || peekMem != inMem {
			t.Fatalf("step %d: peek read %d (database) and %d (memory) after counting %d", i, peekDB, peekMem, inDB)
		}
	}
	if got, _ := mem.count(ctx, "c", 5); got != 4 {
		t.Fatalf("c in window 5 = %d, want 4", got)
	}
	// A late request from the previous window counts in the current one.
	if got, _ := mem.count(ctx, "c", 4); got != 5 {
		t.Fatalf("a late request reset the window: count %d, want 5", got)
	}
}
