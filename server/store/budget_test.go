//go:build !js

package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// limitStore is one SQLite store with cfg's limits and a clock tests move.
func limitStore(t *testing.T, cfg Config) (*Store, *int64) {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "db"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	skew := new(int64)
	st.Now = func() int64 { return time.Now().UnixMilli() + *skew }
	return st, skew
}

func limitLib(t *testing.T, st *Store, i int) library.Auth {
	t.Helper()
	a := library.Auth{LibraryID: testID(i), Key: testID(1_000_000 + i)}
	if _, err := st.CreateLibrary(context.Background(), a, fmt.Sprintf("192.0.2.%d", i%250)); err != nil {
		t.Fatalf("create library %d: %v", i, err)
	}
	return a
}

func sealedBlob(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func page(threadID string, n int) func() (*library.SharePage, error) {
	return func() (*library.SharePage, error) {
		body := make([]byte, n)
		for i := range body {
			body[i] = 'a'
		}
		return &library.SharePage{Platform: "x", ThreadID: threadID, ThreadURL: "https://x.com/a/status/" + threadID,
			Title: "t", ETag: "e" + threadID, Bodies: map[string][]byte{
				library.PageHTML: body, library.PageMarkdown: []byte("m"), library.PageText: []byte("t"), library.PageJSON: []byte("{}")}}, nil
	}
}

// checkUsage compares the trigger-kept totals with a count of the tables.
func checkUsage(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	bytes, rows, err := st.usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wantBytes, wantRows int64
	if err := st.db.QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(SUM(length(blob)), 0) FROM records) + (SELECT COALESCE(SUM(length(CAST(html AS BLOB)) +
		  length(CAST(md AS BLOB)) + length(CAST(txt AS BLOB)) + length(CAST(json AS BLOB))), 0) FROM shares),
		(SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM shares) + (SELECT COUNT(*) FROM libraries)`).
		Scan(&wantBytes, &wantRows); err != nil {
		t.Fatal(err)
	}
	if bytes != wantBytes || rows != wantRows {
		t.Errorf("storage_usage says %d bytes, %d rows; the tables hold %d bytes, %d rows", bytes, rows, wantBytes, wantRows)
	}
	// Each library's bytes: its records' decoded sizes and its live pages.
	r, err := st.db.QueryContext(ctx, `SELECT id, bytes,
		(SELECT COALESCE(SUM(size), 0) FROM records WHERE library_id = libraries.id) +
		(SELECT COALESCE(SUM(length(CAST(html AS BLOB)) + length(CAST(md AS BLOB)) + length(CAST(txt AS BLOB)) + length(CAST(json AS BLOB))), 0)
		 FROM shares WHERE library_id = libraries.id) FROM libraries`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var id string
		var got, want int64
		r.Scan(&id, &got, &want)
		if got != want {
			t.Errorf("library %.8s counts %d bytes, holds %d", id, got, want)
		}
	}
}

func TestBudgetRefusesNewWritesOnly(t *testing.T) {
	ctx := context.Background()
	st, _ := limitStore(t, Config{Limits: Limits{BudgetBytes: 10_000}})
	a := limitLib(t, st, 1)
	// 3 records of 3,000 stored bytes fit.
	var ids []string
	var seqs []int64
	for i := range 3 {
		id := testID(100 + i)
		res, err := st.Push(ctx, a, []protocol.Change{{ID: id, Blob: sealedBlob(2250)}})
		if err != nil || res[0].Status != protocol.Applied {
			t.Fatalf("push %d under the budget: %v %+v", i, err, res)
		}
		ids, seqs = append(ids, id), append(seqs, res[0].Seq)
	}
	// One of 1,000 fills it exactly.
	if res, err := st.Push(ctx, a, []protocol.Change{{ID: testID(103), Blob: sealedBlob(750)}}); err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("a push up to the budget: %v", err)
	}
	if _, err := st.Push(ctx, a, []protocol.Change{{ID: testID(200), Blob: sealedBlob(3)}}); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("a push past the budget: %v, want %s", err, library.EFULL)
	}
	// Growing a record passes it too: refused in the statement itself.
	if _, err := st.apply(ctx, a.LibraryID, protocol.Change{ID: ids[0], BaseSeq: seqs[0], Blob: sealedBlob(3300)}, 3300); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("growing a record past the budget: %v, want %s", err, library.EFULL)
	}
	if _, err := st.CreateLibrary(ctx, library.Auth{LibraryID: testID(2), Key: testID(3)}, "192.0.2.9"); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("a new library on a full database: %v, want %s", err, library.EFULL)
	}
	if _, _, err := st.PublishShare(ctx, a, page("1", 100)); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("a new share on a full database: %v, want %s", err, library.EFULL)
	}
	// Reads, an existing library's re-create, deletes and shrinking go on.
	if resp, err := st.Pull(ctx, a, library.PullPage{Limit: 10}); err != nil || len(resp.Changes) != 4 {
		t.Fatalf("pull on a full database: %v", err)
	}
	if _, err := st.CreateLibrary(ctx, a, "192.0.2.9"); err != nil {
		t.Fatalf("re-creating an existing library on a full database: %v", err)
	}
	res, err := st.Push(ctx, a, []protocol.Change{{ID: ids[1], BaseSeq: seqs[1], Deleted: true, Blob: sealedBlob(100)}})
	if err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("a delete on a full database: %v %+v", err, res)
	}
	// The delete made room: a record fits again.
	if res, err := st.Push(ctx, a, []protocol.Change{{ID: testID(201), Blob: sealedBlob(1500)}}); err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("a push after a delete made room: %v", err)
	}
	checkUsage(t, st)
	if err := st.DeleteLibrary(ctx, a); err != nil {
		t.Fatalf("deleting a library on a full database: %v", err)
	}
	checkUsage(t, st)
	limitLib(t, st, 2) // room again
}

func TestBudgetRows(t *testing.T) {
	ctx := context.Background()
	st, _ := limitStore(t, Config{Limits: Limits{BudgetRows: 4}}) // a library and 3 records
	a := limitLib(t, st, 1)
	for i := range 3 {
		if _, err := st.Push(ctx, a, []protocol.Change{{ID: testID(100 + i), Blob: sealedBlob(10)}}); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if _, err := st.Push(ctx, a, []protocol.Change{{ID: testID(200), Blob: sealedBlob(10)}}); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("a row past the budget: %v, want %s", err, library.EFULL)
	}
	// The statement enforces it too, not only the check before it.
	if _, err := st.apply(ctx, a.LibraryID, protocol.Change{ID: testID(201), Blob: sealedBlob(10)}, 10); library.ErrorCode(err) != library.EFULL {
		t.Fatalf("a row past the budget in the statement: %v, want %s", err, library.EFULL)
	}
	checkUsage(t, st)
}

// A library's pages count in its byte quota beside its records.
func TestShareBytesCountInLibraryQuota(t *testing.T) {
	ctx := context.Background()
	st, _ := limitStore(t, Config{MaxBytes: 10_000})
	a := limitLib(t, st, 1)
	if _, _, err := st.PublishShare(ctx, a, page("1", 6000)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PublishShare(ctx, a, page("2", 6000)); library.ErrorCode(err) != library.ETOOLARGE {
		t.Fatalf("a second page past the library's quota: %v, want %s", err, library.ETOOLARGE)
	}
	if _, err := st.Push(ctx, a, []protocol.Change{{ID: testID(100), Blob: sealedBlob(5000)}}); library.ErrorCode(err) != library.ETOOLARGE {
		t.Fatalf("a record past the quota its pages use: %v, want %s", err, library.ETOOLARGE)
	}
	// Republishing in place counts the difference, not both pages.
	if _, created, err := st.PublishShare(ctx, a, page("1", 9000)); err != nil || created {
		t.Fatalf("republishing larger within the quota: %v", err)
	}
	checkUsage(t, st)
	list, _ := st.ListShares(ctx, a)
	if err := st.UnpublishShare(ctx, a, list[0].Slug); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Push(ctx, a, []protocol.Change{{ID: testID(100), Blob: sealedBlob(5000)}}); err != nil {
		t.Fatalf("a record after unpublishing freed the quota: %v", err)
	}
	checkUsage(t, st)
}

// The cap on live shares holds under concurrent publishes (one statement
// checks and writes); updating a live share is allowed at the cap.
func TestShareCapPerLibrary(t *testing.T) {
	ctx := context.Background()
	st, _ := limitStore(t, Config{Limits: Limits{MaxShares: 5}})
	a := limitLib(t, st, 1)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { st.PublishShare(ctx, a, page(fmt.Sprint(i), 100)) })
	}
	wg.Wait()
	list, err := st.ListShares(ctx, a)
	if err != nil || len(list) != 5 {
		t.Fatalf("%d live shares after 20 concurrent publishes, cap 5 (%v)", len(list), err)
	}
	if _, _, err := st.PublishShare(ctx, a, page("new", 100)); library.ErrorCode(err) != library.ETOOLARGE {
		t.Fatalf("a sixth share: %v, want %s", err, library.ETOOLARGE)
	}
	if _, created, err := st.PublishShare(ctx, a, page(list[0].ThreadID, 200)); err != nil || created {
		t.Fatalf("updating a live share at the cap: %v created=%v", err, created)
	}
	if err := st.UnpublishShare(ctx, a, list[1].Slug); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PublishShare(ctx, a, page("new", 100)); err != nil {
		t.Fatalf("a share after unpublishing one: %v", err)
	}
	checkUsage(t, st)
}

// An unpublished page answers 410 for GoneSeconds, then 404, and the next
// write purges its row; a deleted library's pages too.
func TestGoneSharesArePurged(t *testing.T) {
	ctx := context.Background()
	st, skew := limitStore(t, Config{Limits: Limits{GoneSeconds: 60}})
	a, b := limitLib(t, st, 1), limitLib(t, st, 2)
	sa, _, err := st.PublishShare(ctx, a, page("1", 100))
	if err != nil {
		t.Fatal(err)
	}
	sb, _, err := st.PublishShare(ctx, b, page("1", 100))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UnpublishShare(ctx, a, sa.Slug); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteLibrary(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{sa.Slug, sb.Slug} {
		if _, err := st.SharePageBody(ctx, slug, library.PageHTML); library.ErrorCode(err) != library.EGONE {
			t.Fatalf("within the period: %v, want %s", err, library.EGONE)
		}
	}
	*skew = 61_000
	for _, slug := range []string{sa.Slug, sb.Slug} {
		if _, err := st.SharePageBody(ctx, slug, library.PageHTML); library.ErrorCode(err) != library.ENOTFOUND {
			t.Fatalf("after the period: %v, want %s", err, library.ENOTFOUND)
		}
	}
	var n int
	st.db.QueryRow(`SELECT COUNT(*) FROM shares`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d share rows before any write, want the 2 tombstones", n)
	}
	limitLib(t, st, 3) // a write purges
	st.db.QueryRow(`SELECT COUNT(*) FROM shares`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d share rows after a write past the period, want 0", n)
	}
	checkUsage(t, st)
}

// The migration that adds the budget counts what a database already holds.
func TestBudgetMigrationCountsExistingRows(t *testing.T) {
	ctx := context.Background()
	st, _ := limitStore(t, Config{})
	a := limitLib(t, st, 1)
	st.Push(ctx, a, []protocol.Change{{ID: testID(100), Blob: sealedBlob(300)}, {ID: testID(101), Blob: sealedBlob(30)}})
	st.PublishShare(ctx, a, page("1", 500))
	// Back to before the migration: its counters gone, then applied again.
	for _, q := range []string{
		`DROP TABLE storage_usage`, `DROP INDEX shares_tombstones`, `UPDATE libraries SET bytes = bytes - (SELECT SUM(size) FROM shares)`,
		`DROP TRIGGER shares_size_insert`, `DROP TRIGGER shares_size_update`, `DROP TRIGGER shares_size_delete`,
		`DROP TRIGGER usage_records_insert`, `DROP TRIGGER usage_records_update`, `DROP TRIGGER usage_records_delete`,
		`DROP TRIGGER usage_libraries_insert`, `DROP TRIGGER usage_libraries_delete`,
		`ALTER TABLE shares DROP COLUMN size`, `DELETE FROM d1_migrations WHERE name = '0005_budget.sql'`,
	} {
		if _, err := st.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := migrate(ctx, st.db); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, st)
}

// An operator's takedown keeps saying so after the unpublished pages'
// period, is not purged with them, and no longer counts in its library's
// quota.
func TestTakenDownShareOutlivesTheGonePeriod(t *testing.T) {
	ctx := context.Background()
	st, skew := limitStore(t, Config{Limits: Limits{GoneSeconds: 60}})
	a := limitLib(t, st, 1)
	sa, _, err := st.PublishShare(ctx, a, page("1", 100))
	if err != nil {
		t.Fatal(err)
	}
	if found, err := st.takeDown(ctx, sa.Slug); !found || err != nil {
		t.Fatalf("takeDown: %v %v", found, err)
	}
	var size int64
	st.db.QueryRow(`SELECT size FROM shares WHERE slug = ?`, sa.Slug).Scan(&size)
	if size != 0 {
		t.Fatalf("a taken-down page still counts %d bytes in its library's quota", size)
	}
	checkUsage(t, st)
	*skew = 61_000
	limitLib(t, st, 2) // a write purges what is past its period
	if _, err := st.SharePageBody(ctx, sa.Slug, library.PageHTML); library.ErrorCode(err) != library.ETAKENDOWN {
		t.Fatalf("after the period: %v, want %s", err, library.ETAKENDOWN)
	}
}
