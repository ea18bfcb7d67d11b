// Package docs_test checks the project's documents against the tree, so a
// file or heading that moves cannot leave a dead link behind, and a verb
// the documents name is one ./build.sh has:
//   - every relative link and image in README.md and docs/*.md names a file
//     of the repository (tracked, or new and not ignored) and, with a
//     #fragment into a Markdown file, one of its headings;
//   - every `./build.sh <verb>` they name is a verb of build.sh, and every
//     verb has the one-line description `./build.sh help` prints;
//   - none holds a merge's conflict markers (git merges prose as text, and
//     a marker committed by mistake reads as part of the page).
//
// Absolute URLs are not fetched: tests never reach the network.
package docs_test

import (
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var (
	// An inline link or image: [text](dest) or [text](dest "title"), dest
	// possibly in <angle brackets>. Link text may hold one level of
	// brackets (an image inside a link).
	inlineLink = regexp.MustCompile(`!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+"[^"]*")?\s*\)`)
	// A reference definition: [label]: dest
	refDef = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*(\S+)`)
	// src= and href= of raw HTML (<img>, <a>).
	htmlAttr = regexp.MustCompile(`\b(?:src|href)="([^"]*)"`)
	// A scheme (https:, mailto:, chrome:, about:): not a file of the tree.
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	// An inline code span, taken out before links are looked for.
	codeSpan = regexp.MustCompile("`+[^`]*`+")
	// A line git writes around the two sides of a conflict.
	conflictMarker = regexp.MustCompile(`(?m)^(<{7} |={7}$|>{7} )`)
	// An ATX heading, whose text GitHub turns into an anchor.
	heading = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	// What GitHub drops from heading text when it makes an anchor: all
	// but letters, marks, digits, connector punctuation, spaces and '-'.
	notInAnchor = regexp.MustCompile(`[^\p{L}\p{M}\p{N}\p{Pc} -]`)
	// A verb named in prose or in a command line.
	buildVerb = regexp.MustCompile(`\./build\.sh\s+([a-z][a-z0-9-]*)`)
	// One arm of build.sh's dispatch: "verb) … ;; # what it does", the
	// shape usage() in build.sh reads; anyArm is any other arm but "*)".
	dispatchArm = regexp.MustCompile(`^([a-z][a-z0-9-]*)\)\s.*?;;\s*(?:#\s*(.*))?$`)
	anyArm      = regexp.MustCompile(`^[^\s#*][^)]*\)`)
)

const root = ".."

// documents are the files whose links are checked, relative to the root.
func documents(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, d := range docs {
		out = append(out, filepath.ToSlash(must(filepath.Rel(root, d))))
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// link is one relative link of a document.
type link struct {
	line   int
	target string // as written
}

// links returns the relative links of a Markdown text, outside fenced code
// blocks and code spans.
func links(text string) []link {
	var out []link
	fenced := false
	for i, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		line = codeSpan.ReplaceAllString(line, "")
		dests := inlineDests(line)
		if m := refDef.FindStringSubmatch(line); m != nil {
			dests = append(dests, strings.Trim(m[1], "<>"))
		}
		for _, m := range htmlAttr.FindAllStringSubmatch(line, -1) {
			dests = append(dests, m[1])
		}
		for _, d := range dests {
			if d != "" && !scheme.MatchString(d) && !strings.HasPrefix(d, "//") {
				out = append(out, link{line: i + 1, target: d})
			}
		}
	}
	return out
}

// inlineDests returns the destinations of the inline links and images of
// a line, those inside a link's text (a linked image) included.
func inlineDests(line string) []string {
	var out []string
	for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
		out = append(out, inlineDests(m[1])...)
		out = append(out, strings.Trim(m[2], "<>"))
	}
	return out
}

// anchors returns the anchors GitHub gives the headings of a Markdown text
// (a repeated heading gets -1, -2, …).
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		m := heading.FindStringSubmatch(line)
		if fenced || m == nil {
			continue
		}
		// A link in a heading reads as its text.
		h := inlineLink.ReplaceAllString(m[1], "$1")
		a := strings.ReplaceAll(notInAnchor.ReplaceAllString(strings.ToLower(h), ""), " ", "-")
		if n := seen[a]; n > 0 {
			out[a+"-"+strconv.Itoa(n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	return out
}

// repoFiles is what a clone has: tracked files plus new ones not ignored
// (so a document and the picture it shows can be checked before their
// commit). Without git (an unpacked archive), whatever is on disk.
func repoFiles(t *testing.T) func(p string) bool {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Logf("git ls-files failed (%v): checking against the files on disk", err)
		return func(p string) bool { _, err := os.Stat(filepath.Join(root, p)); return err == nil }
	}
	files := map[string]bool{}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			continue // deleted in the work tree, not yet committed
		}
		files[f] = true
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			files[d] = true
		}
	}
	return func(p string) bool { return p == "." || files[p] }
}

