package suite

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"unspool/server/store"
	"unspool/shared/protocol"
	"unspool/shared/sync"
	"unspool/shared/sync/synctest"
)

// libOnShard is a new library whose id lives on shard k of n.
func libOnShard(k, n int) lib {
	for {
		if l := newLib(); store.ShardOf(l.ID, n) == k {
			return l
		}
	}
}

// Every shard serves the whole protocol: a library on each one is created,
// pushed to, pulled from and publishes a page that its slug reads back.
func TestEveryShardServes(t *testing.T) {
	for k := range testShards {
		l := libOnShard(k, testShards)
		expect(t, send(t, request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 201, nil)
		id := newID()
		if res := push(t, l, protocol.Change{ID: id, Blob: blob(300)}); res[0].Status != protocol.Applied {
			t.Fatalf("shard %d: push %+v", k, res)
		}
		if recs := mustPull(t, l); len(recs) != 1 || recs[0].ID != id {
			t.Fatalf("shard %d: pulled %+v", k, recs)
		}
		sh := publish(t, l, thread25(t), false, 201)
		if k > 0 && !strings.HasPrefix(sh.Slug, strconv.Itoa(k)+".") {
			t.Errorf("shard %d published slug %q without its shard", k, sh.Slug)
		}
		expect(t, send(t, request{Method: "GET", Path: sh.URL + "?format=txt"}), 200, nil)
	}
}

// faultyServer is a 4-shard server on which shard `broken` cannot be used,
// and repair, which makes it usable again (nil when the test cannot do it).
// Natively the suite starts it with a directory where the shard's file
// should be; under wrangler dev, build.sh starts a worker whose DB_<broken>
// binding is missing and names it in UNSPOOL_TEST_FAULT_SERVER and
// UNSPOOL_TEST_FAULT_SHARD.
func faultyServer(t *testing.T) (url string, broken int, repair func()) {
	if u := os.Getenv("UNSPOOL_TEST_FAULT_SERVER"); u != "" {
		k, err := strconv.Atoi(os.Getenv("UNSPOOL_TEST_FAULT_SHARD"))
		if err != nil {
			t.Fatalf("UNSPOOL_TEST_FAULT_SHARD: %v", err)
		}
		return strings.TrimRight(u, "/"), k, nil
	}
	needNative(t)
	dir := t.TempDir()
	broken = 2
	if err := os.Mkdir(filepath.Join(dir, filepath.Base(store.ShardFile(dir, broken))), 0o700); err != nil {
		t.Fatal(err)
	}
	srv, err := startNative(dir, "127.0.0.1:0", "-shards", "4")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.stop)
	return srv.url, broken, func() {
		if err := os.Remove(store.ShardFile(dir, broken)); err != nil {
			t.Error(err)
		}
	}
}

// One shard down makes its libraries answer 503 with Retry-After, and only
// them; a device on it backs off and, once the shard is back, converges
// with nothing acknowledged lost.
func TestShardFaultStaysInItsShard(t *testing.T) {
	url, broken, repair := faultyServer(t)
	for k := range 4 {
		l := libOnShard(k, 4)
		create := sendOnce(t, request{Base: url, Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}})
		pull := func() response {
			return sendOnce(t, request{Base: url, Method: "GET", Path: changesPath(l), Key: l.Key})
		}
		if k != broken {
			expect(t, create, 201, nil)
			expect(t, sendOnce(t, request{Base: url, Method: "POST", Path: changesPath(l), Key: l.Key,
				Body: protocol.PushRequest{Changes: []protocol.Change{{ID: newID(), Blob: blob(100)}}}}), 200, nil)
			expect(t, pull(), 200, nil)
			continue
		}
		for _, resp := range []response{create, pull()} {
			expect(t, resp, 503, nil)
			if resp.errCode() != protocol.CodeUnavailable {
				t.Errorf("code %q", resp.errCode())
			}
			if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
		}
	}
	// A page on the broken shard is a 503 page, not a 404 (it may exist).
	page := sendOnce(t, request{Base: url, Method: "GET", Path: protocol.SharePath(strconv.Itoa(broken) + "." + strings.Repeat("A", protocol.ShareSlugLength))})
	if broken > 0 && (page.Status != 503 || page.Header.Get("Retry-After") == "") {
		t.Errorf("page on the broken shard: %d, Retry-After %q", page.Status, page.Header.Get("Retry-After"))
	}
	if repair == nil {
		return
	}

	// A real device on the broken shard: saves while it is down, and its
	// sync goes through once the shard is repaired.
	secret := secretOnShard(t, broken, 4)
	dev := newSyncClient(t, secret, url)
	if _, err := dev.Save(synctest.Thread("301", []int{1, 2, 3}, 0)); err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(time.Second); repair() }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := dev.Connect(ctx); err != nil {
		t.Fatalf("connect after repair: %v", err)
	}
	rep, err := dev.Sync(ctx)
	if err != nil || rep.Pending != 0 {
		t.Fatalf("sync after repair: %+v %v", rep, err)
	}
	other := newSyncClient(t, secret, url)
	if _, err := other.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	syncUntilQuiet(t, other)
	if a, b := libraryJSON(t, dev), libraryJSON(t, other); a != b || !strings.Contains(b, "301") {
		t.Fatalf("devices differ after the shard came back:\n%s\n%s", a, b)
	}
}

// secretOnShard is a new sync secret whose library lives on shard k of n.
func secretOnShard(t *testing.T, k, n int) sync.Secret {
	for {
		s, err := sync.NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if store.ShardOf(sync.DeriveKeys(s).LibraryID, n) == k {
			return s
		}
	}
}
