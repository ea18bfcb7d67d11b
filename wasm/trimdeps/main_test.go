package main

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// A made package with every kind of use trimdeps meets in goquery and
// templ: a function and a method taking net/http types, a struct with an
// http field and its other methods, a function calling a cut one, a
// grouped var, an http.Flusher check, an html/template use, and code that must stay untouched.
var madePackage = map[string]string{
	"doc.go": `package made

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
)

// Fetch is cut: it calls net/http.
func Fetch(url string) error {
	_, err := http.Get(url)
	return err
}

// FetchAll is cut: it calls Fetch.
func FetchAll(urls []string) error {
	for _, u := range urls {
		if err := Fetch(u); err != nil {
			return errors.New("fetch: " + err.Error())
		}
	}
	return nil
}

// Bridge is cut: html/template is cut too.
func Bridge(h template.HTML) string { return string(h) }

// Upper stays.
func Upper(s string) string { return strings.ToUpper(s) }
`,
	"handler.go": `package made

import (
	"io"
	"net/http"
)

var (
	// Default is cut with its type.
	Default = Middleware{}
	// Name stays.
	Name = "made"
)

// Middleware is cut: it holds an http.Handler.
type Middleware struct{ Next http.Handler }

func (m Middleware) Path() string { return "/" }

// Writer stays, and its flush check keeps working.
type Writer struct{ W io.Writer }

func (w Writer) Flush() {
	if f, ok := w.W.(http.Flusher); ok {
		f.Flush()
	}
}
`,
}

func TestCutUsesRemovesNetHTTPAndWhatNeedsIt(t *testing.T) {
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for name, src := range madePackage {
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	cutUses(files)
	var all strings.Builder
	for name, f := range files {
		var b bytes.Buffer
		if err := format.Node(&b, fset, f); err != nil {
			t.Fatal(err)
		}
		// What was written must parse again.
		if _, err := parser.ParseFile(token.NewFileSet(), name, b.Bytes(), 0); err != nil {
			t.Fatalf("%s does not parse after trimming: %v\n%s", name, err, b.String())
		}
		all.WriteString(b.String())
	}
	out := all.String()
	for _, gone := range []string{`"net/http"`, "http.", "func Fetch(", "func FetchAll(", "template", "func Bridge(", "type Middleware", "func (m Middleware)", "Default =", `"errors"`, "is cut"} {
		if strings.Contains(out, gone) {
			t.Errorf("%q is still there:\n%s", gone, out)
		}
	}
	for _, kept := range []string{`"strings"`, `"io"`, "func Upper(", `Name = "made"`, "type Writer", "interface {\n\t\tFlush()\n\t}", "Upper stays"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q was lost:\n%s", kept, out)
		}
	}
}
