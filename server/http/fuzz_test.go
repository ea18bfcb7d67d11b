//go:build !js

package http_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log"
	"net/http/httptest"
	"path/filepath"
	"testing"

	serverhttp "unspool/server/http"
	"unspool/server/library"
	"unspool/server/store"
	"unspool/shared/protocol"
)

// FuzzPushBody sends arbitrary bodies to the push route of a real store:
// whatever the bytes, the answer is 200 with one result per change, or a
// protocol error (400 or 413) in the error shape — never a panic, a 500 or
// a body of another shape.
func FuzzPushBody(f *testing.F) {
	for _, seed := range []string{
		`{"changes":[]}`,
		`{"changes":[{"id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","baseSeq":0,"deleted":false,"blob":"aGVsbG8="}]}`,
		`{"changes":[{"id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","baseSeq":"1","blob":"aGVsbG8="}]}`,
		`{"changes":[{"id":"x","baseSeq":-1,"blob":""}]}`,
		`{"changes":null}`, `null`, `[]`, `{`, `{"changes":[{}]} {}`, `{"changes":[],"x":1}`,
	} {
		f.Add([]byte(seed))
	}
	st, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), store.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	a := library.Auth{LibraryID: base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		Key: base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))}
	if _, err := st.CreateLibrary(context.Background(), a, "fuzz"); err != nil {
		f.Fatal(err)
	}
	h := serverhttp.NewHandler(st, st, log.New(&bytes.Buffer{}, "", 0))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/v1/libraries/"+a.LibraryID+"/changes", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.Key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			var in protocol.PushRequest
			var out protocol.PushResponse
			if json.Unmarshal(body, &in) != nil || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Results) != len(in.Changes) {
				t.Fatalf("200 for %q: %s", body, rec.Body)
			}
		case 400, 413:
			var e protocol.ErrorResponse
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || protocol.Status[e.Error.Code] != rec.Code || e.Error.Message == "" {
				t.Fatalf("%d with body %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
