package suite

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"unspool/shared/protocol"
)

func TestCreateLibrary(t *testing.T) {
	l := createLib(t)
	t.Run("again with the same key is a no-op", func(t *testing.T) {
		var cr protocol.CreateLibraryResponse
		expect(t, send(t, request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 200, &cr)
		if cr.Created {
			t.Fatal("second create says created")
		}
	})
	t.Run("another key for the same id is refused", func(t *testing.T) {
		other := newID()
		secrets.add(other)
		resp := send(t, request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: other}})
		expect(t, resp, 401, nil)
		// The original key still works.
		pullPage(t, l, "", 0)
	})
	t.Run("concurrent creates: one created, all succeed", func(t *testing.T) {
		l := newLib()
		var wg sync.WaitGroup
		statuses := make([]int, 6)
		for i := range statuses {
			wg.Go(func() {
				statuses[i] = send(t, request{Method: "POST", Path: "/v1/libraries",
					Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}).Status
			})
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 200:
			default:
				t.Fatalf("statuses %v", statuses)
			}
		}
		if created != 1 {
			t.Fatalf("%d creates answered 201, want 1 (%v)", created, statuses)
		}
	})
}

func TestPushPull(t *testing.T) {
	l := createLib(t)
	ids := []string{newID(), newID(), newID()}
	var changes []protocol.Change
	for _, id := range ids {
		changes = append(changes, protocol.Change{ID: id, Blob: blob(64)})
	}
	res := push(t, l, changes...)
	for i, r := range res {
		if r.Status != protocol.Applied || r.ID != ids[i] || r.Seq != int64(i+1) {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	recs, cursor := pullAll(t, l, "")
	if len(recs) != 3 {
		t.Fatalf("pulled %d records", len(recs))
	}
	for i, r := range recs {
		if r.ID != ids[i] || r.Seq != int64(i+1) || r.Blob != changes[i].Blob || r.Deleted {
			t.Fatalf("record %d: %+v", i, r)
		}
	}

	t.Run("idle re-sync is one small request", func(t *testing.T) {
		resp := send(t, request{Method: "GET", Path: changesPath(l) + "?since=" + cursor, Key: l.Key})
		var p protocol.PullResponse
		expect(t, resp, 200, &p)
		if len(p.Changes) != 0 || p.More || p.Cursor != cursor {
			t.Fatalf("idle pull: %+v", p)
		}
		if len(resp.Body) > 300 {
			t.Fatalf("idle pull is %d bytes", len(resp.Body))
		}
	})
	t.Run("pages", func(t *testing.T) {
		p := pullPage(t, l, "", 2)
		if len(p.Changes) != 2 || !p.More {
			t.Fatalf("first page: %d changes, more=%v", len(p.Changes), p.More)
		}
		p2 := pullPage(t, l, p.Cursor, 2)
		if len(p2.Changes) != 1 || p2.More || p2.Changes[0].ID != ids[2] {
			t.Fatalf("second page: %+v", p2)
		}
	})
	t.Run("an update moves the record to the end of the feed", func(t *testing.T) {
		res := push(t, l, protocol.Change{ID: ids[0], BaseSeq: 1, Blob: blob(64)})
		if res[0].Status != protocol.Applied || res[0].Seq != 4 {
			t.Fatalf("%+v", res[0])
		}
		p := pullPage(t, l, cursor, 0)
		if len(p.Changes) != 1 || p.Changes[0].ID != ids[0] || p.Changes[0].Seq != 4 {
			t.Fatalf("%+v", p)
		}
	})
}

func TestPushConflicts(t *testing.T) {
	l := createLib(t)
	id := newID()
	first := push(t, l, protocol.Change{ID: id, Blob: blob(32)})[0]
	second := push(t, l, protocol.Change{ID: id, BaseSeq: first.Seq, Blob: blob(32)})[0]
	if second.Status != protocol.Applied {
		t.Fatalf("%+v", second)
	}
	stored := byID(mustPull(t, l))[id]

	for _, tc := range []struct {
		name   string
		change protocol.Change
		cur    bool
	}{
		{"stale baseSeq", protocol.Change{ID: id, BaseSeq: first.Seq, Blob: blob(32)}, true},
		{"baseSeq from the future", protocol.Change{ID: id, BaseSeq: 999, Blob: blob(32)}, true},
		{"new over existing", protocol.Change{ID: id, BaseSeq: 0, Blob: blob(32)}, true},
		{"update of a record that does not exist", protocol.Change{ID: newID(), BaseSeq: 3, Blob: blob(32)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, l)
			r := push(t, l, tc.change)[0]
			if r.Status != protocol.Conflict || r.Seq != 0 {
				t.Fatalf("%+v", r)
			}
			if tc.cur != (r.Current != nil) {
				t.Fatalf("current = %+v", r.Current)
			}
			if tc.cur && *r.Current != stored {
				t.Fatalf("current %+v, stored %+v", *r.Current, stored)
			}
			if after := snapshot(t, l); after != before {
				t.Fatalf("a conflict changed the store:\n%s\n---\n%s", before, after)
			}
		})
	}
	t.Run("a batch mixes applied and conflicts in order", func(t *testing.T) {
		n := newID()
		res := push(t, l,
			protocol.Change{ID: id, BaseSeq: first.Seq, Blob: blob(8)},
			protocol.Change{ID: n, Blob: blob(8)},
			protocol.Change{ID: n, Blob: blob(8)})
		if res[0].Status != protocol.Conflict || res[1].Status != protocol.Applied || res[2].Status != protocol.Conflict {
			t.Fatalf("%+v", res)
		}
		if res[2].Current == nil || res[2].Current.Seq != res[1].Seq {
			t.Fatalf("the later change should conflict with the earlier one: %+v", res[2])
		}
	})
}

func mustPull(t testing.TB, l lib) []protocol.Record {
	recs, _ := pullAll(t, l, "")
	return recs
}

// A replayed push request (the same bytes again, e.g. by an attacker who
// saw it or a client retrying) cannot write twice: every change in it is
// now stale.
func TestReplayedPushIsHarmless(t *testing.T) {
	l := createLib(t)
	id := newID()
	base := push(t, l, protocol.Change{ID: id, Blob: blob(16)})[0].Seq
	body := protocol.PushRequest{Changes: []protocol.Change{
		{ID: id, BaseSeq: base, Blob: blob(16)},
		{ID: newID(), Blob: blob(16)},
	}}
	req := request{Method: "POST", Path: changesPath(l), Key: l.Key, Body: body}
	var first protocol.PushResponse
	expect(t, send(t, req), 200, &first)
	before := snapshot(t, l)
	for range 3 {
		var again protocol.PushResponse
		expect(t, send(t, req), 200, &again)
		for i, r := range again.Results {
			if r.Status != protocol.Conflict || r.Current == nil || r.Current.Seq != first.Results[i].Seq ||
				r.Current.Blob != body.Changes[i].Blob {
				t.Fatalf("replay result %d: %+v", i, r)
			}
		}
	}
	if after := snapshot(t, l); after != before {
		t.Fatalf("replays changed the store:\n%s\n---\n%s", before, after)
	}
}

func TestTombstonesAndResave(t *testing.T) {
	l := createLib(t)
	id := newID()
	s1 := push(t, l, protocol.Change{ID: id, Blob: blob(40)})[0].Seq
	tomb := blob(12)
	s2 := push(t, l, protocol.Change{ID: id, BaseSeq: s1, Deleted: true, Blob: tomb})[0]
	if s2.Status != protocol.Applied {
		t.Fatalf("%+v", s2)
	}
	r := byID(mustPull(t, l))[id]
	if !r.Deleted || r.Blob != tomb || r.Seq != s2.Seq {
		t.Fatalf("tombstone: %+v", r)
	}
	resave := blob(40)
	s3 := push(t, l, protocol.Change{ID: id, BaseSeq: s2.Seq, Blob: resave})[0]
	r = byID(mustPull(t, l))[id]
	if s3.Status != protocol.Applied || r.Deleted || r.Blob != resave {
		t.Fatalf("re-save: %+v %+v", s3, r)
	}
}

func TestDeleteLibrary(t *testing.T) {
	l := createLib(t)
	other := createLib(t)
	push(t, other, protocol.Change{ID: newID(), Blob: blob(20)})
	otherBefore := apiSnapshot(t, other)
	for range 5 {
		push(t, l, protocol.Change{ID: newID(), Blob: blob(20)})
	}
	_, oldCursor := pullAll(t, l, "")

	expect(t, send(t, request{Method: "DELETE", Path: "/v1/libraries/" + l.ID, Key: other.Key}), 401, nil)
	resp := send(t, request{Method: "DELETE", Path: "/v1/libraries/" + l.ID, Key: l.Key})
	expect(t, resp, 204, nil)
	if len(resp.Body) != 0 {
		t.Fatalf("204 with a body: %q", resp.Body)
	}
	// The key stops working: the library is gone.
	expect(t, send(t, request{Method: "GET", Path: changesPath(l), Key: l.Key}), 404, nil)
	expect(t, send(t, request{Method: "POST", Path: changesPath(l), Key: l.Key,
		Body: protocol.PushRequest{Changes: []protocol.Change{{ID: newID(), Blob: blob(8)}}}}), 404, nil)
	expect(t, send(t, request{Method: "DELETE", Path: "/v1/libraries/" + l.ID, Key: l.Key}), 404, nil)
	if got := apiSnapshot(t, other); got != otherBefore {
		t.Fatal("deleting one library changed another")
	}
	if native != nil && strings.Contains(dbDump(t), l.ID) {
		t.Fatal("the deleted library's rows are still in the database")
	}

	t.Run("re-created, it starts empty and an old cursor starts over", func(t *testing.T) {
		var cr protocol.CreateLibraryResponse
		expect(t, send(t, request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 201, &cr)
		if recs := mustPull(t, l); len(recs) != 0 {
			t.Fatalf("%d records after re-create", len(recs))
		}
		id := newID()
		push(t, l, protocol.Change{ID: id, Blob: blob(8)})
		// The old cursor (seq 5) is ahead of the new library's seq 1: honouring
		// it would hide the record forever.
		p := pullPage(t, l, oldCursor, 0)
		if len(p.Changes) != 1 || p.Changes[0].ID != id {
			t.Fatalf("old cursor after re-create: %+v", p)
		}
	})
}

func TestQuotas(t *testing.T) {
	t.Run("records", func(t *testing.T) {
		l := createLib(t)
		for i := 0; i < testMaxRecords; i += protocol.MaxBatchChanges {
			var cs []protocol.Change
			for range min(protocol.MaxBatchChanges, testMaxRecords-i) {
				cs = append(cs, protocol.Change{ID: newID(), Blob: blob(4)})
			}
			push(t, l, cs...)
		}
		before := snapshot(t, l)
		resp := send(t, request{Method: "POST", Path: changesPath(l), Key: l.Key,
			Body: protocol.PushRequest{Changes: []protocol.Change{{ID: newID(), Blob: blob(4)}}}})
		expect(t, resp, 413, nil)
		if after := snapshot(t, l); after != before {
			t.Fatal("a refused push changed the store")
		}
		// Updating an existing record is still allowed at the record quota.
		r := mustPull(t, l)[0]
		if res := push(t, l, protocol.Change{ID: r.ID, BaseSeq: r.Seq, Deleted: true, Blob: blob(4)}); res[0].Status != protocol.Applied {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		l := createLib(t)
		big := protocol.MaxRecordBlobBytes
		a := push(t, l, protocol.Change{ID: newID(), Blob: blob(big)})[0]
		push(t, l, protocol.Change{ID: newID(), Blob: blob(big)})
		before := snapshot(t, l)
		expect(t, send(t, request{Method: "POST", Path: changesPath(l), Key: l.Key,
			Body: protocol.PushRequest{Changes: []protocol.Change{{ID: newID(), Blob: blob(testMaxBytes - 2*big + 1)}}}}), 413, nil)
		// Growing an existing record past the quota is refused the same way.
		expect(t, send(t, request{Method: "POST", Path: changesPath(l), Key: l.Key,
			Body: protocol.PushRequest{Changes: []protocol.Change{{ID: a.ID, BaseSeq: a.Seq, Blob: blob(big + 1000)}}}}), 413, nil)
		if after := snapshot(t, l); after != before {
			t.Fatal("a refused push changed the store")
		}
		// Shrinking one frees room.
		push(t, l, protocol.Change{ID: a.ID, BaseSeq: a.Seq, Deleted: true, Blob: blob(10)})
		push(t, l, protocol.Change{ID: newID(), Blob: blob(big / 2)})
	})
}

// waitWindowStart sleeps until just after a rate-limit window begins (the
// server's windows are aligned to the clock both share) and returns it.
func waitWindowStart() int64 {
	w := testRateWindow.Milliseconds()
	time.Sleep(time.Duration(w-time.Now().UnixMilli()%w+50) * time.Millisecond)
	return time.Now().UnixMilli() / w
}

func inWindow(win int64) bool { return time.Now().UnixMilli()/testRateWindow.Milliseconds() == win }

func checkRetryAfter(t *testing.T, resp response) int {
	t.Helper()
	expect(t, resp, 429, nil)
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(testRateWindow/time.Second) {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	return secs
}

// Creating libraries is limited per client address: exactly the limit
// succeeds in a window, the next one is 429 with Retry-After, and after
// waiting it works again. Sequential and small, so it runs against a slow
// server too (the counter is one UPSERT in the database on both runtimes).
func TestRateLimitCreates(t *testing.T) {
	existing := createLib(t)
	for attempt := 0; ; attempt++ {
		win := waitWindowStart()
		ok := 0
		var last response
		for range testCreateLimit + 1 {
			l := newLib()
			last = sendOnce(t, request{Method: "POST", Path: "/v1/libraries",
				Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}})
			if last.Status != 201 {
				break
			}
			ok++
		}
		if !inWindow(win) {
			if attempt < 2 {
				continue
			}
			t.Skipf("the server is too slow to make %d requests in %s", testCreateLimit+1, testRateWindow)
		}
		if ok != testCreateLimit {
			t.Fatalf("%d creates succeeded before status %d, want %d", ok, last.Status, testCreateLimit)
		}
		secs := checkRetryAfter(t, last)
		// The libraries' own budgets are separate.
		expect(t, sendOnce(t, request{Method: "GET", Path: changesPath(existing), Key: existing.Key}), 200, nil)
		time.Sleep(time.Duration(secs) * time.Second)
		l := newLib()
		expect(t, sendOnce(t, request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 201, nil)
		return
	}
}

// Requests to one library are limited: a concurrent burst of limit+1 in one
// window gets exactly one 429; other libraries are unaffected.
func TestRateLimitLibrary(t *testing.T) {
	l := createLib(t)
	other := createLib(t)
	path := changesPath(l) + "?limit=1"
	for attempt := 0; ; attempt++ {
		win := waitWindowStart()
		statuses := make([]int, testRateLimit+1)
		var limited response
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					resp := sendOnce(t, request{Method: "GET", Path: path, Key: l.Key})
					statuses[i] = resp.Status
					if resp.Status == 429 {
						mu.Lock()
						limited = resp
						mu.Unlock()
					}
				}
			})
		}
		for i := range statuses {
			next <- i
		}
		close(next)
		wg.Wait()
		if !inWindow(win) {
			if attempt < 1 {
				continue
			}
			t.Skipf("the server is too slow to answer %d requests in %s", testRateLimit+1, testRateWindow)
		}
		counts := map[int]int{}
		for _, s := range statuses {
			counts[s]++
		}
		if counts[200] != testRateLimit || counts[429] != 1 || len(counts) != 2 {
			t.Fatalf("statuses %v; want %d × 200 and 1 × 429", counts, testRateLimit)
		}
		secs := checkRetryAfter(t, limited)
		expect(t, sendOnce(t, request{Method: "GET", Path: changesPath(other), Key: other.Key}), 200, nil)
		time.Sleep(time.Duration(secs) * time.Second)
		expect(t, sendOnce(t, request{Method: "GET", Path: path, Key: l.Key}), 200, nil)
		return
	}
}

