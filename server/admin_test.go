//go:build !js

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspool/server/store"
)

// The D1 statement docs/server.md gives Workers operators is the one the
// native command runs, so the two kill-switches cannot drift apart.
func TestDocsGiveTheTakeDownStatement(t *testing.T) {
	doc, err := os.ReadFile("../docs/server.md")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(store.TakeDownSQL, "?", "'SLUG'", 1)
	if !bytes.Contains(doc, []byte(`wrangler d1 execute DB_0 --remote --command "`+want+`"`)) {
		t.Errorf("docs/server.md does not give the takedown statement as\n%s", want)
	}
}

func TestAdminUnpublishRefusesWhatIsNotAShare(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "unspool.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out bytes.Buffer
	for _, args := range [][]string{
		nil,
		{"unpublish"},
		{"publish", "-data", dir, "AAAAAAAAAAAAAAAAAAAAAA"},
		{"unpublish", "-data", dir, "../etc/passwd"},
		{"unpublish", "-data", dir, "AAAAAAAAAAAAAAAAAAAAAA"},                        // no such share
		{"unpublish", "-data", filepath.Join(dir, "none"), "AAAAAAAAAAAAAAAAAAAAAA"}, // no database
	} {
		if err := runAdmin(args, &out); err == nil {
			t.Errorf("admin %q succeeded: %s", args, out.String())
		}
	}
}
