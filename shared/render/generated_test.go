//go:build !js

package render_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplGeneratedIsCurrent regenerates the templ components into a
// temporary folder and compares them with the committed *_templ.go, so a
// .templ edit committed without `go tool templ generate` fails here (go test
// on a fresh clone compiles the committed files, not the .templ ones).
func TestTemplGeneratedIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the templ generator")
	}
	sources, _ := filepath.Glob("*.templ")
	if len(sources) == 0 {
		t.Fatal("no .templ files")
	}
	// build.sh generates with -path shared, and templ records paths relative
	// to it (render/reader.templ) in the output: mirror that layout.
	root := t.TempDir()
	dir := filepath.Join(root, "render")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, src), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "tool", "templ", "generate", "-path", root)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(dir, gen))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(gen)
		if err != nil {
			t.Fatalf("%v: run `go tool templ generate -path shared`", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is stale: run `go tool templ generate -path shared` and commit it", gen)
		}
	}
}

// TestWASMLinksNoMinifier keeps tdewolff/minify out of the WASM: the CSS is
// minified at build time (internal/cssgen), and the minifier would add about
// 0.35 MB gzipped to every extension install.
func TestWASMLinksNoMinifier(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-deps", "unspool/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := string(out)
	if !strings.Contains(deps, "unspool/shared/render\n") {
		t.Fatalf("unspool/wasm does not depend on shared/render; the check would prove nothing:\n%s", deps)
	}
	for _, line := range strings.Split(deps, "\n") {
		if strings.Contains(line, "tdewolff") {
			t.Errorf("the WASM links %s", line)
		}
	}
}
