package sync_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	mrand "math/rand/v2"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// The policy's numbers are the ones the extension runs with: per request a
// few short waits (a browser stops an idle background worker after ~30 s),
// between failed syncs 15 s doubling to half an hour.
func TestPolicy(t *testing.T) {
	for attempt := 1; attempt <= 12; attempt++ {
		want := min(500*time.Millisecond<<(attempt-1), 4*time.Second)
		for range 50 {
			if d := sync.DefaultBackoff(attempt); d < want/2 || d > want {
				t.Fatalf("DefaultBackoff(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	var total time.Duration
	for attempt := 1; attempt < sync.MaxAttempts; attempt++ {
		total += min(500*time.Millisecond<<(attempt-1), 4*time.Second)
	}
	if total > 10*time.Second {
		t.Fatalf("the waits of one request add up to %v: too long for a browser's background", total)
	}
	for failures, want := range map[int]time.Duration{1: 15 * time.Second, 2: 30 * time.Second, 5: 240 * time.Second, 8: 30 * time.Minute, 400: 30 * time.Minute} {
		for range 50 {
			if d := sync.RetryIn(failures, errors.New("x")); d < want || d > want+want/5 {
				t.Fatalf("RetryIn(%d) = %v, want within [%v, %v]", failures, d, want, want+want/5)
			}
		}
	}
	slow := &sync.APIError{Status: 429, RetryAfter: time.Hour}
	if d := sync.RetryIn(1, fmt.Errorf("push: %w", slow)); d != time.Hour {
		t.Fatalf("RetryIn after Retry-After 1h = %v", d)
	}
}

// A Retry-After longer than a sync should wait ends the sync at once (the
// next one is scheduled after it); a short one is waited out.
func TestClient_LongRetryAfterEndsTheSync(t *testing.T) {
	f := newFleet(t, 1, mrand.New(mrand.NewPCG(1, 1)))
	tr := &failing{Transport: f.srv, err: &sync.APIError{Status: 429, Code: protocol.CodeRateLimited, RetryAfter: time.Minute}}
	a := f.newDevice("devR", 0, nil, tr)
	a.Save(synctest.Thread("1", []int{1}, 0))
	if _, err := a.Sync(ctx); err == nil || tr.calls != 1 || len(f.sleeps) != 0 {
		t.Fatalf("err %v after %d calls and waits %v", err, tr.calls, f.sleeps)
	}
}

// unreachable fails every request as a network failure does.
type unreachable struct{ sync.Transport }

func (unreachable) Pull(context.Context, string, string, string, int) (protocol.PullResponse, error) {
	return protocol.PullResponse{}, fmt.Errorf("dial: %w", sync.ErrUnreachable)
}

// Run is what unspool.syncRun answers: words for the status line, when to
// try again, and the counts.
func TestRun(t *testing.T) {
	srv := synctest.NewServer()
	secret, _ := sync.NewSecret()
	req := func(op string) sync.RunRequest {
		return sync.RunRequest{Op: op, Secret: secret.Text(), Server: "https://sync.example:8443", Failures: 1}
	}
	store := sync.NewMemoryStore()
	if out := sync.Run(ctx, req("join"), srv, store); out.Error != "There is no library with this sync code on sync.example:8443. Check the code and the server address." {
		t.Fatalf("join before create: %+v", out)
	}
	if out := sync.Run(ctx, req("create"), srv, store); out.Error != "" {
		t.Fatalf("create: %+v", out)
	}
	if out := sync.Run(ctx, req("join"), srv, store); out.Error != "" {
		t.Fatalf("join: %+v", out)
	}

	// The extension's edits go into its store; Run sends them. One over the
	// size limit stays behind, counted, and the sync still went through.
	edit := func(id string, posts []int, big bool) {
		th := synctest.Thread(id, posts, 0)
		if big {
			for i := range th.Posts {
				noise := make([]byte, 60_000)
				rand.Read(noise)
				th.Posts[i].Text = base64.StdEncoding.EncodeToString(noise)
			}
		}
		var s sync.SavedThread
		if err := s.Save(th, time.Now(), sync.HLC{Wall: time.Now().UnixMilli(), Device: "ext"}); err != nil {
			t.Fatal(err)
		}
		store.Update(ctx, []string{s.ID}, func(string, *sync.Local) (*sync.Local, bool) { return &sync.Local{Saved: s}, true })
	}
	edit("1", []int{1, 2}, false)
	edit("2", synctest.Nums(20), true)
	out := sync.Run(ctx, req("sync"), srv, store)
	if out.Error != "" || out.RetryInMs != 0 || out.Pushed != 1 || out.Unsendable != 1 || out.Pending != 1 {
		t.Fatalf("sync: %+v", out)
	}
	b, _ := json.Marshal(out)
	for _, field := range []string{`"pushed":1`, `"unsendable":1`, `"pending":1`, `"error":""`, `"retryInMs":0`, `"rejected":0`} {
		if !strings.Contains(string(b), field) {
			t.Fatalf("the outcome JSON %s has no %s", b, field)
		}
	}

	out = sync.Run(ctx, req("sync"), unreachable{srv}, store)
	if out.Error != "Can't reach the sync server (sync.example:8443). Your changes are kept and will be sent when it is back." ||
		out.RetryInMs < 30_000 || out.RetryInMs > 36_000 {
		t.Fatalf("unreachable, second failure: %+v", out)
	}

	if out := sync.Run(ctx, req("delete"), srv, store); out.Error != "" {
		t.Fatalf("delete: %+v", out)
	}
	out = sync.Run(ctx, req("sync"), srv, store)
	if !strings.Contains(out.Error, "no longer accepts this device's sync code") && !strings.Contains(out.Error, "not on the sync server any more") {
		t.Fatalf("sync after delete: %+v", out)
	}
	if out := sync.Run(ctx, sync.RunRequest{Op: "merge", Secret: secret.Text()}, srv, store); !strings.Contains(out.Error, `unknown operation "merge"`) {
		t.Fatalf("unknown op: %+v", out)
	}
	if out := sync.Run(ctx, sync.RunRequest{Op: "sync", Secret: "nope"}, srv, store); out.Error == "" {
		t.Fatal("a bad secret ran")
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{sync.NewAPIError(protocol.CodeUnauthorized, "x"), "The server no longer accepts this device's sync code (was the library deleted from another device?). Turn sync off, then join again."},
		{sync.NewAPIError(protocol.CodeNotFound, "x"), "Your library is not on the sync server any more (it may have been deleted from another device). Turn sync off and on again to upload it."},
		{&sync.APIError{Status: 413}, "A saved thread is too large for the sync server, or the library is over its storage limit."},
		{&sync.APIError{Status: 429}, "The sync server asked us to slow down; we will try again shortly."},
		{&sync.APIError{Status: 502}, "The sync server had a problem (502); we will try again shortly."},
		{&sync.APIError{Status: 400, Message: "bad cursor"}, "The sync server refused a request (400: bad cursor)."},
		{synctest.ErrInjected, "Can't reach the sync server (h). Your changes are kept and will be sent when it is back."},
		{errors.New("sync: the server answered 1 results for 2 changes"), "Sync did not finish (wrapped: sync: the server answered 1 results for 2 changes); we will try again shortly."},
	} {
		if got := sync.Words(fmt.Errorf("wrapped: %w", c.err), "h"); got != c.want {
			t.Errorf("Words(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// A stored record as the extension keeps it ({…saved thread, key, seq})
// reads as a Local and writes back in the same shape.
func TestLocalJSON(t *testing.T) {
	s := savedThread(t, "5", 2)
	b, _ := json.Marshal(s)
	stored := `{"key":"x:5","seq":42,` + string(b[1:])
	var l sync.Local
	if err := json.Unmarshal([]byte(stored), &l); err != nil {
		t.Fatal(err)
	}
	if l.Seq != 42 || js(t, l.Saved) != js(t, s) {
		t.Fatalf("read %d %s", l.Seq, js(t, l.Saved))
	}
	out, _ := json.Marshal(l)
	var back map[string]any
	json.Unmarshal(out, &back)
	if back["seq"] != 42.0 || back["id"] != "x:5" || len(back) != len(mapOf(t, b))+1 {
		t.Fatalf("wrote %s", out)
	}
	if err := json.Unmarshal([]byte(`{"id":"x:5","seq":1,"thread":{"platform":"x"}}`), &l); err == nil {
		t.Fatal("an invalid stored record was read")
	}
}

func mapOf(t *testing.T, b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A sync that finds the server lost what it had acknowledged (here: the
// library wiped and made again) goes through, and its outcome says how
// many records were sent again (rolledBack), for the status line.
func TestRun_ReportsARolledBackServer(t *testing.T) {
	srv := synctest.NewServer()
	secret, _ := sync.NewSecret()
	req := sync.RunRequest{Op: "sync", Secret: secret.Text(), Server: "https://sync.example"}
	store := sync.NewMemoryStore()
	var s sync.SavedThread
	s.Save(synctest.Thread("1", []int{1}, 0), time.Now(), sync.HLC{Wall: time.Now().UnixMilli(), Device: "ext"})
	store.Update(ctx, []string{s.ID}, func(string, *sync.Local) (*sync.Local, bool) { return &sync.Local{Saved: s}, true })
	if out := sync.Run(ctx, sync.RunRequest{Op: "create", Secret: req.Secret}, srv, store); out.Error != "" {
		t.Fatal(out.Error)
	}
	if out := sync.Run(ctx, req, srv, store); out.Error != "" || out.Pushed != 1 || out.RolledBack != 0 {
		t.Fatalf("first sync: %+v", out)
	}
	keys := sync.DeriveKeys(secret)
	srv.DeleteLibrary(ctx, keys.LibraryID, keys.AuthKey)
	srv.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: keys.LibraryID, AuthKey: keys.AuthKey})
	s.SetNote("a note", sync.HLC{Wall: time.Now().UnixMilli() + 1, Device: "ext"})
	store.Update(ctx, []string{s.ID}, func(_ string, cur *sync.Local) (*sync.Local, bool) { return &sync.Local{Saved: s, Seq: cur.Seq}, true })
	out := sync.Run(ctx, req, srv, store)
	b, _ := json.Marshal(out)
	if out.Error != "" || out.RetryInMs != 0 || out.RolledBack != 1 || out.Pending != 0 || !strings.Contains(string(b), `"rolledBack":1`) {
		t.Fatalf("sync after the wipe: %s", b)
	}
}
