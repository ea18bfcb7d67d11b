package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Captures whose licence forbids a copy into this repository (the
// rvinowise X cells: none; the Thread Reader App fragment: unknown) are
// read from the fixture set beside it, ../shared/fixtures, named by their
// case's source.txt; every other capture is in testdata with its
// provenance. A missing one fails its test, so a golden never goes
// unchecked by accident; UNSPOOL_FIXTURES_ABSENT=1 says the set is
// knowingly absent, and then its cases are skipped (./build.sh test counts
// them, wasm/test does the same).
const fixturesAbsentEnv = "UNSPOOL_FIXTURES_ABSENT"

// readFixture reads path, a file of the fixture set. Missing, it fails the
// test, or returns why to skip it when the set is declared absent.
func readFixture(t testing.TB, path string) (b []byte, skip string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err == nil {
		return b, ""
	}
	if os.Getenv(fixturesAbsentEnv) == "" {
		t.Fatalf("%v\nthis case reads the fixture set beside the repository (its licence forbids a copy): "+
			"put ../shared/fixtures there, or set %s=1 to test without it (its cases are then skipped)", err, fixturesAbsentEnv)
	}
	return nil, fmt.Sprintf("not checked: %s is absent (%s=1)", path, fixturesAbsentEnv)
}

// fatalRecorder stands in for a test to see what readFixture does to it.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A missing capture fails its test unless the set is declared absent; only
// then is it skipped.
func TestReadFixture_MissingFailsUnlessDeclaredAbsent(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone.html")
	read := func() (rec *fatalRecorder, skip string) {
		rec = &fatalRecorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, skip = readFixture(rec, missing)
		}()
		<-done
		return rec, skip
	}
	t.Setenv(fixturesAbsentEnv, "")
	if rec, skip := read(); !strings.Contains(rec.fatal, fixturesAbsentEnv) || skip != "" {
		t.Errorf("set not declared absent: fatal %q, skip %q", rec.fatal, skip)
	}
	t.Setenv(fixturesAbsentEnv, "1")
	if rec, skip := read(); rec.fatal != "" || !strings.Contains(skip, "not checked") {
		t.Errorf("set declared absent: fatal %q, skip %q", rec.fatal, skip)
	}
	present := filepath.Join(t.TempDir(), "here.html")
	if err := os.WriteFile(present, []byte("page"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, skip := readFixture(t, present); string(b) != "page" || skip != "" {
		t.Errorf("present: %q, skip %q", b, skip)
	}
}
