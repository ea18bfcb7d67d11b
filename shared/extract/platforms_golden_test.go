package extract

// Golden cases for the non-X sources, in the style of Mozilla Readability's
// test pages: testdata/<source>/<case>/ holds the captured content
// (source.html or source.json, or source.txt naming a file under
// ../shared/fixtures when its licence does not allow a copy), url.txt with the
// page URL, and expected.json with the Thread. `go test -run
// TestPlatformGoldens -update` rewrites expected.json from what the
// extractors produce; review the diff before committing it.
//
// Kept apart from the X goldens' file so both can grow at once; the walker is
// general (it takes a source folder) and can serve every source.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"unspool/shared/thread"
)

// platGoldenSources are the testdata folders this file walks.
var platGoldenSources = []string{"bluesky", "mastodon", "threads", "nitter", "twitter-legacy", "threadreaderapp"}

// platGoldenNow pins CapturedAt so expected.json is stable.
var platGoldenNow = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

func init() {
	// The X goldens may define -update too; define it only once.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden expected.json files")
	}
}

func platUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// platGoldenCase is one case folder, loaded.
type platGoldenCase struct {
	Dir     string
	URL     string
	Content []byte
}

// platLoadCase reads a case folder; ok is false (with the reason) when its
// source lives outside the repository and is absent on this machine.
func platLoadCase(t testing.TB, dir string) (c platGoldenCase, skip string) {
	t.Helper()
	c.Dir = dir
	u, err := os.ReadFile(filepath.Join(dir, "url.txt"))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	c.URL = strings.TrimSpace(string(u))
	for _, name := range []string{"source.html", "source.json"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			c.Content = b
			return c, ""
		}
	}
	ref, err := os.ReadFile(filepath.Join(dir, "source.txt"))
	if err != nil {
		t.Fatalf("%s: no source.html, source.json or source.txt", dir)
	}
	rel := strings.TrimSpace(strings.SplitN(string(ref), "\n", 2)[0])
	path := filepath.Join(platRepoRoot(t), rel)
	b, err := os.ReadFile(path)
	if err != nil {
		return c, "fixture " + rel + " is not on this machine (" + err.Error() + ")"
	}
	c.Content = b
	return c, ""
}

// platRepoRoot is the folder holding go.mod.
func platRepoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test")
		}
		dir = parent
	}
}

// platFixture reads a file of ../shared/fixtures, skipping the test when the
// folder is absent.
func platFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(platRepoRoot(t), "..", "shared", "fixtures", rel))
	if err != nil {
		t.Skipf("fixture %s is not on this machine: %v", rel, err)
	}
	return b
}

func platMarshal(t testing.TB, th *thread.Thread) []byte {
	t.Helper()
	b, err := json.MarshalIndent(th, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestPlatformGoldens(t *testing.T) {
	for _, source := range platGoldenSources {
		dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
		for _, dir := range dirs {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				continue
			}
			t.Run(source+"/"+filepath.Base(dir), func(t *testing.T) {
				c, skip := platLoadCase(t, dir)
				if skip != "" {
					t.Skip(skip)
				}
				th, err := Options{Now: platGoldenNow}.Extract(c.URL, c.Content)
				if wantErr, rerr := os.ReadFile(filepath.Join(dir, "expected-error.txt")); rerr == nil {
					// A case whose right outcome is a clear error: its code
					// and message, one a line.
					got := thread.ErrorCode(err) + "\n" + fmt.Sprint(err) + "\n"
					if err == nil {
						got = "no error\n"
					}
					if platUpdate() {
						_ = os.WriteFile(filepath.Join(dir, "expected-error.txt"), []byte(got), 0o644)
					} else if string(wantErr) != got {
						t.Errorf("error = %q, want %q", got, wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("Extract(%s): %v", c.URL, err)
				}
				got := platMarshal(t, th)
				want := filepath.Join(dir, "expected.json")
				if platUpdate() {
					if err := os.WriteFile(want, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				exp, err := os.ReadFile(want)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if string(exp) != string(got) {
					t.Errorf("%s differs from the extraction (-want +got):\n%s", want, platLineDiff(string(exp), string(got)))
				}
			})
		}
	}
}

// platLineDiff is a small readable diff: the differing lines with their
// numbers, enough to see what changed in a JSON document.
func platLineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	shown := 0
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x == y {
			continue
		}
		if shown++; shown > 40 {
			out.WriteString("…\n")
			break
		}
		out.WriteString("line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y + "\n")
	}
	return out.String()
}
