package http

import (
	"errors"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"

	"unspool/server/library"
	"unspool/server/sharepage"
	"unspool/shared/protocol"
	"unspool/shared/thread"
)

// Share routes: the authenticated publish/list/unpublish API
// (JSON, like the sync routes) and the public page /t/{slug} (HTML, not
// JSON: people read it).
func (h *Handler) registerShareRoutes() {
	h.mux.HandleFunc("POST /v1/libraries/{lib}/shares", h.publishShare)
	h.mux.HandleFunc("GET /v1/libraries/{lib}/shares", h.listShares)
	h.allow("/v1/libraries/{lib}/shares", "GET", "POST")
	h.mux.HandleFunc("DELETE /v1/libraries/{lib}/shares/{slug}", h.unpublishShare)
	h.allow("/v1/libraries/{lib}/shares/{slug}", "DELETE")
	h.mux.HandleFunc("GET /t/{slug}", h.sharePage) // GET patterns match HEAD too
	h.mux.HandleFunc("/t/{slug}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		plainPage(w, http.StatusMethodNotAllowed, "Method not allowed", "This page can only be read.")
	})
	// Browsers ask a share page's server for its icon. There is none; a 404
	// would be logged in the console of every share page a reader opens.
	h.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.WriteHeader(http.StatusNoContent)
	})
}

func (h *Handler) publishShare(w http.ResponseWriter, r *http.Request) {
	var req protocol.ShareRequest
	if err := decodeShare(w, r, &req); err != nil {
		h.writeError(w, r, err)
		return
	}
	sh, created, err := h.Shares.PublishShare(r.Context(), h.auth(r), func() (*library.SharePage, error) {
		p, err := sharepage.Build(&req.Thread, req.Indexable)
		return p, threadError(err)
	})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, protocol.ShareResponse{Share: sh})
}

func (h *Handler) listShares(w http.ResponseWriter, r *http.Request) {
	list, err := h.Shares.ListShares(r.Context(), h.auth(r))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.ShareList{Shares: list})
}

