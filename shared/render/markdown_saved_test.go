package render_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"unspool/shared/render"
	"unspool/shared/thread"
)

// frontMatterLine is what every front-matter line of a saved thread must
// look like: a key and a quoted string, a list of them, a number or a
// boolean — a value from a record can never be read as YAML syntax, a date
// type or a new key.
var frontMatterLine = regexp.MustCompile(`^[a-z]+: ("|\[("|\])|\d+$|true$|false$)`)

func TestWriteSavedMarkdown_LibraryFieldsInTheFrontMatter(t *testing.T) {
	b, err := os.ReadFile("testdata/made/x-search-rebuild/thread.json")
	if err != nil {
		t.Fatal(err)
	}
	var th thread.Thread
	if err := json.Unmarshal(b, &th); err != nil {
		t.Fatal(err)
	}
	var plain, saved strings.Builder
	if err := render.WriteMarkdown(&plain, &th); err != nil {
		t.Fatal(err)
	}
	s := render.Saved{SavedAt: "x\nevil: 1", Tags: []string{"a: b", "---"}, Note: "line\n---\nkey: value"}
	if err := render.WriteSavedMarkdown(&saved, &th, s); err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(strings.TrimPrefix(saved.String(), "---\n"), "\n---\n")
	if !ok {
		t.Fatalf("no front matter:\n%s", saved.String())
	}
	for _, line := range strings.Split(head, "\n") {
		if !frontMatterLine.MatchString(line) {
			t.Errorf("front matter line %q is not a key with a quoted, list, number or boolean value", line)
		}
	}
	for _, want := range []string{
		`handle: "@` + th.Author.Handle + `"`,
		`id: "` + th.ID + `"`,
		`saved: "x\nevil: 1"`,
		`tags: ["a: b", "---"]`,
		`note: "line\n---\nkey: value"`,
	} {
		if !strings.Contains(head, want) {
			t.Errorf("front matter lacks %s:\n%s", want, head)
		}
	}
	// The same document otherwise: the thread's own front matter, then the body.
	_, plainBody, _ := strings.Cut(strings.TrimPrefix(plain.String(), "---\n"), "\n---\n")
	if body != plainBody {
		t.Error("the saved thread's Markdown body differs from WriteMarkdown's")
	}
	if plainHead, _, _ := strings.Cut(strings.TrimPrefix(plain.String(), "---\n"), "\n---\n"); !strings.HasPrefix(head, plainHead+"\n") {
		t.Errorf("the thread's own fields are not first:\n%s", head)
	}

	// No note: no note line; no tags: an empty list.
	saved.Reset()
	if err := render.WriteSavedMarkdown(&saved, &th, render.Saved{SavedAt: "2026-01-01T00:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(saved.String(), "\nnote:") || !strings.Contains(saved.String(), "\ntags: []\n") {
		t.Errorf("without tags or note:\n%s", saved.String())
	}
}

func TestTitle(t *testing.T) {
	th := &thread.Thread{Posts: []thread.Post{{Text: ""}, {Text: "\n\n  First   line of the   second post\nsecond line"}}}
	for _, c := range []struct {
		max  int
		want string
	}{
		{200, "First line of the second post"},
		{10, "First lin…"},
	} {
		if got := render.Title(th, c.max); got != c.want {
			t.Errorf("Title(%d) = %q, want %q", c.max, got, c.want)
		}
	}
	if got := render.Title(&thread.Thread{}, 60); got != "" {
		t.Errorf("Title of a thread without text = %q", got)
	}
}