func TestCORS(t *testing.T) {
	l := createLib(t)
	for _, tc := range []struct {
		origin string
		allow  bool
	}{
		{"chrome-extension://abcdefghijklmnopabcdefghijklmnop", true},
		{"moz-extension://0b9d4e3a-3c1b-4b5e-9d6f-0c6a2e1f5a77", true},
		{"https://evil.example", false},
		{"http://127.0.0.1:8787", false},
		{"null", false},
		{"chrome-extension://", false},
		{"chrome-extension://abc/../x", false},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			resp := send(t, request{Method: "GET", Path: changesPath(l), Key: l.Key,
				Header: map[string]string{"Origin": tc.origin}})
			expect(t, resp, 200, nil)
			got := resp.Header.Get("Access-Control-Allow-Origin")
			if tc.allow != (got == tc.origin) || (!tc.allow && got != "") {
				t.Fatalf("Access-Control-Allow-Origin %q", got)
			}
			pre := sendOnce(t, request{Method: "OPTIONS", Path: changesPath(l), Header: map[string]string{
				"Origin": tc.origin, "Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "authorization, content-type"}})
			if tc.allow {
				if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != tc.origin ||
					!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
					!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
					t.Fatalf("preflight: %d %v", pre.Status, pre.Header)
				}
			} else if pre.Header.Get("Access-Control-Allow-Origin") != "" || pre.Status < 400 {
				t.Fatalf("preflight from a web origin: %d %v", pre.Status, pre.Header)
			}
		})
	}
}
