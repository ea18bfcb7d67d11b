// Package http serves a library.LibraryService and a library.ShareService
// over HTTP: the /v1 routes of shared/protocol, strict JSON, errors as
// {"error":{"code","message"}} with the protocol's statuses, CORS for
// extension origins only, panic recovery, and a log line per request that
// never holds a header, a key or a blob.
//
// Files: server.go (Handler and the middleware every route shares),
// library.go (the sync routes), share.go (publishing and the public share
// pages), error.go (error and JSON encoding). A new group of routes is one
// more file with a register function called from routes().
package http

import (
	"bytes"
	"fmt"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"unspool/server/library"
)

// Handler is the server's http.Handler.
type Handler struct {
	Libraries library.LibraryService
	Shares    library.ShareService
	// Logger gets one line per request (method, path, status, size, time)
	// and the details of internal errors. Never headers or bodies.
	Logger *log.Logger
	// ClientIP returns the caller's address for per-client rate limits.
	// Natively it is the TCP peer; on Workers, CF-Connecting-IP.
	ClientIP func(*http.Request) string
	// CreateToken, when set, is required to create a library
	// (UNSPOOL_CREATE_TOKEN, create_token.go).
	CreateToken string

	mux *http.ServeMux
}

// NewHandler wires the routes to the services (main passes one store as
// both).
func NewHandler(libs library.LibraryService, shares library.ShareService, logger *log.Logger) *Handler {
	h := &Handler{Libraries: libs, Shares: shares, Logger: logger, ClientIP: PeerIP, mux: http.NewServeMux()}
	h.routes()
	return h
}

// routes registers every group of routes, then the JSON answers for
// unknown paths. ServeMux's own 404/405 are plain text, so every path gets
// a method-less fallback (see allow) and "/" catches the rest.
func (h *Handler) routes() {
	h.registerLibraryRoutes()
	h.registerShareRoutes()
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.writeError(w, r, library.Errorf(library.ENOTFOUND, "no route %s", r.URL.Path))
	})
}

// allow registers the 405 answer for a path whose methods are listed.
func (h *Handler) allow(path string, methods ...string) {
	allowed := strings.Join(methods, ", ")
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allowed)
		h.writeError(w, r, &library.Error{Code: codeMethodInvalid,
			Message: fmt.Sprintf("%s not allowed here; use %s", r.Method, allowed)})
	})
}

// PeerIP is the TCP peer's address without the port.
func PeerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeHTTP recovers panics, buffers the response (one write with a
// Content-Length: Workers hang on consecutive empty writes, and a panic
// halfway through a body can still become a clean 500), applies CORS and
// logs the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	bw := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
	func() {
		defer func() {
			if v := recover(); v != nil {
				// The panic value is logged by type only: it could hold request data.
				h.Logger.Printf("panic serving %s %s: %T\n%s", r.Method, logPath(r), v, debug.Stack())
				bw.reset()
				h.writeError(bw, r, library.Errorf(library.EINTERNAL, "internal error"))
			}
		}()
		if h.cors(bw, r) {
			return
		}
		h.mux.ServeHTTP(bw, r)
	}()
	for k, v := range bw.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(bw.body.Len()))
	w.WriteHeader(bw.status)
	if bw.body.Len() > 0 {
		w.Write(bw.body.Bytes())
	}
	h.Logger.Printf("%s %s %d %dB %s", r.Method, logPath(r), bw.status, bw.body.Len(), time.Since(start).Round(time.Microsecond))
}

// Extension origins are the only web origins allowed to call the API: the
// extension's pages and service worker. Any other origin gets no CORS
// headers, so browsers keep its scripts from reading answers.
var corsPrefixes = []string{"chrome-extension://", "moz-extension://"}

func allowedOrigin(origin string) bool {
	for _, p := range corsPrefixes {
		if id, ok := strings.CutPrefix(origin, p); ok {
			return id != "" && !strings.ContainsAny(id, "/?#")
		}
	}
	return false
}

// cors sets the CORS headers for extension origins and answers their
// preflights; it reports whether the request has been answered.
func (h *Handler) cors(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if !allowedOrigin(origin) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// bufferedWriter holds the whole response until the handler returns.
type bufferedWriter struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if !b.wroteHeader {
		b.status, b.wroteHeader = status, true
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.wroteHeader = true
	return b.body.Write(p)
}

func (b *bufferedWriter) reset() {
	b.header, b.status, b.wroteHeader = http.Header{}, http.StatusOK, false
	b.body.Reset()
}

// logPath is the request path as logs may show it: a share slug is a
// capability (whoever has it reads the page), so it is replaced by "…".
func logPath(r *http.Request) string {
	// Escaped as sent (%0A stays %0A): a path cannot forge a log line.
	p := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(p, "/t/"); ok && rest != "" {
		return "/t/…"
	}
	if i := strings.Index(p, "/shares/"); i >= 0 && strings.HasPrefix(p, "/v1/libraries/") {
		return p[:i] + "/shares/…"
	}
	return p
}
