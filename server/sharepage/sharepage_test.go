package sharepage_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"unspool/server/library"
	"unspool/server/sharepage"
	"unspool/shared/render"
	"unspool/shared/thread"
)

func load(t *testing.T) *thread.Thread {
	t.Helper()
	b, err := os.ReadFile("../../shared/extract/testdata/x-dom/made-selfthread-25/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		t.Fatal(err)
	}
	return &th
}

func TestBuild(t *testing.T) {
	th := load(t)
	p, err := sharepage.Build(th, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range library.PageFormats {
		if len(p.Bodies[f]) == 0 {
			t.Errorf("no %s body", f)
		}
	}
	page := string(p.Bodies[library.PageHTML])
	// The CSP allows the stylesheet by the hash of its bytes: minify must
	// leave them exactly as generated, and the page's own policy must be ours.
	if !strings.Contains(page, "<style>"+render.CSS+"</style>") {
		t.Error("the inlined stylesheet changed in minification")
	}
	if !strings.Contains(page, `content="`+sharepage.CSP+`"`) {
		t.Error("the page's CSP meta is not sharepage.CSP")
	}
	if !strings.HasPrefix(sharepage.HeaderCSP, sharepage.CSP) || strings.Contains(sharepage.CSP, "frame-ancestors") {
		t.Error("the meta policy must not carry frame-ancestors (browsers ignore it there and complain)")
	}
	if !strings.Contains(page, `name=robots content="noindex, nofollow"`) {
		t.Error("not noindex by default")
	}
	unmin, err := sharepage.Unminified(th, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) >= len(unmin) {
		t.Errorf("minified %d B, unminified %d B", len(page), len(unmin))
	}
	// The target: a 25-post thread's page within 30 KB of HTML+CSS.
	if len(page) > 30_000 {
		t.Errorf("page is %d B, over the 30 KB target", len(page))
	}

	// Indexable drops noindex; different content, different ETag; the same
	// content, the same ETag.
	pi, err := sharepage.Build(th, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(pi.Bodies[library.PageHTML]), "noindex") || pi.ETag == p.ETag {
		t.Error("indexable page still noindex, or its ETag did not change")
	}
	again, _ := sharepage.Build(th, false)
	if again.ETag != p.ETag || !bytes.Equal(again.Bodies[library.PageHTML], p.Bodies[library.PageHTML]) {
		t.Error("building the same share twice gave different pages")
	}
}

func TestBuildRefusesInvalid(t *testing.T) {
	th := load(t)
	th.URL = "javascript:alert(1)"
	if _, err := sharepage.Build(th, false); thread.ErrorCode(err) != thread.EINVALID {
		t.Errorf("Build of a thread with a javascript: URL: %v", err)
	}
}

// The minifier is for the server only: the extension's WASM must not link
// it (it would add to every extension install for nothing).
func TestWASMDoesNotLinkMinify(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", "unspool/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if !strings.Contains(string(out), "unspool/shared/render\n") {
		t.Fatal("the WASM does not link shared/render: this check would prove nothing")
	}
	for _, pkg := range []string{"github.com/tdewolff/minify", "unspool/server/"} {
		if strings.Contains(string(out), pkg) {
			t.Errorf("the WASM links %s", pkg)
		}
	}
}

// BenchmarkBuild is what rendering per view would cost instead of once at
// publish time (natively, and under GOOS=js GOARCH=wasm as on Workers).
func BenchmarkBuild(b *testing.B) {
	b.StopTimer()
	data, err := os.ReadFile("../../shared/extract/testdata/x-dom/made-selfthread-25/expected.json")
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	for b.Loop() {
		// Decoding is part of it: a per-view render would read the stored JSON.
		var th thread.Thread
		if err := json.Unmarshal(data, &th); err != nil {
			b.Fatal(err)
		}
		if _, err := sharepage.Build(&th, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	b.StopTimer()
	data, _ := os.ReadFile("../../shared/extract/testdata/x-dom/made-selfthread-25/expected.json")
	var th thread.Thread
	if err := json.Unmarshal(data, &th); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	for b.Loop() {
		if _, err := sharepage.HTML(&th, false); err != nil {
			b.Fatal(err)
		}
	}
}
