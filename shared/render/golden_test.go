package render_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/shared/render"
	"unspool/shared/thread"
)

var update = flag.Bool("update", false, "rewrite the render goldens (testdata/*/*/expected.{html,md,txt})")

// goldenCase is one thread to render and the folder its goldens live in.
type goldenCase struct {
	name   string // "<source>/<case>"
	input  string // the thread JSON
	outDir string
}

// goldenCases finds every case by itself: the extraction goldens
// (../extract/testdata/<source>/<case>/expected.json, rendered into
// testdata/<source>/<case>/) and the threads made for the renderer
// (testdata/made/<case>/thread.json).
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	var cases []goldenCase
	extracted, _ := filepath.Glob("../extract/testdata/*/*/expected.json")
	for _, in := range extracted {
		dir := filepath.Dir(in)
		name := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
		cases = append(cases, goldenCase{name: name, input: in, outDir: filepath.Join("testdata", filepath.FromSlash(name))})
	}
	made, _ := filepath.Glob("testdata/made/*/thread.json")
	for _, in := range made {
		dir := filepath.Dir(in)
		cases = append(cases, goldenCase{name: "made/" + filepath.Base(dir), input: in, outDir: dir})
	}
	if len(made) == 0 {
		t.Fatal("no made threads under testdata/made")
	}
	return cases
}

func loadThread(t testing.TB, path string) *thread.Thread {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &th
}

// TestGoldens renders every case to HTML (the reader root, one block per
// line so diffs read), Markdown and text, and compares with the goldens.
// Every extraction golden must have render goldens: a missing one fails
// (run with -update to write it, then read it).
func TestGoldens(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			th := loadThread(t, c.input)
			opts := caseOptions(t, filepath.Dir(c.input))
			outputs := map[string]func(*bytes.Buffer) error{
				"expected.html": func(b *bytes.Buffer) error { return render.Reader(b, th, opts) },
				"expected.md":   func(b *bytes.Buffer) error { return render.WriteMarkdown(b, th) },
				"expected.txt":  func(b *bytes.Buffer) error { return render.WriteText(b, th) },
			}
			for file, write := range outputs {
				var b bytes.Buffer
				if err := write(&b); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				got := b.String()
				if file == "expected.html" {
					assertSafeHTML(t, got, false)
					got = blockLines(got)
				}
				compareGolden(t, filepath.Join(c.outDir, file), got)
			}
		})
	}
}

// caseOptions reads the reader options a made case renders with
// (options.json beside its thread.json; the defaults when there is none).
func caseOptions(t *testing.T, dir string) render.Options {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "options.json"))
	if os.IsNotExist(err) {
		return render.Options{}
	}
	if err != nil {
		t.Fatal(err)
	}
	o, err := render.ParseOptions(string(b))
	if err != nil {
		t.Fatalf("%s/options.json: %v", dir, err)
	}
	return o
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./shared/render -run TestGoldens -update` and read what it wrote)", err)
	}
	if d := lineDiff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, d)
	}
}

// blockTags start a new line in HTML goldens. Text never holds a raw "<", so
// splitting on these is safe.
var blockTags = []string{"<header", "<section", "<p", "<figure", "<figcaption", "<blockquote", "<details", "<ul", "<li", "<footer", "<div", "<a class=\"u-card\"", "</article"}

func blockLines(s string) string {
	for _, tag := range blockTags {
		s = strings.ReplaceAll(s, tag, "\n"+tag)
	}
	return strings.TrimPrefix(s, "\n") + "\n"
}

// lineDiff shows the first differing line with three lines around it, and
// the line counts: enough to see what changed without a diff library.
func lineDiff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (want %d lines, got %d)\n", i+1, len(w), len(g))
	for j := max(0, i-3); j < i; j++ {
		fmt.Fprintf(&b, "  %s\n", short(w[j]))
	}
	for j := i; j < min(len(w), i+3); j++ {
		fmt.Fprintf(&b, "- %s\n", short(w[j]))
	}
	for j := i; j < min(len(g), i+3); j++ {
		fmt.Fprintf(&b, "+ %s\n", short(g[j]))
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