func (h *Handler) unpublishShare(w http.ResponseWriter, r *http.Request) {
	if err := h.Shares.UnpublishShare(r.Context(), h.auth(r), r.PathValue("slug")); err != nil {
		h.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeShare is decodeJSON under the share's own, smaller size limit.
func decodeShare(w http.ResponseWriter, r *http.Request, v *protocol.ShareRequest) error {
	r.Body = http.MaxBytesReader(w, r.Body, protocol.MaxShareRequestBytes)
	err := decodeJSON(w, r, v)
	if library.ErrorCode(err) == library.ETOOLARGE {
		return library.Errorf(library.ETOOLARGE, "a shared thread must be at most %d bytes of JSON", protocol.MaxShareRequestBytes)
	}
	return err
}

// threadError gives thread.Validate's codes their protocol meaning.
func threadError(err error) error {
	if err == nil {
		return nil
	}
	switch thread.ErrorCode(err) {
	case thread.EINVALID:
		return library.Errorf(library.EINVALID, "thread: %s", err.Error())
	case thread.ETOOLARGE:
		return library.Errorf(library.ETOOLARGE, "thread: %s", err.Error())
	}
	return err
}

// Page headers. The page and its exports are immutable per ETag; a short
// max-age keeps an unpublish effective within a minute in shared caches,
// and revalidation after that is a 304.
const (
	pageCache    = "public, max-age=60"
	goneCache    = "public, max-age=300"
	missingCache = "no-store"
	// Exports are data, never documents: sandbox so that even a browser that
	// sniffed them as HTML would run nothing.
	exportCSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
)

// pageTypes is each format's Content-Type.
var pageTypes = map[string]string{
	library.PageHTML:     "text/html; charset=utf-8",
	library.PageMarkdown: "text/markdown; charset=utf-8",
	library.PageText:     "text/plain; charset=utf-8",
	library.PageJSON:     "application/json; charset=utf-8",
}

// pageFormat reads ?format=; "markdown" and "text" are accepted as the
// export names elsewhere.
func pageFormat(r *http.Request) (string, bool) {
	switch f := strings.ToLower(r.URL.Query().Get("format")); f {
	case "", "html":
		return library.PageHTML, true
	case "md", "markdown":
		return library.PageMarkdown, true
	case "txt", "text":
		return library.PageText, true
	case "json":
		return library.PageJSON, true
	}
	return "", false
}

func (h *Handler) sharePage(w http.ResponseWriter, r *http.Request) {
	format, ok := pageFormat(r)
	if !ok {
		plainPage(w, http.StatusBadRequest, "Unknown format", "The format can be html, md, txt or json.")
		return
	}
	page, err := h.Shares.SharePageBody(r.Context(), r.PathValue("slug"), format)
	switch code := library.ErrorCode(err); {
	case err == nil:
	case code == library.ENOTFOUND:
		w.Header().Set("Cache-Control", missingCache)
		plainPage(w, http.StatusNotFound, "Page not found", "There is no page at this address.")
		return
	case code == library.EGONE:
		w.Header().Set("Cache-Control", goneCache)
		plainPage(w, http.StatusGone, "Unpublished", "The person who shared this thread has unpublished it.")
		return
	case code == library.ETAKENDOWN:
		w.Header().Set("Cache-Control", goneCache)
		plainPage(w, http.StatusGone, "Taken down", "The operator of this server took this page down.")
		return
	case code == library.EUNAVAILABLE:
		h.Logger.Printf("error serving %s %s: %v", r.Method, logPath(r), err)
		var le *library.Error
		if errors.As(err, &le) {
			w.Header().Set("Retry-After", strconv.Itoa(le.RetryAfter))
		}
		w.Header().Set("Cache-Control", "no-store")
		plainPage(w, http.StatusServiceUnavailable, "Try again soon", "This page cannot be read right now. Try again in a moment.")
		return
	default:
		h.Logger.Printf("error serving %s %s: %v", r.Method, logPath(r), err)
		w.Header().Set("Cache-Control", missingCache)
		plainPage(w, http.StatusInternalServerError, "Something went wrong", "The page could not be read. Try again later.")
		return
	}
	hd := w.Header()
	hd.Set("ETag", page.ETag)
	hd.Set("Cache-Control", pageCache)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	if format == library.PageHTML {
		// The page's own policy: it names the hash of the stylesheet the
		// page was rendered with, which a later deploy may have changed.
		csp := page.CSP
		if csp == "" {
			csp = sharepage.HeaderCSP
		}
		hd.Set("Content-Security-Policy", csp)
	} else {
		hd.Set("Content-Security-Policy", exportCSP)
	}
	if !page.Indexable {
		hd.Set("X-Robots-Tag", "noindex, nofollow")
	}
	// Caches must keep the formats apart; they differ only by query, which
	// caches key on already, so no Vary beyond the middleware's Origin.
	// Values, not Get: on Workers, syumai/workers splits every header at
	// its commas into several values, so a list arrives as many.
	if etagMatch(strings.Join(r.Header.Values("If-None-Match"), ","), page.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", pageTypes[format])
	w.WriteHeader(http.StatusOK)
	w.Write(page.Body) // net/http drops it for HEAD and keeps the length

}

// etagMatch applies If-None-Match (RFC 9110 13.1.2): "*" or any listed tag,
// compared weakly (a W/ prefix is ignored).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// plainCSP allows one inline stylesheet and nothing else but the server's
// own images: Firefox asks every page's server for /favicon.ico, and would
// log that refused on each unpublished or unknown share page (as sharepage.CSP).
const plainCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// plainPage is the small HTML answer for a page that cannot be shown: no
// stylesheet beyond one inline rule, nothing of any thread (plainCSP).
func plainPage(w http.ResponseWriter, status int, title, text string) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", plainCSP)
	hd.Set("X-Robots-Tag", "noindex")
	if hd.Get("Cache-Control") == "" {
		hd.Set("Cache-Control", missingCache)
	}
	w.WriteHeader(status)
	io.WriteString(w, `<!DOCTYPE html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>`+
		html.EscapeString(title)+`</title><style>body{font:18px/1.5 system-ui,sans-serif;max-width:34em;margin:15vh auto;padding:0 1em;color:#1d1d1f;background:#fdfdfb}@media (prefers-color-scheme:dark){body{color:#e6e6e3;background:#17181a}}</style><h1>`+
		html.EscapeString(title)+`</h1><p>`+html.EscapeString(text)+`</p></html>`)
}
