package http

import (
	"net/http"
	"strconv"
	"strings"

	"unspool/server/library"
	"unspool/shared/protocol"
)

func (h *Handler) registerLibraryRoutes() {
	h.mux.HandleFunc("POST /v1/libraries", h.createLibrary)
	h.allow("/v1/libraries", "POST")
	h.mux.HandleFunc("GET /v1/libraries/{lib}/changes", h.pull)
	h.mux.HandleFunc("POST /v1/libraries/{lib}/changes", h.push)
	h.allow("/v1/libraries/{lib}/changes", "GET", "POST")
	h.mux.HandleFunc("DELETE /v1/libraries/{lib}", h.deleteLibrary)
	h.allow("/v1/libraries/{lib}", "DELETE")
}

// auth reads the library from the path, the key from
// "Authorization: Bearer <key>" and the caller's address.
func (h *Handler) auth(r *http.Request) library.Auth {
	key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return library.Auth{LibraryID: r.PathValue("lib"), Key: key, Client: h.ClientIP(r)}
}

func (h *Handler) createLibrary(w http.ResponseWriter, r *http.Request) {
	var req protocol.CreateLibraryRequest
	if err := decodeJSON(w, r, &req); err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := h.checkCreateToken(req.CreateToken); err != nil {
		h.writeError(w, r, err)
		return
	}
	a := library.Auth{LibraryID: req.LibraryID, Key: req.AuthKey, Client: h.ClientIP(r)}
	created, err := h.Libraries.CreateLibrary(r.Context(), a, h.ClientIP(r))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, protocol.CreateLibraryResponse{LibraryID: req.LibraryID, Created: created})
}

func (h *Handler) pull(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := library.PullPage{Since: q.Get("since"), Limit: protocol.DefaultPullLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.writeError(w, r, library.Errorf(library.EINVALID, "limit must be an integer"))
			return
		}
		p.Limit = n
	}
	resp, err := h.Libraries.Pull(r.Context(), h.auth(r), p)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *Handler) push(w http.ResponseWriter, r *http.Request) {
	var req protocol.PushRequest
	if err := decodeJSON(w, r, &req); err != nil {
		h.writeError(w, r, err)
		return
	}
	results, err := h.Libraries.Push(r.Context(), h.auth(r), req.Changes)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.PushResponse{Results: results})
}

func (h *Handler) deleteLibrary(w http.ResponseWriter, r *http.Request) {
	if err := h.Libraries.DeleteLibrary(r.Context(), h.auth(r)); err != nil {
		h.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
