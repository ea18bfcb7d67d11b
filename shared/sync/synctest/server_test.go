package synctest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

var ctx = context.Background()

func keys(t *testing.T) sync.Keys {
	s, err := sync.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return sync.DeriveKeys(s)
}

func status(err error) int {
	var ae *sync.APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// The protocol semantics the clients rely on, pinned for the reference
// server: idempotent create, auth, optimistic concurrency, paging.
func TestServer_Semantics(t *testing.T) {
	s := synctest.NewServer()
	k, other := keys(t), keys(t)
	create := func(lib, auth string) (protocol.CreateLibraryResponse, error) {
		return s.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: lib, AuthKey: auth})
	}
	if r, err := create(k.LibraryID, k.AuthKey); err != nil || !r.Created {
		t.Fatalf("create: %+v %v", r, err)
	}
	if r, err := create(k.LibraryID, k.AuthKey); err != nil || r.Created {
		t.Fatalf("create again: %+v %v", r, err)
	}
	if _, err := create(k.LibraryID, other.AuthKey); status(err) != 401 {
		t.Fatalf("create with another key: %v", err)
	}
	if _, err := create("short", k.AuthKey); status(err) != 400 {
		t.Fatalf("bad id: %v", err)
	}
	if _, err := s.Pull(ctx, k.LibraryID, other.AuthKey, "", 0); status(err) != 401 {
		t.Fatalf("pull with another key: %v", err)
	}
	if _, err := s.Pull(ctx, other.LibraryID, other.AuthKey, "", 0); status(err) != 404 {
		t.Fatalf("pull unknown library: %v", err)
	}

	var changes []protocol.Change
	for i := range 5 {
		changes = append(changes, protocol.Change{ID: k.RecordID(fmt.Sprint("x:", i)), Blob: "AAAA"})
	}
	r, err := s.Push(ctx, k.LibraryID, k.AuthKey, protocol.PushRequest{Changes: changes})
	if err != nil || len(r.Results) != 5 || r.Results[4].Status != protocol.Applied || r.Results[4].Seq != 5 {
		t.Fatalf("push: %+v %v", r, err)
	}
	// A stale base: conflict with the current record; the right base: applied.
	stale := protocol.Change{ID: changes[0].ID, BaseSeq: 0, Blob: "BBBB"}
	r, _ = s.Push(ctx, k.LibraryID, k.AuthKey, protocol.PushRequest{Changes: []protocol.Change{stale}})
	if res := r.Results[0]; res.Status != protocol.Conflict || res.Current == nil || res.Current.Seq != 1 || res.Current.Blob != "AAAA" {
		t.Fatalf("stale push: %+v", res)
	}
	stale.BaseSeq = 1
	r, _ = s.Push(ctx, k.LibraryID, k.AuthKey, protocol.PushRequest{Changes: []protocol.Change{stale}})
	if res := r.Results[0]; res.Status != protocol.Applied || res.Seq != 6 {
		t.Fatalf("rebased push: %+v", res)
	}
	// Pages of 2 after the start: seqs 2,3 | 4,5 | 6, each record once.
	var seqs []int64
	cursor := ""
	for {
		page, err := s.Pull(ctx, k.LibraryID, k.AuthKey, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Changes {
			seqs = append(seqs, c.Seq)
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	if fmt.Sprint(seqs) != "[2 3 4 5 6]" {
		t.Fatalf("pulled seqs %v", seqs)
	}
	if page, _ := s.Pull(ctx, k.LibraryID, k.AuthKey, cursor, 0); len(page.Changes) != 0 || page.More || page.Cursor != cursor {
		t.Fatalf("idle pull: %+v", page)
	}
	if _, err := s.Pull(ctx, k.LibraryID, k.AuthKey, "-1", 0); status(err) != 400 {
		t.Fatalf("bad cursor: %v", err)
	}
	if s.Writes(k.LibraryID, changes[0].ID) != 2 {
		t.Fatal("writes not counted")
	}
	if err := s.DeleteLibrary(ctx, k.LibraryID, other.AuthKey); status(err) != 401 {
		t.Fatalf("delete with another key: %v", err)
	}
	if err := s.DeleteLibrary(ctx, k.LibraryID, k.AuthKey); err != nil || s.Records(k.LibraryID) != nil {
		t.Fatalf("delete: %v", err)
	}
}

func TestServer_Faults(t *testing.T) {
	s := synctest.NewServer()
	k := keys(t)
	s.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: k.LibraryID, AuthKey: k.AuthKey})
	push := func() error {
		_, err := s.Push(ctx, k.LibraryID, k.AuthKey, protocol.PushRequest{Changes: []protocol.Change{{ID: k.RecordID("x:1"), Blob: "AAAA"}}})
		return err
	}
	s.Faults = func(op string, n int) synctest.Fault { return synctest.FailBefore }
	if err := push(); !errors.Is(err, synctest.ErrInjected) || len(s.Records(k.LibraryID)) != 0 {
		t.Fatalf("fail before: %v, %d records", err, len(s.Records(k.LibraryID)))
	}
	s.Faults = func(op string, n int) synctest.Fault { return synctest.FailAfter }
	if err := push(); !errors.Is(err, synctest.ErrInjected) || len(s.Records(k.LibraryID)) != 1 {
		t.Fatalf("fail after: %v, %d records", err, len(s.Records(k.LibraryID)))
	}
	if s.Calls("push") != 2 {
		t.Fatalf("calls = %d", s.Calls("push"))
	}
}
