//go:build !js

package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// testID is the i-th of a fixed list of ids in the protocol's form.
func testID(i int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "library %d", i))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// 1,000 libraries spread evenly: every shard within 5 standard deviations
// of an even share (a binomial count), for the counts a deployment uses.
func TestShardOfSpreadsLibraries(t *testing.T) {
	for _, n := range []int{2, 4, 16} {
		counts := make([]int, n)
		for i := range 1000 {
			k := ShardOf(testID(i), n)
			if k < 0 || k >= n {
				t.Fatalf("ShardOf(…, %d) = %d", n, k)
			}
			counts[k]++
		}
		mean := 1000.0 / float64(n)
		sd := math.Sqrt(mean * (1 - 1/float64(n)))
		for k, c := range counts {
			if float64(c) < mean-5*sd || float64(c) > mean+5*sd {
				t.Errorf("N=%d: shard %d holds %d of 1,000 libraries (even: %.0f ± %.0f)", n, k, c, mean, sd)
			}
		}
		t.Logf("N=%d: %v", n, counts)
	}
	if ShardOf(testID(0), 1) != 0 {
		t.Error("one shard is shard 0")
	}
}

// Growing N by one moves only libraries onto the new shard, about 1/(N+1)
// of them, never one between two old shards: what makes a re-sharding a
// move of few libraries to a new database.
func TestShardOfMovesOnlyToTheNewShard(t *testing.T) {
	for n := 1; n < 8; n++ {
		moved := 0
		for i := range 1000 {
			id := testID(i)
			before, after := ShardOf(id, n), ShardOf(id, n+1)
			if before != after {
				if after != n {
					t.Fatalf("N %d→%d: a library moved from shard %d to old shard %d", n, n+1, before, after)
				}
				moved++
			}
		}
		if want := 1000 / (n + 1); moved < want/2 || moved > want*2 {
			t.Errorf("N %d→%d: %d of 1,000 moved, want about %d", n, n+1, moved, want)
		}
	}
}

// idOnShard finds an id that lives on shard k of n.
func idOnShard(t *testing.T, k, n int) string {
	for i := range 10000 {
		if id := testID(i); ShardOf(id, n) == k {
			return id
		}
	}
	t.Fatalf("no id for shard %d", k)
	return ""
}

