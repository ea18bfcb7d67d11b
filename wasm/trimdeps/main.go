// Command trimdeps writes the copies of ./wasm's dependencies that
// unspool.wasm is built from: each third-party package that imports
// net/http or html/template, without the declarations that use them.
//
// Why: nothing in the WASM calls into net/http (the extension sends through
// fetch), yet importing it links its package state — crypto/tls, x509,
// math/big, the FIPS curves — about 436 KB of the gzipped module, and
// html/template another 41 KB (docs/benchmarks.md, "The WASM's size").
// goquery imports net/http only for its two deprecated URL/response
// constructors; templ for its HTTP handler, CSS middleware and one
// http.Flusher check, and html/template for its bridge to Go's templates.
// The copies are made from the module cache (checked against go.sum when it
// was filled), so they are the released code minus those declarations, and
// the build refuses to go on if either package is linked all the same.
//
// Usage (from the repository root; it lists the js/wasm build's packages):
//
//	go run ./wasm/trimdeps -out DIR
//
// writes DIR/<module>@<version>/… and DIR/wasm.mod (go.mod with a replace
// per trimmed module; DIR/wasm.sum beside it) for `go build -modfile`.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cutImports are the packages no trimmed copy may import.
var cutImports = []string{"net/http", "html/template"}

// importsCut says whether a package imports one of cutImports.
func importsCut(p pkg) bool {
	return slices.ContainsFunc(p.Imports, func(i string) bool { return slices.Contains(cutImports, i) })
}

// sameInterfaces are net/http's interfaces a dependency may only test a
// value against: such a use is kept, spelled as the method set itself,
// which is the same type for Go's assignability (templ asks whether its
// writer is an http.Flusher to flush early).
var sameInterfaces = map[string]string{
	"Flusher": "interface{ Flush() }",
}

type module struct{ Path, Version, Dir string }

type pkg struct {
	ImportPath, Dir string
	Standard        bool
	Imports         []string
	Module          *module
}

func main() {
	out := flag.String("out", "", "directory to write the copies and wasm.mod into")
	target := flag.String("pkg", "./wasm", "the package whose dependencies are trimmed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./wasm/trimdeps -out DIR [-pkg ./wasm]")
		os.Exit(2)
	}
	if err := run(*out, *target); err != nil {
		fmt.Fprintln(os.Stderr, "trimdeps:", err)
		os.Exit(1)
	}
}

