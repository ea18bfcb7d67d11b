package extract

// Golden cases for the non-X sources, walked the way TestXGoldens walks the
// X ones and with its helpers (xLoadCase, xRunCase, xMarshal, xLineDiff,
// -update): testdata/<source>/<case>/ holds the captured content
// (source.html or source.json, or source.txt naming a file under
// ../shared/fixtures whose licence does not allow a copy), url.txt with the
// page URL, and expected.json with the Thread — or expected-error.txt (code
// and message, one a line) when the right outcome is a clear error.
//
//	go test ./shared/extract -run 'TestPlatformGoldens'                         every case
//	go test ./shared/extract -run 'TestPlatformGoldens/mastodon/made-hostile-content$'   one case
//	go test ./shared/extract -run 'TestPlatformGoldens' -update                 rewrite the goldens (review the diff!)
//
// Each source's own test pins by hand what its self-threads must be
// (wantChain), so a wrong golden written by -update cannot hide a bug.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/thread"
)

// goldenSources are the testdata folders of the non-X sources.
var goldenSources = []string{"bluesky", "mastodon", "misskey", "threads", "nitter", "twitter-legacy", "threadreaderapp"}

// goldenNow pins CapturedAt, as in the X goldens.
var goldenNow = xGoldenNow

func TestPlatformGoldens(t *testing.T) {
	for _, source := range goldenSources {
		dirs, _ := filepath.Glob(filepath.Join("testdata", source, "*"))
		for _, dir := range dirs {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				continue
			}
			t.Run(source+"/"+filepath.Base(dir), func(t *testing.T) {
				c, skip := xLoadCase(t, source, dir)
				if skip != "" {
					t.Skip(skip)
				}
				th, err := xRunCase(c)
				if wantErr, rerr := os.ReadFile(filepath.Join(dir, "expected-error.txt")); rerr == nil {
					got := "no error\n"
					if err != nil {
						got = thread.ErrorCode(err) + "\n" + err.Error() + "\n"
					}
					if xUpdate() {
						if err := os.WriteFile(filepath.Join(dir, "expected-error.txt"), []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
					} else if string(wantErr) != got {
						t.Errorf("error = %q, want %q", got, wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("Extract(%s): %v", c.URL, err)
				}
				checkInvariants(t, th)
				got := xMarshal(t, th)
				want := filepath.Join(dir, "expected.json")
				if xUpdate() {
					if err := os.WriteFile(want, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				exp, err := os.ReadFile(want)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(exp, got) {
					t.Errorf("%s differs from the extraction (- expected, + got):\n%s", want, xLineDiff(string(exp), string(got)))
				}
			})
		}
	}
}

// checkInvariants holds for every thread any extractor returns. It does not
// require ReplyTo (xCheckInvariants does): DOM and mirror sources do not say
// which post a reply answers.
func checkInvariants(t testing.TB, th *thread.Thread) {
	t.Helper()
	if err := th.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if th.Complete != (len(th.Gaps) == 0) {
		t.Errorf("complete = %v but gaps = %q", th.Complete, th.Gaps)
	}
	focal := false
	for i, p := range th.Posts {
		if p.Author != nil && !strings.EqualFold(p.Author.Handle, th.Author.Handle) {
			t.Errorf("post %d (%s) is by %s, not the thread's author %s", i+1, p.ID, p.Author.Handle, th.Author.Handle)
		}
		if i > 0 && p.CreatedAt.Before(th.Posts[i-1].CreatedAt) {
			t.Errorf("post %d (%s) is older than post %d: out of order", i+1, p.ID, i)
		}
		if p.Text != thread.PlainText(p.Content) {
			t.Errorf("post %d: text %q is not the plain form of its runs", i+1, p.Text)
		}
		focal = focal || p.ID == th.FocalID
	}
	if !focal {
		t.Errorf("the focal post %s is not in the thread", th.FocalID)
	}
	if th.ID != th.Posts[0].ID {
		t.Errorf("thread id %s is not its first post's", th.ID)
	}
	scriptFree(t, th)
}

// loadCase reads one of this file's case folders.
func loadCase(t testing.TB, dir string) (xCase, string) {
	t.Helper()
	return xLoadCase(t, filepath.Base(filepath.Dir(dir)), dir)
}

// sourceFixture reads a file of ../shared/fixtures (see readFixture).
func sourceFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, skip := readFixture(t, filepath.Join(xRepoRoot(t), "..", "shared", "fixtures", rel))
	if skip != "" {
		t.Skip(skip)
	}
	return b
}
