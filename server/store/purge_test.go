//go:build !js

package store

import (
	"context"
	"testing"
	"time"

	"unspool/server/library"
)

// growingShards opens dir over n shards with a GoneSeconds of 60 and a
// clock the test moves (every shard's).
func growingShards(t *testing.T, dir string, n int, skew *int64) *Sharded {
	t.Helper()
	s, errs, err := OpenShards(context.Background(), dir, n, Config{Limits: Limits{GoneSeconds: 60}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		st, _ := s.get(context.Background(), i)
		st.Now = func() int64 { return time.Now().UnixMilli() + *skew }
	}
	return s
}

// A moved library's pages leave forwards in the shard their addresses name.
// A forward whose page is unpublished — before the move (it was copied as a
// tombstone) or after it, or with its library's deletion — is purged when
// that page's 410 period ends, as the page's own tombstone is; the forward
// of a live page stays, and its address keeps working.
func TestForwardsOfUnpublishedPagesArePurged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	skew := new(int64)
	var ids []string
	for i := 5000; len(ids) < 2; i++ {
		if id := testID(i); ShardOf(id, 1) == 0 && ShardOf(id, 2) == 1 {
			ids = append(ids, id)
		}
	}
	a := library.Auth{LibraryID: ids[0], Key: testID(-1)}
	b := library.Auth{LibraryID: ids[1], Key: testID(-2)}
	s := growingShards(t, dir, 1, skew)
	slugs := map[string]string{}
	for _, p := range []struct {
		name string
		lib  library.Auth
		id   string
	}{{"live", a, "1"}, {"unpublished after", a, "2"}, {"unpublished before", a, "3"}, {"library deleted", b, "1"}} {
		if _, err := s.CreateLibrary(ctx, p.lib, "test"); err != nil {
			t.Fatal(err)
		}
		sh, _, err := s.PublishShare(ctx, p.lib, page(p.id, 100))
		if err != nil {
			t.Fatal(err)
		}
		slugs[p.name] = sh.Slug
	}
	if err := s.UnpublishShare(ctx, a, slugs["unpublished before"]); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = growingShards(t, dir, 2, skew)
	for done := false; !done; {
		var err error
		if _, done, err = s.Grow(ctx, 1000); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := s.get(ctx, 0)
	forwards := func() map[string]bool {
		got := map[string]bool{}
		rows, err := old.db.Query(`SELECT slug FROM shares WHERE moved_to IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var slug string
			rows.Scan(&slug)
			for name, s := range slugs {
				if s == slug {
					got[name] = true
				}
			}
		}
		return got
	}
	if got := forwards(); len(got) != 4 {
		t.Fatalf("after the move the old shard forwards %v, want all 4 pages", got)
	}
	if err := s.UnpublishShare(ctx, a, slugs["unpublished after"]); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLibrary(ctx, b); err != nil {
		t.Fatal(err)
	}
	answers := func() map[string]string {
		got := map[string]string{}
		for name, slug := range slugs {
			if _, err := s.SharePageBody(ctx, slug, library.PageHTML); err != nil {
				got[name] = library.ErrorCode(err)
			}
		}
		return got
	}
	if got := answers(); got["live"] != "" || got["unpublished after"] != library.EGONE ||
		got["unpublished before"] != library.EGONE || got["library deleted"] != library.EGONE {
		t.Fatalf("within the 410 period: %v", got)
	}

	*skew = 61_000
	// A write in each shard purges what is past its period there.
	for k := range 2 {
		if _, err := s.CreateLibrary(ctx, library.Auth{LibraryID: idOnShard(t, k, 2), Key: testID(-3)}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if got := forwards(); len(got) != 1 || !got["live"] {
		t.Errorf("after the period the old shard forwards %v, want only the live page", got)
	}
	if got := answers(); got["live"] != "" || got["unpublished after"] != library.ENOTFOUND ||
		got["unpublished before"] != library.ENOTFOUND || got["library deleted"] != library.ENOTFOUND {
		t.Errorf("after the period: %v", got)
	}
	for k := range 2 {
		st, _ := s.get(ctx, k)
		checkUsage(t, st)
	}
}
