package main

import (
	"os"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"testing"
)

// TestGeneratedIsCurrent fails when style.css was edited without running
// `go generate ./shared/render`, so the committed css_gen.go (what the
// renderer and the WASM embed) always matches the stylesheet.
func TestGeneratedIsCurrent(t *testing.T) {
	src, err := os.ReadFile("../../style.css")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../css_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("css_gen.go is stale: run `go generate ./shared/render` and commit it")
	}
}

func TestMinifies(t *testing.T) {
	out, err := generate([]byte(".unspool  a { color : #ffffff ; }\n/* gone */"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `const CSS = ".unspool a{color:#fff}"`; !strings.Contains(string(out), want) {
		t.Errorf("generated:\n%s\nwant a line %s", out, want)
	}
}

// TestMinifiedIsStable: minifying the minified CSS again changes nothing, so
// a server that minifies whole share pages keeps the stylesheet
// byte for byte and the CSP hash (render.CSSHash) still matches it.
func TestMinifiedIsStable(t *testing.T) {
	src, err := os.ReadFile("../../style.css")
	if err != nil {
		t.Fatal(err)
	}
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	once, err := m.Bytes("text/css", src)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := m.Bytes("text/css", once)
	if err != nil {
		t.Fatal(err)
	}
	if string(once) != string(twice) {
		t.Errorf("minifying twice changes the CSS:\n%s\n%s", once, twice)
	}
}
