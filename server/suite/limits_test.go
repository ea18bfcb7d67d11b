package suite

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unspool/shared/protocol"
)

// LimitsEnv is the private deployment TestHostileClientsStorageLimits runs
// against, on top of TestEnv: a small storage budget, a creation token, two
// creations per address (per /64 for IPv6) an hour, two live shares per
// library, unpublished pages gone after 2 s. Natively the client address is
// read from CF-Connecting-IP (UNSPOOL_CLIENT_IP_HEADER, as behind
// Cloudflare's proxy), which the Worker reads anyway. Keep build.sh's
// LIMITS_VARS equal to it.
var LimitsEnv = map[string]string{
	"UNSPOOL_RATE_WINDOW":      "3600",
	"UNSPOOL_CREATE_LIMIT":     "2",
	"UNSPOOL_CREATE_TOKEN":     limitsCreateToken,
	"UNSPOOL_MAX_SHARES":       "2",
	"UNSPOOL_MAX_BYTES":        "400000",
	"UNSPOOL_GONE_SECONDS":     "2",
	"UNSPOOL_BUDGET_BYTES":     "2000000",
	"UNSPOOL_CLIENT_IP_HEADER": "CF-Connecting-IP",
}

const limitsCreateToken = "suite-creation-token-5f3a9c1e"

// limitsServer is the base URL of a server running with LimitsEnv: a
// native one of the test's own, or UNSPOOL_TEST_SERVER when build.sh
// started that Worker with LimitsEnv (UNSPOOL_TEST_LIMITS=1).
func limitsServer(t *testing.T) string {
	t.Helper()
	secrets.add(limitsCreateToken)
	if native == nil {
		if os.Getenv("UNSPOOL_TEST_LIMITS") == "" {
			t.Skip("needs a server running with LimitsEnv (build.sh runs this test against its own Worker)")
		}
		return baseURL
	}
	saved := map[string]string{}
	for k, v := range LimitsEnv {
		if old, ok := TestEnv[k]; ok {
			saved[k] = old
		}
		TestEnv[k] = v
	}
	srv, err := startNative(filepath.Join(t.TempDir(), "data"), "127.0.0.1:0", "-shards", "1")
	for k := range LimitsEnv {
		delete(TestEnv, k)
	}
	for k, v := range saved {
		TestEnv[k] = v
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.stop)
	return srv.url
}

// randomIPv4 is a client address of its own, so the creation limit of one
// subtest does not spend another's.
func randomIPv4() string {
	return fmt.Sprintf("10.%d.%d.%d", rand.IntN(256), rand.IntN(256), 1+rand.IntN(254))
}