// checkLinks returns one message per link of doc (a path relative to the
// root, text its content) that does not resolve.
func checkLinks(doc, text string, exists func(string) bool, read func(string) (string, error)) []string {
	var bad []string
	for _, l := range links(text) {
		target, frag, _ := strings.Cut(l.target, "#")
		target, _, _ = strings.Cut(target, "?")
		p := doc
		if target != "" {
			p = path.Clean(path.Join(path.Dir(doc), target))
		}
		where := doc + ":" + strconv.Itoa(l.line) + ": " + l.target
		if strings.HasPrefix(p, "../") || p == ".." || strings.HasPrefix(target, "/") {
			bad = append(bad, where+": outside the repository")
			continue
		}
		if !exists(p) {
			bad = append(bad, where+": no such file in the repository")
			continue
		}
		if frag == "" || !strings.HasSuffix(p, ".md") {
			continue
		}
		body, err := read(p)
		if err != nil {
			bad = append(bad, where+": "+err.Error())
		} else if !anchors(body)[strings.ToLower(frag)] {
			bad = append(bad, where+": no heading #"+frag+" in "+p)
		}
	}
	return bad
}

func readRoot(p string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, p))
	return string(b), err
}

func TestLinksResolve(t *testing.T) {
	exists := repoFiles(t)
	for _, doc := range documents(t) {
		text, err := readRoot(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range checkLinks(doc, text, exists, readRoot) {
			t.Error(msg)
		}
	}
}

func TestNoConflictMarkers(t *testing.T) {
	for _, doc := range documents(t) {
		text, err := readRoot(doc)
		if err != nil {
			t.Fatal(err)
		}
		if loc := conflictMarker.FindStringIndex(text); loc != nil {
			t.Errorf("%s:%d: a merge's conflict marker", doc, strings.Count(text[:loc[0]], "\n")+1)
		}
	}
}

// The checker itself: each kind of dead link is caught, and what is not a
// link of the tree is left alone.
func TestCheckLinksFindsDeadLinks(t *testing.T) {
	files := map[string]string{
		"README.md":     "# Unspool\n## The data path\n",
		"docs/a.md":     "# A\n## Two words: `code` and (more)\n## Dup\n## Dup\n",
		"docs/pic.png":  "",
		"shared/doc.go": "",
	}
	exists := func(p string) bool {
		if _, ok := files[p]; ok {
			return true
		}
		for f := range files {
			if strings.HasPrefix(f, p+"/") {
				return true
			}
		}
		return false
	}
	read := func(p string) (string, error) { return files[p], nil }
	doc := strings.Join([]string{
		"[ok](a.md) ![ok](pic.png) [ok](../shared/) [ok](../README.md#the-data-path) [ok](#dup-1)",
		"[ok](a.md#two-words-code-and-more) [ok](<a.md>) [ok](a.md \"title\") [![x](pic.png)](a.md) [![x](lost.png)](a.md)",
		"[web](https://example.com/x.md) [mail](mailto:a@b.c) `[code](nowhere.md)`",
		"```", "[fenced](nowhere.md)", "```",
		"[missing](b.md)",
		"![missing](pics/x.png)",
		"[bad anchor](a.md#three)",
		"[outside](../../etc/passwd)",
		`<img src="gone.png">`,
		"[ref]: ../nope/",
	}, "\n")
	got := checkLinks("docs/a.md", doc, exists, read)
	want := []string{"lost.png", "b.md", "pics/x.png", "a.md#three", "../../etc/passwd", "gone.png", "../nope/"}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(got[i], ": "+w+": ") {
			t.Errorf("problem %d = %q, want one about %s", i, got[i], w)
		}
	}
}

// verbs returns build.sh's verbs and their help lines, from its dispatch.
func verbs(t *testing.T) map[string]string {
	t.Helper()
	text, err := readRoot("build.sh")
	if err != nil {
		t.Fatal(err)
	}
	_, dispatch, ok := strings.Cut(text, "\ncase \"${1:-}\" in\n")
	if !ok {
		t.Fatal(`build.sh: no dispatch (case "${1:-}" in)`)
	}
	dispatch, _, _ = strings.Cut(dispatch, "\nesac")
	out := map[string]string{}
	for _, line := range strings.Split(dispatch, "\n") {
		if m := dispatchArm.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		} else if anyArm.MatchString(line) {
			t.Errorf("build.sh: %q: a verb ./build.sh help cannot list (write it as: verb) command ;; # what it does)", line)
		}
	}
	return out
}

func TestBuildVerbs(t *testing.T) {
	vs := verbs(t)
	for _, v := range []string{"run", "test", "help"} {
		if _, ok := vs[v]; !ok {
			t.Errorf("build.sh has no %q verb (found %v)", v, slices.Sorted(maps.Keys(vs)))
		}
	}
	for v, help := range vs {
		if strings.TrimSpace(help) == "" {
			t.Errorf("build.sh verb %q has no description after ;; # (./build.sh help prints it)", v)
		}
	}
	for _, doc := range documents(t) {
		text, err := readRoot(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(text, "\n") {
			for _, m := range buildVerb.FindAllStringSubmatch(line, -1) {
				if _, ok := vs[m[1]]; !ok {
					t.Errorf("%s:%d: ./build.sh %s: build.sh has no such verb", doc, i+1, m[1])
				}
			}
		}
	}
}
