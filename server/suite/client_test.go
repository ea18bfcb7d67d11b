package suite

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"unspool/server/store"
	"unspool/shared/protocol"
)

var client = &http.Client{Timeout: 60 * time.Second}

// newID is a random 32-byte id in the protocol's form (base64url, 43 chars).
func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// lib is one library the test created.
type lib struct{ ID, Key string }

func newLib() lib {
	l := lib{ID: newID(), Key: newID()}
	secrets.add(l.Key)
	return l
}

// response is one HTTP answer, body read.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) errCode() string {
	var e protocol.ErrorResponse
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// request is what a test sends; Body is JSON-encoded unless it is []byte.
type request struct {
	Base         string // the server; "" is baseURL
	Method, Path string
	Key          string // Bearer key; "" sends no Authorization
	Header       map[string]string
	Body         any
}

// sendOnce sends one request and returns the answer, whatever its status.
func sendOnce(t testing.TB, r request) response {
	t.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	base := r.Base
	if base == "" {
		base = baseURL
	}
	req, err := http.NewRequest(r.Method, base+r.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Key != "" {
		req.Header.Set("Authorization", "Bearer "+r.Key)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", r.Method, r.Path, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// send is sendOnce that waits out 429s as a well-behaved client does
// (Retry-After), so tests that are not about rate limits are not flaky
// because of them.
func send(t testing.TB, r request) response {
	t.Helper()
	for range 20 {
		resp := sendOnce(t, r)
		if resp.Status != http.StatusTooManyRequests {
			return resp
		}
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		time.Sleep(time.Duration(max(secs, 1)) * time.Second)
	}
	t.Fatalf("%s %s: still rate limited after 20 tries", r.Method, r.Path)
	return response{}
}

// expect fails the test unless resp has the status (and, for errors, the
// protocol's error code for it), then decodes the body into v if given.
func expect(t testing.TB, resp response, status int, v any) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d; body %.300s", resp.Status, status, resp.Body)
	}
	if status >= 400 {
		var e protocol.ErrorResponse
		dec := json.NewDecoder(bytes.NewReader(resp.Body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("error body is not {\"error\":{\"code\",\"message\"}}: %.300s", resp.Body)
		}
		if protocol.Status[e.Error.Code] != status {
			t.Fatalf("error code %q goes with status %d, got %d", e.Error.Code, protocol.Status[e.Error.Code], status)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("error Content-Type %q", ct)
		}
	}
	if v != nil {
		if err := json.Unmarshal(resp.Body, v); err != nil {
			t.Fatalf("decoding %.300s: %v", resp.Body, err)
		}
	}
}

func createLib(t testing.TB) lib {
	t.Helper()
	l := newLib()
	var cr protocol.CreateLibraryResponse
	expect(t, send(t, request{Method: "POST", Path: "/v1/libraries",
		Body: protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}}), 201, &cr)
	if !cr.Created || cr.LibraryID != l.ID {
		t.Fatalf("create: %+v", cr)
	}
	return l
}

func changesPath(l lib) string { return "/v1/libraries/" + l.ID + "/changes" }

// blob is a random sealed-looking blob (the server cannot tell), remembered
// for the log leak check.
func blob(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	s := base64.StdEncoding.EncodeToString(b)
	secrets.add(s)
	return s
}

func push(t testing.TB, l lib, changes ...protocol.Change) []protocol.PushResult {
	t.Helper()
	var pr protocol.PushResponse
	expect(t, send(t, request{Method: "POST", Path: changesPath(l), Key: l.Key,
		Body: protocol.PushRequest{Changes: changes}}), 200, &pr)
	if len(pr.Results) != len(changes) {
		t.Fatalf("%d results for %d changes", len(pr.Results), len(changes))
	}
	return pr.Results
}

func pullPage(t testing.TB, l lib, since string, limit int) protocol.PullResponse {
	t.Helper()
	path := changesPath(l) + "?since=" + since
	if limit > 0 {
		path += "&limit=" + strconv.Itoa(limit)
	}
	var pr protocol.PullResponse
	expect(t, send(t, request{Method: "GET", Path: path, Key: l.Key}), 200, &pr)
	return pr
}

// pullAll follows pages from since until more is false.
func pullAll(t testing.TB, l lib, since string) ([]protocol.Record, string) {
	t.Helper()
	var all []protocol.Record
	for range 10_000 {
		p := pullPage(t, l, since, 0)
		all = append(all, p.Changes...)
		since = p.Cursor
		if !p.More {
			return all, since
		}
	}
	t.Fatal("pull never ended")
	return nil, ""
}

// snapshot is a library's whole content as the API shows it, for
// "nothing changed" assertions; natively the database dump adds to it.
func snapshot(t testing.TB, libs ...lib) string {
	t.Helper()
	return apiSnapshot(t, libs...) + dbDump(t)
}

// apiSnapshot is the libraries' content as pulls show it.
func apiSnapshot(t testing.TB, libs ...lib) string {
	t.Helper()
	var b strings.Builder
	for _, l := range libs {
		recs, _ := pullAll(t, l, "")
		fmt.Fprintf(&b, "library %s\n", l.ID)
		for _, r := range recs {
			fmt.Fprintf(&b, "  %s %d %v %x\n", r.ID, r.Seq, r.Deleted, r.Blob)
		}
	}
	return b.String()
}

// dbDump is the native database's libraries and records, read straight from
// every shard's file (empty against UNSPOOL_TEST_SERVER). Rate-limit counters
// are left out: they are bookkeeping, not library content.
func dbDump(t testing.TB) string {
	t.Helper()
	if native == nil {
		return ""
	}
	var b strings.Builder
	for i := range testShards {
		fmt.Fprintf(&b, "shard %d\n", i)
		dumpFile(t, &b, store.ShardFile(native.dataDir, i))
	}
	return b.String()
}

func dumpFile(t testing.TB, b *strings.Builder, path string) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`SELECT id, key_hash, created_at, record_count, bytes FROM libraries ORDER BY id`,
		`SELECT library_id, id, seq, deleted, size, length(blob), substr(blob, 1, 32) FROM records ORDER BY library_id, id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(b, vals...)
		}
		rows.Close()
	}
}

// byID indexes records by id.
func byID(recs []protocol.Record) map[string]protocol.Record {
	m := make(map[string]protocol.Record, len(recs))
	for _, r := range recs {
		m[r.ID] = r
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
