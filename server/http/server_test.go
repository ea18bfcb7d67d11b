package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	serverhttp "unspool/server/http"
	"unspool/server/library"
	"unspool/shared/protocol"
)

// panicky is a LibraryService whose Pull panics with a value holding a
// secret, as a bug deep in a driver might.
type panicky struct{ library.LibraryService }

const secretInPanic = "s3cr3t-blob-in-panic-value"

func (panicky) Pull(context.Context, library.Auth, library.PullPage) (*protocol.PullResponse, error) {
	panic(secretInPanic)
}

func TestHandler_PanicIsCleanJSON500(t *testing.T) {
	var logs bytes.Buffer
	h := serverhttp.NewHandler(panicky{}, nil, log.New(&logs, "", 0))
	id := strings.Repeat("A", protocol.IDLength)
	for range 2 { // and the handler keeps serving after it
		req := httptest.NewRequest("GET", "/v1/libraries/"+id+"/changes", nil)
		req.Header.Set("Authorization", "Bearer "+id)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var e protocol.ErrorResponse
		if rec.Code != 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code != protocol.CodeInternal {
			t.Fatalf("%d %q", rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Length") != itoa(rec.Body.Len()) {
			t.Fatalf("Content-Length %s for %d bytes", rec.Header().Get("Content-Length"), rec.Body.Len())
		}
	}
	if !strings.Contains(logs.String(), "panic serving GET") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), secretInPanic) || strings.Contains(logs.String(), "Bearer") {
		t.Fatalf("the log holds request data: %s", logs.String())
	}
}

// countingWriter records every Write the handler makes to the real
// response: Workers hang on consecutive empty writes, so there must be at
// most one, and never an empty one.
type countingWriter struct {
	*httptest.ResponseRecorder
	writes []int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, len(p))
	return c.ResponseRecorder.Write(p)
}

type deleter struct{ library.LibraryService }

func (deleter) DeleteLibrary(context.Context, library.Auth) error { return nil }

func TestHandler_OneWritePerResponse(t *testing.T) {
	h := serverhttp.NewHandler(deleter{}, nil, log.New(&bytes.Buffer{}, "", 0))
	id := strings.Repeat("A", protocol.IDLength)
	for _, tc := range []struct {
		method, path string
		status, n    int
	}{
		{"DELETE", "/v1/libraries/" + id, 204, 0}, // no body: no write at all
		{"GET", "/nowhere", 404, 1},
		{"PUT", "/v1/libraries/" + id, 405, 1},
	} {
		rec := &countingWriter{ResponseRecorder: httptest.NewRecorder()}
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+id)
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status || len(rec.writes) != tc.n {
			t.Fatalf("%s %s: status %d, writes %v", tc.method, tc.path, rec.Code, rec.writes)
		}
		for _, n := range rec.writes {
			if n == 0 {
				t.Fatalf("%s %s: an empty write", tc.method, tc.path)
			}
		}
		if rec.Header().Get("Content-Length") != itoa(rec.Body.Len()) {
			t.Fatalf("Content-Length %q for %d bytes", rec.Header().Get("Content-Length"), rec.Body.Len())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

var _ http.Handler = (*serverhttp.Handler)(nil)

// A share page's icon request is answered without an error status (a 404
// is logged in the reader's console), and cached.
func TestHandler_FaviconIsNoContent(t *testing.T) {
	h := serverhttp.NewHandler(deleter{}, nil, log.New(&bytes.Buffer{}, "", 0))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/favicon.ico", nil))
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 || rec.Header().Get("Cache-Control") == "" {
		t.Fatalf("GET /favicon.ico = %d, %d bytes, Cache-Control %q; want 204, empty, cached", rec.Code, rec.Body.Len(), rec.Header().Get("Cache-Control"))
	}
}