func run(out, target string) error {
	deps, err := listDeps(target)
	if err != nil {
		return err
	}
	// Every package of a module that has one importing net/http is copied
	// (a replace swaps whole modules); only those importing it are edited.
	trimmed := map[string]*module{}
	for _, p := range deps {
		if p.Module != nil && importsCut(p) {
			if p.Module.Version == "" {
				return fmt.Errorf("%s (in this repository) imports one of %v: move that use out of %s's dependencies", p.ImportPath, cutImports, target)
			}
			trimmed[p.Module.Path] = p.Module
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	var replaces strings.Builder
	for _, p := range deps {
		m := p.Module
		if m == nil || trimmed[m.Path] == nil {
			continue
		}
		rel, err := filepath.Rel(m.Dir, p.Dir)
		if err != nil {
			return err
		}
		dst := filepath.Join(out, m.Path+"@"+m.Version)
		if err := copyPackage(p.Dir, filepath.Join(dst, rel), importsCut(p)); err != nil {
			return fmt.Errorf("%s: %w", p.ImportPath, err)
		}
	}
	for _, path := range slices.Sorted(maps.Keys(trimmed)) {
		m := trimmed[path]
		dst := filepath.Join(out, m.Path+"@"+m.Version)
		for _, f := range []string{"go.mod", "LICENSE", "LICENSE.md", "LICENSE.txt"} {
			if err := copyFile(filepath.Join(m.Dir, f), filepath.Join(dst, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		// Relative to the module root, as the build info records it: the
		// same checkout path gives the same bytes (docs/amo-source.md).
		rel, err := filepath.Rel(".", dst)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("-out %s must be inside the repository", out)
		}
		fmt.Fprintf(&replaces, "replace %s %s => ./%s\n", m.Path, m.Version, filepath.ToSlash(rel))
	}
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "wasm.mod"), append(mod, "\n"+replaces.String()...), 0o644); err != nil {
		return err
	}
	if err := copyFile("go.sum", filepath.Join(out, "wasm.sum")); err != nil {
		return err
	}
	// The proof: built from the copies, the package no longer links it.
	after, err := listDeps(target, "-modfile", filepath.Join(out, "wasm.mod"))
	if err != nil {
		return err
	}
	for _, p := range after {
		if slices.Contains(cutImports, p.ImportPath) {
			return fmt.Errorf("%s is still linked into %s after trimming", p.ImportPath, target)
		}
	}
	return nil
}

func listDeps(target string, flags ...string) ([]pkg, error) {
	args := append([]string{"list", "-deps", "-json=ImportPath,Dir,Standard,Imports,Module"}, flags...)
	cmd := exec.Command("go", append(args, target)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var deps []pkg
	for d := json.NewDecoder(bytes.NewReader(b)); ; {
		var p pkg
		if err := d.Decode(&p); err == io.EOF {
			return deps, nil
		} else if err != nil {
			return nil, err
		}
		if !p.Standard {
			deps = append(deps, p)
		}
	}
}

// copyPackage copies the package's files (not its tests, nor its
// subdirectories, which are other packages); with trim, its Go files lose
// what uses net/http.
func copyPackage(src, dst string, trim bool) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if !trim || !strings.HasSuffix(name, ".go") {
			if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
				return err
			}
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(src, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files[name] = f
	}
	cutUses(files)
	for name, f := range files {
		var b bytes.Buffer
		if err := format.Node(&b, fset, f); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cutUses removes from one package's files every top-level declaration that
// uses one of cutImports, then every one that uses a name so removed, until
// none does; then the imports nothing uses any more. Names are matched by
// spelling: a method or local named like a removed function goes too, which
// the build then reports rather than silently keeping net/http.
func cutUses(files map[string]*ast.File) {
	// cutName: per file, the names cutImports go by there.
	cutName := map[*ast.File]map[string]bool{}
	for _, f := range files {
		cutName[f] = map[string]bool{}
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); slices.Contains(cutImports, p) {
				cutName[f][importName(im)] = true
			}
		}
	}
	before := map[*ast.File]map[string]int{}
	for _, f := range files {
		before[f] = qualifierUses(f)
		keepSameInterfaces(f, httpNameIn(f))
	}
	cut := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			uses := func(n ast.Node) bool {
				found := false
				ast.Inspect(n, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.SelectorExpr:
						if x, ok := n.X.(*ast.Ident); ok && cutName[f][x.Name] {
							found = true
						}
						ast.Inspect(n.X, func(n ast.Node) bool { found = found || isCut(n, cut); return !found })
						return false
					case *ast.Ident:
						found = found || cut[n.Name]
					}
					return !found
				})
				return found
			}
			kept := f.Decls[:0]
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && uses(fn) {
					if fn.Recv == nil {
						cut[fn.Name.Name] = true
					}
					dropComments(f, fn)
					changed = true
					continue
				}
				if g, ok := d.(*ast.GenDecl); ok && g.Tok != token.IMPORT {
					whole := span{g.Pos(), g.End()}
					if g.Doc != nil {
						whole.from = g.Doc.Pos()
					}
					specs := g.Specs[:0]
					for _, s := range g.Specs {
						if uses(s) {
							for _, n := range specNames(s) {
								cut[n] = true
							}
							dropComments(f, s)
							changed = true
							continue
						}
						specs = append(specs, s)
					}
					g.Specs = specs
					if len(specs) == 0 {
						whole.dropComments(f)
						continue
					}
				}
				kept = append(kept, d)
			}
			f.Decls = kept
		}
	}
	for _, f := range files {
		now := qualifierUses(f)
		dropImports(f, func(name string) bool { return before[f][name] > 0 && now[name] == 0 })
	}
}

