//go:build !js

package synchttp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synchttp"
	"unspool/shared/sync/synctest"
)

var ctx = context.Background()

func httpClient(t *testing.T, srv *httptest.Server, secret sync.Secret, device string) *sync.Client {
	tr, err := synchttp.New(srv.URL+"/", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	c, err := sync.NewClient(sync.Options{
		Transport: tr, Secret: secret, Device: device,
		Sleep: func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two devices through the HTTP transport against the reference server,
// with the connection dropped after the server applied a push.
func TestTransport_TwoDevices(t *testing.T) {
	fake := synctest.NewServer()
	fake.Faults = func(op string, n int) synctest.Fault {
		if op == "push" && n == 1 {
			return synctest.FailAfter
		}
		return synctest.OK
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	secret, _ := sync.NewSecret()
	a, b := httpClient(t, srv, secret, "A"), httpClient(t, srv, secret, "B")
	if created, err := a.Connect(ctx); err != nil || !created {
		t.Fatalf("connect: %v %v", created, err)
	}
	if created, err := b.Connect(ctx); err != nil || created {
		t.Fatalf("join: %v %v", created, err)
	}
	for _, id := range []string{"1", "2", "3"} {
		if _, err := a.Save(synctest.Thread(id, synctest.Nums(20), 0)); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := a.Sync(ctx)
	if err != nil || rep.Retries != 1 || rep.Pending != 0 {
		t.Fatalf("sync A: %+v %v", rep, err)
	}
	keys := sync.DeriveKeys(secret)
	for _, id := range []string{"x:1", "x:2", "x:3"} {
		if w := fake.Writes(keys.LibraryID, keys.RecordID(id)); w != 1 {
			t.Fatalf("%s written %d times", id, w)
		}
	}
	if _, err := b.Sync(ctx); err != nil || len(b.Library()) != 3 {
		t.Fatalf("B: %v, %d threads", err, len(b.Library()))
	}
	if err := a.DeleteLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = b.Sync(ctx)
	var ae *sync.APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != protocol.CodeNotFound {
		t.Fatalf("sync after the library was deleted: %v", err)
	}
}

func TestTransport_Errors(t *testing.T) {
	fake := synctest.NewServer()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	secret, _ := sync.NewSecret()
	keys := sync.DeriveKeys(secret)
	tr, _ := synchttp.New(srv.URL, nil)
	if _, err := tr.CreateLibrary(ctx, protocol.CreateLibraryRequest{LibraryID: keys.LibraryID, AuthKey: keys.AuthKey}); err != nil {
		t.Fatal(err)
	}
	other, _ := sync.NewSecret()
	wrong := sync.DeriveKeys(other).AuthKey
	_, err := tr.Pull(ctx, keys.LibraryID, wrong, "", 0)
	var ae *sync.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != protocol.CodeUnauthorized || sync.Retryable(err) {
		t.Fatalf("wrong key: %v", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), keys.AuthKey) {
		t.Fatal("an auth key is in an error message")
	}
	if _, err := tr.Pull(ctx, keys.LibraryID, keys.AuthKey, "not-a-cursor", 0); !errors.As(err, &ae) || ae.Status != 400 {
		t.Fatalf("bad cursor: %v", err)
	}
	if _, err := synchttp.New("ftp://example.com", nil); err == nil {
		t.Fatal("an ftp URL was accepted")
	}

	// What a proxy or an overloaded server might answer.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("since") {
		case "429":
			w.Header().Set("Retry-After", "12")
			w.WriteHeader(429)
			w.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
		case "503":
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(503)
		case "502":
			w.WriteHeader(502)
			w.Write([]byte("<html>Bad Gateway</html>"))
		default:
			w.Write([]byte("<html>captive portal</html>"))
		}
	}))
	defer proxy.Close()
	ptr, _ := synchttp.New(proxy.URL, nil)
	_, err = ptr.Pull(ctx, keys.LibraryID, keys.AuthKey, "429", 0)
	if !errors.As(err, &ae) || ae.RetryAfter != 12*time.Second || ae.Message != "slow down" || !sync.Retryable(err) {
		t.Fatalf("429: %#v", err)
	}
	_, err = ptr.Pull(ctx, keys.LibraryID, keys.AuthKey, "503", 0)
	if !errors.As(err, &ae) || ae.RetryAfter < 59*time.Minute || ae.RetryAfter > time.Hour || !sync.Retryable(err) {
		t.Fatalf("503 with an HTTP date: %#v", err)
	}
	_, err = ptr.Pull(ctx, keys.LibraryID, keys.AuthKey, "502", 0)
	if !errors.As(err, &ae) || ae.Status != 502 || !strings.Contains(ae.Message, "not come from an Unspool server") || !sync.Retryable(err) {
		t.Fatalf("502: %v", err)
	}
	if _, err = ptr.Pull(ctx, keys.LibraryID, keys.AuthKey, "", 0); err == nil || !sync.Retryable(err) {
		t.Fatalf("HTML with 200: %v", err)
	}
}