func openShards(t *testing.T, dir string, n int) *Sharded {
	t.Helper()
	s, errs, err := OpenShards(context.Background(), dir, n, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func pushOne(ctx context.Context, s *Sharded, a library.Auth, recID string) error {
	_, err := s.Push(ctx, a, []protocol.Change{{ID: recID, Blob: "AAAA"}})
	return err
}

// Each library's records are in its shard's file and nowhere else.
func TestShardedKeepsALibraryInItsShard(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openShards(t, dir, 4)
	for k := range 4 {
		a := library.Auth{LibraryID: idOnShard(t, k, 4), Key: testID(-1)}
		if created, err := s.CreateLibrary(ctx, a, "test"); err != nil || !created {
			t.Fatalf("create on shard %d: %v %v", k, created, err)
		}
		if err := pushOne(ctx, s, a, testID(100+k)); err != nil {
			t.Fatal(err)
		}
	}
	for k := range 4 {
		st, err := s.get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		var libs, recs int
		st.db.QueryRow(`SELECT COUNT(*) FROM libraries`).Scan(&libs)
		st.db.QueryRow(`SELECT COUNT(*) FROM records WHERE library_id = ?`, idOnShard(t, k, 4)).Scan(&recs)
		if libs != 1 || recs != 1 {
			t.Errorf("shard %d holds %d libraries, %d records of its own library; want 1, 1", k, libs, recs)
		}
	}
}

// A shard whose file cannot be opened answers 503 with Retry-After for its
// own libraries only; once the file can be opened again (after Retry-After)
// it serves as if nothing happened.
func TestShardedFaultStaysInItsShard(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A directory where shard 2's file should be: SQLite cannot open it.
	if err := os.Mkdir(ShardFile(dir, 2), 0o700); err != nil {
		t.Fatal(err)
	}
	s, errs, err := OpenShards(ctx, dir, 4, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if errs[2] == nil || errs[0] != nil || errs[1] != nil || errs[3] != nil {
		t.Fatalf("open errors %v; want only shard 2's", errs)
	}
	down := library.Auth{LibraryID: idOnShard(t, 2, 4), Key: testID(-1)}
	_, err = s.CreateLibrary(ctx, down, "test")
	var le *library.Error
	if !errors.As(err, &le) || le.Code != library.EUNAVAILABLE || le.RetryAfter != DefaultRetryAfter {
		t.Fatalf("create on the broken shard: %v", err)
	}
	if strings.Contains(library.ErrorMessage(err), dir) {
		t.Errorf("the client's message names the file: %q", library.ErrorMessage(err))
	}
	for _, k := range []int{0, 1, 3} {
		a := library.Auth{LibraryID: idOnShard(t, k, 4), Key: testID(-1)}
		if _, err := s.CreateLibrary(ctx, a, "test"); err != nil {
			t.Fatalf("shard %d while shard 2 is down: %v", k, err)
		}
		if err := pushOne(ctx, s, a, testID(7)); err != nil {
			t.Fatal(err)
		}
	}
	// A bad request is refused as such, whatever the shard's state.
	if _, err := s.Pull(ctx, library.Auth{LibraryID: "short", Key: testID(-1)}, library.PullPage{Limit: 1}); library.ErrorCode(err) != library.EINVALID {
		t.Errorf("malformed id: %v", err)
	}

	// Repaired: the next try after Retry-After opens it.
	if err := os.Remove(ShardFile(dir, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLibrary(ctx, down, "test"); library.ErrorCode(err) != library.EUNAVAILABLE {
		t.Fatalf("opened again before Retry-After: %v", err)
	}
	s.shards[2].next = time.Now() // as if Retry-After had passed
	if created, err := s.CreateLibrary(ctx, down, "test"); err != nil || !created {
		t.Fatalf("after repair: %v %v", created, err)
	}
	if err := pushOne(ctx, s, down, testID(8)); err != nil {
		t.Fatal(err)
	}

	// A database failing while open (closed under it) is unavailable too.
	st, _ := s.get(ctx, 2)
	st.db.Close()
	st.rdb.Close()
	if err := pushOne(ctx, s, down, testID(9)); library.ErrorCode(err) != library.EUNAVAILABLE {
		t.Fatalf("push to a failed database: %v", err)
	}
	if _, err := s.Pull(ctx, library.Auth{LibraryID: idOnShard(t, 3, 4), Key: testID(-1)}, library.PullPage{Limit: 10}); err != nil {
		t.Fatalf("shard 3 while shard 2 fails: %v", err)
	}
}

// Share slugs name their shard: the page is read from that shard alone,
// a slug naming another library's shard unpublishes nothing, and shard 0
// keeps the bare slugs a single-database server gave out.
func TestShardedShareSlugs(t *testing.T) {
	ctx := context.Background()
	s := openShards(t, t.TempDir(), 4)
	page := &library.SharePage{Platform: "x", ThreadID: "1", ThreadURL: "https://x.com/a/status/1", Title: "A",
		Bodies: map[string][]byte{"html": []byte("<p>hi</p>"), "md": []byte("hi"), "txt": []byte("hi"), "json": []byte("{}")},
		ETag:   "e1"}
	build := func() (*library.SharePage, error) { return page, nil }
	slugs := map[int]string{}
	for _, k := range []int{0, 3} {
		a := library.Auth{LibraryID: idOnShard(t, k, 4), Key: testID(-1)}
		if _, err := s.CreateLibrary(ctx, a, "test"); err != nil {
			t.Fatal(err)
		}
		sh, _, err := s.PublishShare(ctx, a, build)
		if err != nil {
			t.Fatal(err)
		}
		if i, _, ok := splitSlug(sh.Slug); !ok || i != k || sh.URL != protocol.SharePath(sh.Slug) {
			t.Fatalf("shard %d published %q (%s)", k, sh.Slug, sh.URL)
		}
		list, err := s.ListShares(ctx, a)
		if err != nil || len(list) != 1 || list[0].Slug != sh.Slug {
			t.Fatalf("list on shard %d: %+v %v", k, list, err)
		}
		if body, err := s.SharePageBody(ctx, sh.Slug, library.PageHTML); err != nil || string(body.Body) != "<p>hi</p>" {
			t.Fatalf("page on shard %d: %v", k, err)
		}
		slugs[k] = sh.Slug
	}
	if strings.Contains(slugs[0], ".") || !strings.HasPrefix(slugs[3], "3.") {
		t.Errorf("slugs %v", slugs)
	}
	// The same random part under another shard's prefix is no page.
	_, raw3, _ := splitSlug(slugs[3])
	for _, bad := range []string{raw3, "1." + raw3, "0." + raw3, "03." + raw3, "4." + raw3, "-1." + raw3, "3." + raw3 + "x"} {
		if _, err := s.SharePageBody(ctx, bad, library.PageHTML); library.ErrorCode(err) != library.ENOTFOUND {
			t.Errorf("%q: %v, want not found", bad, err)
		}
	}
	// Library 0 cannot unpublish shard 3's page, even knowing its slug.
	a0 := library.Auth{LibraryID: idOnShard(t, 0, 4), Key: testID(-1)}
	if err := s.UnpublishShare(ctx, a0, slugs[3]); library.ErrorCode(err) != library.ENOTFOUND {
		t.Errorf("foreign unpublish: %v", err)
	}
	a3 := library.Auth{LibraryID: idOnShard(t, 3, 4), Key: testID(-1)}
	if err := s.UnpublishShare(ctx, a3, slugs[3]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SharePageBody(ctx, slugs[3], library.PageHTML); library.ErrorCode(err) != "gone" {
		t.Errorf("after unpublish: %v", err)
	}
}

// A data directory keeps the shard count it was made with or grows to a
// larger one: never fewer, and never another count in the middle of a growth.
func TestOpenShardsRefusesAnotherCount(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openShards(t, dir, 4)
	s.Close()
	if _, _, err := OpenShards(ctx, dir, 2, Config{}); err == nil || !strings.Contains(err.Error(), "not removed") {
		t.Fatalf("opened with 2: %v", err)
	}
	// A single-database directory from before shards were counted grows.
	old := t.TempDir()
	st, err := Open(ctx, ShardFile(old, 0), Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	grown := openShards(t, old, 4)
	if grown.GrowingFrom() != 1 {
		t.Fatalf("a one-file directory opened with 4 grows from %d", grown.GrowingFrom())
	}
	grown.Close()
	// Until the growth is done, only its target count opens the directory.
	if _, _, err := OpenShards(ctx, old, 8, Config{}); err == nil || !strings.Contains(err.Error(), "growing from 1 to 4") {
		t.Fatalf("a growing directory opened with another count: %v", err)
	}
	// Every shard failing is an error, not a server that answers only 503.
	bad := t.TempDir()
	for i := range 2 {
		os.Mkdir(ShardFile(bad, i), 0o700)
	}
	if _, _, err := OpenShards(ctx, bad, 2, Config{}); err == nil {
		t.Fatal("no shard opened, yet no error")
	}
}