// Hostile clients against a public deployment's storage: each limit an
// operator sets holds in both runtimes, with the protocol's JSON errors.
func TestHostileClientsStorageLimits(t *testing.T) {
	base := limitsServer(t)
	createAs := func(t *testing.T, l lib, ip, token string) response {
		return sendOnce(t, request{Base: base, Method: "POST", Path: "/v1/libraries",
			Header: map[string]string{"CF-Connecting-IP": ip},
			Body:   protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key, CreateToken: token}})
	}
	create := func(t *testing.T) lib {
		l := newLib()
		expect(t, createAs(t, l, randomIPv4(), limitsCreateToken), 201, nil)
		return l
	}
	pushOne := func(t *testing.T, l lib, decoded int) response {
		return sendOnce(t, request{Base: base, Method: "POST", Path: changesPath(l), Key: l.Key,
			Body: protocol.PushRequest{Changes: []protocol.Change{{ID: newID(), Blob: base64.StdEncoding.EncodeToString(make([]byte, decoded))}}}})
	}
	publishAs := func(t *testing.T, l lib, threadID string) response {
		th := thread25(t)
		th.ID = threadID
		return sendOnce(t, request{Base: base, Method: "POST", Path: sharesPath(l), Key: l.Key,
			Body: protocol.ShareRequest{Thread: th}})
	}

	t.Run("creating a library needs the operator's creation token (403 without it)", func(t *testing.T) {
		ip := randomIPv4()
		for _, token := range []string{"", "wrong-token-of-the-right-length", strings.ToUpper(limitsCreateToken)} {
			l := newLib()
			expect(t, createAs(t, l, ip, token), 403, nil)
			if got := sendOnce(t, request{Base: base, Method: "GET", Path: changesPath(l), Key: l.Key}); got.Status != 404 {
				t.Fatalf("a library was created with token %q: pull answers %d", token, got.Status)
			}
		}
		// Refusals spend no creation budget: the address still creates two.
		expect(t, createAs(t, newLib(), ip, limitsCreateToken), 201, nil)
		expect(t, createAs(t, newLib(), ip, limitsCreateToken), 201, nil)
	})

	t.Run("an IPv6 client's whole /64 is one address for the creation limit", func(t *testing.T) {
		a, b := rand.IntN(0xffff), rand.IntN(0xfffe)
		net64 := fmt.Sprintf("2001:db8:%x:%x:", a, b)
		expect(t, createAs(t, newLib(), net64+"1:2:3:4", limitsCreateToken), 201, nil)
		expect(t, createAs(t, newLib(), net64+"aaaa:bbbb:cccc:dddd", limitsCreateToken), 201, nil)
		resp := createAs(t, newLib(), net64+"ffff::9", limitsCreateToken)
		expect(t, resp, 429, nil)
		if resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		// The next /64 is another subscriber.
		expect(t, createAs(t, newLib(), fmt.Sprintf("2001:db8:%x:%x::1", a, b+1), limitsCreateToken), 201, nil)
	})

	t.Run("a library has at most UNSPOOL_MAX_SHARES live shares", func(t *testing.T) {
		l := create(t)
		var first protocol.ShareResponse
		expect(t, publishAs(t, l, "1001"), 201, &first)
		expect(t, publishAs(t, l, "1002"), 201, nil)
		expect(t, publishAs(t, l, "1003"), 413, nil)
		expect(t, publishAs(t, l, "1001"), 200, nil) // updating one in place is no new share
		expect(t, sendOnce(t, request{Base: base, Method: "DELETE", Path: sharesPath(l) + "/" + first.Slug, Key: l.Key}), 204, nil)
		expect(t, publishAs(t, l, "1003"), 201, nil)
	})

	t.Run("share pages count in the library's byte quota", func(t *testing.T) {
		// 399,000 of the 400,000 bytes fit in an empty library…
		expect(t, pushOne(t, create(t), 399_000), 200, nil)
		// …not beside a published page.
		l := create(t)
		expect(t, publishAs(t, l, "2001"), 201, nil)
		expect(t, pushOne(t, l, 399_000), 413, nil)
	})

	t.Run("an unpublished page answers 410 for UNSPOOL_GONE_SECONDS, then 404", func(t *testing.T) {
		l := create(t)
		var sr protocol.ShareResponse
		expect(t, publishAs(t, l, "3001"), 201, &sr)
		expect(t, sendOnce(t, request{Base: base, Method: "DELETE", Path: sharesPath(l) + "/" + sr.Slug, Key: l.Key}), 204, nil)
		page := func() int { return sendOnce(t, request{Base: base, Method: "GET", Path: sr.URL}).Status }
		if got := page(); got != 410 {
			t.Fatalf("just unpublished: %d, want 410", got)
		}
		time.Sleep(3 * time.Second)
		if got := page(); got != 404 {
			t.Fatalf("after the period: %d, want 404", got)
		}
		expect(t, publishAs(t, l, "3002"), 201, nil) // a write purges the row
		if got := page(); got != 404 {
			t.Fatalf("after the purge: %d, want 404", got)
		}
	})

	// Last: it fills the deployment.
	t.Run("a full deployment refuses new writes with 507 and keeps reads and deletes", func(t *testing.T) {
		// Filled with large records, then small ones: what is left is less
		// than a small record, so less than a page too.
		var libs []lib
		for _, size := range []int{120_000, 15_000} {
			var full response
			for len(libs) < 40 && full.Status == 0 {
				l := create(t)
				libs = append(libs, l)
				for range 3 {
					resp := pushOne(t, l, size)
					if resp.Status == 507 {
						full = resp
						break
					}
					expect(t, resp, 200, nil)
				}
			}
			if full.Status != 507 {
				t.Fatal("2,000,000 bytes of budget never ran out")
			}
			expect(t, full, 507, nil)
		}
		last := libs[len(libs)-1]
		expect(t, createAs(t, newLib(), randomIPv4(), limitsCreateToken), 201, nil) // a library costs no bytes
		expect(t, publishAs(t, last, "4001"), 507, nil)
		// Reads go on, a delete's small tombstone goes through, deleting a
		// library makes room.
		first := libs[0]
		recs, _ := pullFrom(t, base, first)
		if len(recs) == 0 {
			t.Fatal("pull on a full deployment returned nothing")
		}
		r := recs[0]
		var pushed protocol.PushResponse
		expect(t, sendOnce(t, request{Base: base, Method: "POST", Path: changesPath(first), Key: first.Key,
			Body: protocol.PushRequest{Changes: []protocol.Change{{ID: r.ID, BaseSeq: r.Seq, Deleted: true, Blob: blob(64)}}}}), 200, &pushed)
		if pushed.Results[0].Status != protocol.Applied {
			t.Fatalf("a delete on a full deployment: %+v", pushed.Results[0])
		}
		for _, l := range libs {
			expect(t, sendOnce(t, request{Base: base, Method: "DELETE", Path: "/v1/libraries/" + l.ID, Key: l.Key}), 204, nil)
		}
		expect(t, pushOne(t, create(t), 120_000), 200, nil)
	})
}

// pullFrom reads one page of l's records from the server at base.
func pullFrom(t *testing.T, base string, l lib) ([]protocol.Record, string) {
	var pr protocol.PullResponse
	expect(t, sendOnce(t, request{Base: base, Method: "GET", Path: changesPath(l), Key: l.Key}), 200, &pr)
	return pr.Changes, pr.Cursor
}
