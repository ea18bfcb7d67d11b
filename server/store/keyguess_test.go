//go:build !js

package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"unspool/server/library"
)

// An address that has sent KeyGuessLimit wrong keys is refused before any
// key is checked, on every library, the right key included; other
// addresses are not. Both counters: the native one in memory and the
// Worker's in the database.
func TestWrongKeysAreLimitedPerAddressBeforeTheKeyCheck(t *testing.T) {
	for _, inDB := range []bool{false, true} {
		ctx := context.Background()
		st, err := Open(ctx, filepath.Join(t.TempDir(), "db"), Config{KeyGuessLimit: 3, RateWindow: 3600})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if inDB {
			st.count, st.peek = st.countInDB, st.peekInDB
		}
		a := library.Auth{LibraryID: testID(1), Key: testID(-1)}
		b := library.Auth{LibraryID: testID(2), Key: testID(-2)}
		for _, l := range []library.Auth{a, b} {
			if _, err := st.CreateLibrary(ctx, l, "setup"); err != nil {
				t.Fatal(err)
			}
		}
		const guesser = "203.0.113.7"
		wrong := library.Auth{LibraryID: a.LibraryID, Key: testID(-3), Client: guesser}
		for i := range 3 {
			if _, err := st.Pull(ctx, wrong, library.PullPage{Limit: 10}); library.ErrorCode(err) != library.EUNAUTHORIZED {
				t.Fatalf("in db %v: wrong key %d: %v, want %s", inDB, i+1, err, library.EUNAUTHORIZED)
			}
		}
		// A create naming an existing library with the wrong key is a guess too.
		right := b
		right.Client = guesser
		for name, try := range map[string]func() error{
			"the right key on another library": func() error { _, err := st.Pull(ctx, right, library.PullPage{Limit: 10}); return err },
			"another wrong key":                func() error { _, err := st.Pull(ctx, wrong, library.PullPage{Limit: 10}); return err },
			"a create with a wrong key":        func() error { _, err := st.CreateLibrary(ctx, wrong, guesser); return err },
		} {
			var le *library.Error
			err := try()
			if library.ErrorCode(err) != library.ERATELIMITED {
				t.Fatalf("in db %v: %s from the guesser: %v, want %s", inDB, name, err, library.ERATELIMITED)
			}
			if !errors.As(err, &le) || le.RetryAfter < 1 {
				t.Errorf("in db %v: no Retry-After", inDB)
			}
		}
		other := b
		other.Client = "198.51.100.1"
		if _, err := st.Pull(ctx, other, library.PullPage{Limit: 10}); err != nil {
			t.Fatalf("in db %v: another address with the right key: %v", inDB, err)
		}
	}
}
