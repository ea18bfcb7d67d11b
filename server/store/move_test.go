//go:build !js

package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// device is one writer of the move test: it pushes new records and edits
// of its own records, retries what a moving library refuses (as clients do
// on 503), pulls with the cursor it kept from before the move, and remembers
// every write the server acknowledged.
type device struct {
	a      library.Auth
	acked  map[string]string // record id → blob acknowledged last
	seqs   map[string]int64  // record id → its seq as acknowledged
	pulled map[string]string // record id → blob seen by this device's pulls
	cursor string
	n      int
}

func (d *device) push(ctx context.Context, s *Sharded, c protocol.Change) (retries int, err error) {
	for {
		res, err := s.Push(ctx, d.a, []protocol.Change{c})
		if library.ErrorCode(err) == library.EUNAVAILABLE {
			retries++
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil {
			return retries, err
		}
		r := res[0]
		switch {
		case r.Status == protocol.Applied:
		case r.Status == protocol.Conflict && r.Current != nil && r.Current.Blob == c.Blob:
			// Applied by an earlier try whose answer was the 503.
			r.Seq = r.Current.Seq
		default:
			return retries, fmt.Errorf("push %s: %+v", c.ID, r)
		}
		d.acked[c.ID], d.seqs[c.ID] = c.Blob, r.Seq
		return retries, nil
	}
}

func (d *device) pull(ctx context.Context, s *Sharded) error {
	for {
		resp, err := s.Pull(ctx, d.a, library.PullPage{Since: d.cursor, Limit: 50})
		if library.ErrorCode(err) == library.EUNAVAILABLE {
			continue
		}
		if err != nil {
			return err
		}
		for _, r := range resp.Changes {
			d.pulled[r.ID] = r.Blob
		}
		d.cursor = resp.Cursor
		if !resp.More {
			return nil
		}
	}
}

// step is one write: a new record, or every third time an edit of the
// device's first record (an update with its acknowledged seq as base).
func (d *device) step(ctx context.Context, s *Sharded) (int, error) {
	d.n++
	blob := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%s %d", d.a.LibraryID, d.n))
	if seq, ok := d.seqs[testID(1)]; ok && d.n%3 == 0 {
		return d.push(ctx, s, protocol.Change{ID: testID(1), BaseSeq: seq, Blob: blob})
	}
	return d.push(ctx, s, protocol.Change{ID: testID(d.n), Blob: blob})
}

// Growing from 2 to 5 shards while 40 devices keep writing and pulling:
// every acknowledged write is in the library's new shard afterwards, no
// device's cursor (kept from before the move) skips a record, share pages
// keep their addresses, and the old shards keep no records of moved
// libraries.
func TestGrowUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openShards(t, dir, 2)
	page := &library.SharePage{Platform: "x", ThreadID: "1", ThreadURL: "https://x.com/a/status/1", Title: "A",
		Bodies: map[string][]byte{"html": []byte("<p>hi</p>"), "md": []byte("hi"), "txt": []byte("hi"), "json": []byte("{}")},
		ETag:   "e1"}
	var devices []*device
	slugs := map[string]string{}
	for i := range 40 {
		d := &device{a: library.Auth{LibraryID: testID(i), Key: testID(-1)},
			acked: map[string]string{}, seqs: map[string]int64{}, pulled: map[string]string{}}
		if _, err := s.CreateLibrary(ctx, d.a, "test"); err != nil {
			t.Fatal(err)
		}
		for range 30 {
			if _, err := d.step(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.pull(ctx, s); err != nil {
			t.Fatal(err)
		}
		sh, _, err := s.PublishShare(ctx, d.a, func() (*library.SharePage, error) { return page, nil })
		if err != nil {
			t.Fatal(err)
		}
		slugs[d.a.LibraryID] = sh.Slug
		devices = append(devices, d)
	}
	s.Close()

	s = openShards(t, dir, 5)
	if s.GrowingFrom() != 2 {
		t.Fatalf("growing from %d", s.GrowingFrom())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, len(devices)+1)
	var mu sync.Mutex
	retries, writes := 0, 0
	for _, d := range devices {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				time.Sleep(5 * time.Millisecond)
				r, err := d.step(ctx, s)
				if err == nil && k%4 == 0 {
					err = d.pull(ctx, s)
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				retries, writes = retries+r, writes+1
				mu.Unlock()
			}
		})
	}
	// A new library made during the growth goes straight to its new shard.
	late := library.Auth{LibraryID: idOnShardGrowing(t, 2, 5), Key: testID(-1)}
	time.Sleep(20 * time.Millisecond)
	if created, err := s.CreateLibrary(ctx, late, "test"); err != nil || !created {
		t.Fatalf("create while growing: %v %v", created, err)
	}
	var logs []string
	if err := s.FinishGrowing(ctx, dir, func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // writes after the growth, routed by N alone
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("%d writes during the growth, %d answered 503 and retried; %v", writes, retries, logs)
	if s.GrowingFrom() != 0 {
		t.Fatal("still growing")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, shardCountFile)); strings.TrimSpace(string(b)) != "5" {
		t.Fatalf("count file %q", b)
	}
	if retries == 0 {
		t.Error("no write met a frozen library: the test did not write during the moves")
	}

	moved := 0
	for _, d := range devices {
		id := d.a.LibraryID
		old, to := ShardOf(id, 2), ShardOf(id, 5)
		// Pulling on from the cursor kept through the move misses nothing.
		if err := d.pull(ctx, s); err != nil {
			t.Fatal(err)
		}
		for rid, blob := range d.acked {
			if d.pulled[rid] != blob {
				t.Fatalf("library %s (shard %d→%d): acknowledged %s=%q, the device's pulls ended with %q", id[:6], old, to, rid[:6], blob, d.pulled[rid])
			}
		}
		// A fresh device gets exactly the acknowledged state.
		fresh := &device{a: d.a, pulled: map[string]string{}}
		if err := fresh.pull(ctx, s); err != nil {
			t.Fatal(err)
		}
		if len(fresh.pulled) != len(d.acked) {
			t.Fatalf("library %s: %d records, %d acknowledged", id[:6], len(fresh.pulled), len(d.acked))
		}
		// Stored in the new shard only; the old one keeps a moved row.
		dst, _ := s.get(ctx, to)
		var n int
		dst.db.QueryRow(`SELECT COUNT(*) FROM records WHERE library_id = ?`, id).Scan(&n)
		if n != len(d.acked) {
			t.Fatalf("library %s: %d records in its new shard %d, want %d", id[:6], n, to, len(d.acked))
		}
		if old != to {
			moved++
			src, _ := s.get(ctx, old)
			var left int
			var state int64
			src.db.QueryRow(`SELECT COUNT(*) FROM records WHERE library_id = ?`, id).Scan(&left)
			src.db.QueryRow(`SELECT moving FROM libraries WHERE id = ?`, id).Scan(&state)
			if left != 0 || state != stateMoved {
				t.Errorf("old shard %d keeps %d records of a moved library, state %d", old, left, state)
			}
		}
		// The page keeps its address; its owner lists and unpublishes it.
		slug := slugs[id]
		if body, err := s.SharePageBody(ctx, slug, library.PageHTML); err != nil || string(body.Body) != "<p>hi</p>" {
			t.Fatalf("page %s of a library moved %d→%d: %v", slug, old, to, err)
		}
		list, err := s.ListShares(ctx, d.a)
		if err != nil || len(list) != 1 || list[0].Slug != slug {
			t.Fatalf("shares after the move: %+v %v", list, err)
		}
	}
	if moved < 20 {
		t.Errorf("only %d of 40 libraries changed shard", moved)
	}
	d := devices[0]
	if err := s.UnpublishShare(ctx, d.a, slugs[d.a.LibraryID]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SharePageBody(ctx, slugs[d.a.LibraryID], library.PageHTML); library.ErrorCode(err) != library.EGONE {
		t.Errorf("unpublished after its move: %v", err)
	}
	dst, _ := s.get(ctx, ShardOf(late.LibraryID, 5))
	if _, ok, _ := dst.libraryState(ctx, late.LibraryID); !ok {
		t.Error("a library created while growing is not in its new shard")
	}
}

// idOnShardGrowing finds an id whose shard changes from old's layout to n's.
func idOnShardGrowing(t *testing.T, from, n int) string {
	for i := 5000; i < 20000; i++ {
		if id := testID(i); ShardOf(id, from) != ShardOf(id, n) {
			return id
		}
	}
	t.Fatal("no moving id")
	return ""
}

// A move that stops at any step is finished by the next run, and a library
// is served throughout: frozen, it is read but not written (503, retry in
// 1 s); arriving in its new shard, it is still served from its old one.
func TestMoveResumesAtEveryStep(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openShards(t, dir, 1)
	a := library.Auth{LibraryID: idOnShardGrowing(t, 1, 2), Key: testID(-1)}
	if _, err := s.CreateLibrary(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := pushOne(ctx, s, a, testID(300+i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = openShards(t, dir, 2)
	src, _ := s.get(ctx, 0)
	dst, _ := s.get(ctx, 1)

	// Frozen by hand (step 1 done, nothing copied).
	src.db.Exec(`UPDATE libraries SET moving = 1 WHERE id = ?`, a.LibraryID)
	if resp, err := s.Pull(ctx, a, library.PullPage{Limit: 10}); err != nil || len(resp.Changes) != 5 {
		t.Fatalf("pull while frozen: %v", err)
	}
	var le *library.Error
	if err := pushOne(ctx, s, a, testID(400)); !errors.As(err, &le) || le.Code != library.EUNAVAILABLE || le.RetryAfter != movingRetryAfter {
		t.Fatalf("push while frozen: %v", err)
	}
	if err := s.DeleteLibrary(ctx, a); library.ErrorCode(err) != library.EUNAVAILABLE {
		t.Fatalf("delete while frozen: %v", err)
	}
	// Half copied: arriving with 2 of 5 records.
	var hash string
	var created int64
	src.db.QueryRow(`SELECT key_hash, created_at FROM libraries WHERE id = ?`, a.LibraryID).Scan(&hash, &created)
	if _, err := dst.db.Exec(`INSERT INTO libraries (id, key_hash, created_at, moving) VALUES (?, ?, ?, 2)`, a.LibraryID, hash, created); err != nil {
		t.Fatal(err)
	}
	copied := 0
	rows, _ := src.db.Query(`SELECT id, seq, deleted, blob, size FROM records WHERE library_id = ? ORDER BY seq LIMIT 2`, a.LibraryID)
	var half [][]any
	for rows.Next() {
		var id, blob string
		var seq, del, size int64
		rows.Scan(&id, &seq, &del, &blob, &size)
		half = append(half, []any{a.LibraryID, id, seq, del, blob, size})
	}
	rows.Close()
	for _, r := range half {
		if _, err := dst.db.Exec(`INSERT INTO records (library_id, id, seq, deleted, blob, size) VALUES (?, ?, ?, ?, ?, ?)`, r...); err != nil {
			t.Fatal(err)
		}
		copied++
	}
	if copied != 2 {
		t.Fatalf("copied %d", copied)
	}
	if resp, err := s.Pull(ctx, a, library.PullPage{Limit: 10}); err != nil || len(resp.Changes) != 5 {
		t.Fatalf("pull while arriving: %v", err)
	}
	// The mover resumes it, in runs too small to finish (as Worker
	// invocations with a query limit): each run copies a record or so.
	runs, total := 0, 0
	for done := false; !done; runs++ {
		moved, d, err := s.Grow(ctx, 12)
		if err != nil || runs > 20 {
			t.Fatalf("run %d: %v", runs, err)
		}
		done, total = d, total+moved
		if !done {
			if resp, err := s.Pull(ctx, a, library.PullPage{Limit: 10}); err != nil || len(resp.Changes) != 5 {
				t.Fatalf("pull between runs: %v", err)
			}
		}
	}
	if total != 1 || runs < 3 {
		t.Fatalf("%d runs moved %d libraries", runs, total)
	}
	resp, err := s.Pull(ctx, a, library.PullPage{Limit: 10})
	if err != nil || len(resp.Changes) != 5 {
		t.Fatalf("after the move: %v", err)
	}
	if err := pushOne(ctx, s, a, testID(401)); err != nil {
		t.Fatalf("push after the move: %v", err)
	}
	// Run again: nothing left, nothing changed.
	if moved, done, err := s.Grow(ctx, 1000); err != nil || moved != 0 || !done {
		t.Fatalf("second run: %d %v %v", moved, done, err)
	}
}
