//go:build !js

package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"unspool/server/library"
	"unspool/server/store"
)

// A page keeps the policy it was published with: the header names the hash
// of the stylesheet inside the stored page, and a later deploy may ship
// another stylesheet (and another current policy) while old pages remain.
func TestSharePageKeepsItsCSP(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := library.Auth{LibraryID: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Key: "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA"}
	if _, err := st.CreateLibrary(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	page := &library.SharePage{Platform: "x", ThreadID: "1", ThreadURL: "https://x.com/a/status/1", Title: "A",
		Bodies: map[string][]byte{"html": []byte("<p>old</p>"), "md": []byte("old"), "txt": []byte("old"), "json": []byte("{}")},
		ETag:   "e1", CSP: "default-src 'none'; style-src 'sha256-old'"}
	sh, created, err := st.PublishShare(ctx, a, func() (*library.SharePage, error) { return page, nil })
	if err != nil || !created {
		t.Fatalf("publish: %v created=%v", err, created)
	}
	got, err := st.SharePageBody(ctx, sh.Slug, library.PageHTML)
	if err != nil {
		t.Fatal(err)
	}
	if got.CSP != page.CSP || string(got.Body) != "<p>old</p>" || got.ETag != `"e1-html"` {
		t.Errorf("read back %+v", got)
	}
	// Republishing replaces the page and its policy together.
	page.CSP, page.ETag, page.Bodies["html"] = "default-src 'none'; style-src 'sha256-new'", "e2", []byte("<p>new</p>")
	sh2, created, err := st.PublishShare(ctx, a, func() (*library.SharePage, error) { return page, nil })
	if err != nil || created || sh2.Slug != sh.Slug {
		t.Fatalf("republish: %v created=%v slug %s/%s", err, created, sh2.Slug, sh.Slug)
	}
	got, _ = st.SharePageBody(ctx, sh.Slug, library.PageHTML)
	if got.CSP != page.CSP || string(got.Body) != "<p>new</p>" {
		t.Errorf("after republish %+v", got)
	}
}
