package suite

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"unspool/shared/protocol"
)

// Every malformed, oversized, misrouted or unauthorised request is refused
// with the right status and error code, and changes nothing.
func TestRefusedRequests(t *testing.T) {
	a, b := createLib(t), createLib(t)
	recA := push(t, a, protocol.Change{ID: newID(), Blob: blob(32)})[0]
	push(t, b, protocol.Change{ID: newID(), Blob: blob(32)})

	okChange := func() map[string]any {
		return map[string]any{"id": newID(), "baseSeq": 0, "deleted": false, "blob": blob(16)}
	}
	pushBody := func(c any) map[string]any { return map[string]any{"changes": []any{c}} }
	with := func(k string, v any) map[string]any { c := okChange(); c[k] = v; return c }
	forged := newID()
	secrets.add(forged)
	pa, pb := changesPath(a), changesPath(b)
	huge := bytes.Repeat([]byte(" "), protocol.MaxRequestBytes) // whitespace is valid JSON padding
	huge = append(append([]byte(`{"changes":[]`), huge...), '}')
	var tooMany []protocol.Change
	for range protocol.MaxBatchChanges + 1 {
		tooMany = append(tooMany, protocol.Change{ID: newID(), Blob: blob(4)})
	}

	cases := []struct {
		name   string
		req    request
		status int
	}{
		// Malformed bodies.
		{"malformed JSON", request{Method: "POST", Path: pa, Key: a.Key, Body: []byte(`{"changes":[`)}, 400},
		{"not JSON at all", request{Method: "POST", Path: pa, Key: a.Key, Body: []byte(`changes=1`)}, 400},
		{"empty body", request{Method: "POST", Path: pa, Key: a.Key, Body: []byte(``)}, 400},
		{"two JSON values", request{Method: "POST", Path: pa, Key: a.Key, Body: []byte(`{"changes":[]} {"changes":[]}`)}, 400},
		{"unknown field", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("extra", 1))}, 400},
		{"unknown top-level field", request{Method: "POST", Path: pa, Key: a.Key, Body: map[string]any{"changes": []any{}, "admin": true}}, 400},
		{"form content type", request{Method: "POST", Path: pa, Key: a.Key, Body: []byte(`{"changes":[]}`),
			Header: map[string]string{"Content-Type": "text/plain"}}, 415},
		// Wrong types.
		{"baseSeq as string", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("baseSeq", "0"))}, 400},
		{"baseSeq fractional", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("baseSeq", 1.5))}, 400},
		{"baseSeq negative", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("baseSeq", -1))}, 400},
		{"deleted as string", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("deleted", "true"))}, 400},
		{"blob as number", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("blob", 12))}, 400},
		{"changes as object", request{Method: "POST", Path: pa, Key: a.Key, Body: map[string]any{"changes": map[string]any{}}}, 400},
		{"blob not base64", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("blob", "not base64!"))}, 400},
		{"blob empty", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("blob", ""))}, 400},
		{"record id too short", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("id", "abc"))}, 400},
		{"record id not base64url", request{Method: "POST", Path: pa, Key: a.Key, Body: pushBody(with("id", strings.Repeat("+", 43)))}, 400},
		{"one bad change refuses the batch", request{Method: "POST", Path: pa, Key: a.Key,
			Body: map[string]any{"changes": []any{okChange(), with("id", "short")}}}, 400},
		{"create with bad library id", request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: "short", AuthKey: newID()}}, 400},
		{"pull limit too big", request{Method: "GET", Path: pa + fmt.Sprintf("?limit=%d", protocol.MaxPullLimit+1), Key: a.Key}, 400},
		{"pull limit not a number", request{Method: "GET", Path: pa + "?limit=ten", Key: a.Key}, 400},
		{"pull malformed cursor", request{Method: "GET", Path: pa + "?since=abc", Key: a.Key}, 400},
		// Too large.
		{"body over the request limit", request{Method: "POST", Path: pa, Key: a.Key, Body: huge}, 413},
		{"record over the blob limit", request{Method: "POST", Path: pa, Key: a.Key,
			Body: pushBody(with("blob", blob(protocol.MaxRecordBlobBytes+1)))}, 413},
		{"batch over the change limit", request{Method: "POST", Path: pa, Key: a.Key, Body: protocol.PushRequest{Changes: tooMany}}, 413},
		// Routes and methods.
		{"unknown route", request{Method: "GET", Path: "/v1/nothing", Key: a.Key}, 404},
		{"root", request{Method: "GET", Path: "/"}, 404},
		{"unknown version", request{Method: "POST", Path: "/v2/libraries/" + a.ID + "/changes", Key: a.Key, Body: pushBody(okChange())}, 404},
		{"PUT changes", request{Method: "PUT", Path: pa, Key: a.Key, Body: pushBody(okChange())}, 405},
		{"PATCH library", request{Method: "PATCH", Path: "/v1/libraries/" + a.ID, Key: a.Key}, 405},
		{"GET libraries", request{Method: "GET", Path: "/v1/libraries"}, 405},
		{"DELETE changes", request{Method: "DELETE", Path: pa, Key: a.Key}, 405},
		// Authentication.
		{"no key", request{Method: "POST", Path: pa, Body: pushBody(okChange())}, 401},
		{"forged key", request{Method: "POST", Path: pa, Key: forged, Body: pushBody(okChange())}, 401},
		{"forged key pull", request{Method: "GET", Path: pa, Key: forged}, 401},
		{"forged key delete", request{Method: "DELETE", Path: "/v1/libraries/" + a.ID, Key: forged}, 401},
		{"malformed key", request{Method: "GET", Path: pa, Key: "x"}, 401},
		{"key with another scheme", request{Method: "GET", Path: pa, Header: map[string]string{"Authorization": "Basic " + a.Key}}, 401},
		{"b's key on a's push", request{Method: "POST", Path: pa, Key: b.Key, Body: pushBody(okChange())}, 401},
		{"b's key on a's pull", request{Method: "GET", Path: pa, Key: b.Key}, 401},
		{"b's key deletes a", request{Method: "DELETE", Path: "/v1/libraries/" + a.ID, Key: b.Key}, 401},
		{"a's key on b's update of a's record", request{Method: "POST", Path: pb, Key: a.Key,
			Body: pushBody(map[string]any{"id": recA.ID, "baseSeq": recA.Seq, "deleted": true, "blob": blob(8)})}, 401},
		{"create a's id with b's key", request{Method: "POST", Path: "/v1/libraries",
			Body: protocol.CreateLibraryRequest{LibraryID: a.ID, AuthKey: b.Key}}, 401},
		{"unknown library", request{Method: "GET", Path: "/v1/libraries/" + newID() + "/changes", Key: a.Key}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, a, b)
			expect(t, send(t, tc.req), tc.status, nil)
			if after := snapshot(t, a, b); after != before {
				t.Fatalf("the refused request changed the store:\n%s\n---\n%s", before, after)
			}
		})
	}
}