func isCut(n ast.Node, cut map[string]bool) bool {
	id, ok := n.(*ast.Ident)
	return ok && cut[id.Name]
}

// keepSameInterfaces rewrites http.Flusher (and the like) into the method
// set it names.
func keepSameInterfaces(f *ast.File, httpName string) {
	if httpName == "" {
		return
	}
	literal := map[string]ast.Expr{}
	for name, src := range sameInterfaces {
		e, err := parser.ParseExpr(src)
		if err != nil {
			panic(err)
		}
		literal[name] = e
	}
	rewrite := func(e ast.Expr) ast.Expr {
		if s, ok := e.(*ast.SelectorExpr); ok {
			if x, ok := s.X.(*ast.Ident); ok && x.Name == httpName && literal[s.Sel.Name] != nil {
				return literal[s.Sel.Name]
			}
		}
		return e
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if ta, ok := n.(*ast.TypeAssertExpr); ok && ta.Type != nil {
			ta.Type = rewrite(ta.Type)
		}
		return true
	})
}

// qualifierUses counts, per identifier, its uses as a package qualifier.
func qualifierUses(f *ast.File) map[string]int {
	n := map[string]int{}
	ast.Inspect(f, func(node ast.Node) bool {
		if s, ok := node.(*ast.SelectorExpr); ok {
			if x, ok := s.X.(*ast.Ident); ok {
				n[x.Name]++
			}
		}
		return true
	})
	return n
}

// dropImports removes the imports whose name unused says is no longer used.
func dropImports(f *ast.File, unused func(string) bool) {
	f.Decls = slices.DeleteFunc(f.Decls, func(d ast.Decl) bool {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			return false
		}
		g.Specs = slices.DeleteFunc(g.Specs, func(s ast.Spec) bool {
			return unused(importName(s.(*ast.ImportSpec)))
		})
		return len(g.Specs) == 0
	})
	f.Imports = slices.DeleteFunc(f.Imports, func(im *ast.ImportSpec) bool { return unused(importName(im)) })
}

// importName is the name a file uses for an import: its own, or the
// path's last element (right for every package this tool edits imports of;
// a wrong guess only leaves an unused import, which the build reports).
func importName(im *ast.ImportSpec) string {
	if im.Name != nil {
		return im.Name.Name
	}
	p, _ := strconv.Unquote(im.Path.Value)
	return p[strings.LastIndex(p, "/")+1:]
}

// httpNameIn is the name net/http goes by in f, "" where f does not
// import it.
func httpNameIn(f *ast.File) string {
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "net/http" {
			return importName(im)
		}
	}
	return ""
}

func specNames(s ast.Spec) []string {
	var names []string
	switch s := s.(type) {
	case *ast.TypeSpec:
		names = append(names, s.Name.Name)
	case *ast.ValueSpec:
		for _, n := range s.Names {
			names = append(names, n.Name)
		}
	}
	return names
}

// span is where a node was, its doc comment included.
type span struct{ from, to token.Pos }

// dropComments removes the comments inside n (and its doc comment), which
// the printer would otherwise leave where n was.
func dropComments(f *ast.File, n ast.Node) {
	s := span{n.Pos(), n.End()}
	var doc *ast.CommentGroup
	switch n := n.(type) {
	case *ast.FuncDecl:
		doc = n.Doc
	case *ast.TypeSpec:
		doc = n.Doc
	case *ast.ValueSpec:
		doc = n.Doc
	}
	if doc != nil {
		s.from = doc.Pos()
	}
	s.dropComments(f)
}

func (s span) dropComments(f *ast.File) {
	f.Comments = slices.DeleteFunc(f.Comments, func(c *ast.CommentGroup) bool { return c.Pos() >= s.from && c.End() <= s.to })
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
