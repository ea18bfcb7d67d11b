package synctest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"unspool/shared/protocol"
	"unspool/shared/sync"
)

// ServeHTTP serves the /v1 routes of package protocol. An injected fault
// aborts the connection (the client sees a reset, as when a server dies),
// after applying the request for FailAfter.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/libraries", func(w http.ResponseWriter, r *http.Request) {
		var req protocol.CreateLibraryRequest
		if !readJSON(w, r, &req) {
			return
		}
		resp, err := s.CreateLibrary(r.Context(), req)
		reply(w, resp, err, http.StatusOK)
	})
	mux.HandleFunc("GET /v1/libraries/{lib}/changes", func(w http.ResponseWriter, r *http.Request) {
		limit := 0
		if l := r.URL.Query().Get("limit"); l != "" {
			var err error
			if limit, err = strconv.Atoi(l); err != nil || limit < 1 {
				reply(w, nil, sync.NewAPIError(protocol.CodeBadRequest, "limit must be a positive number"), 0)
				return
			}
		}
		resp, err := s.Pull(r.Context(), r.PathValue("lib"), bearer(r), r.URL.Query().Get("since"), limit)
		reply(w, resp, err, http.StatusOK)
	})
	mux.HandleFunc("POST /v1/libraries/{lib}/changes", func(w http.ResponseWriter, r *http.Request) {
		var req protocol.PushRequest
		if !readJSON(w, r, &req) {
			return
		}
		resp, err := s.Push(r.Context(), r.PathValue("lib"), bearer(r), req)
		reply(w, resp, err, http.StatusOK)
	})
	mux.HandleFunc("DELETE /v1/libraries/{lib}", func(w http.ResponseWriter, r *http.Request) {
		err := s.DeleteLibrary(r.Context(), r.PathValue("lib"), bearer(r))
		reply(w, nil, err, http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		reply(w, nil, sync.NewAPIError(protocol.CodeNotFound, "no such route"), 0)
	})
	mux.ServeHTTP(w, r)
}

func bearer(r *http.Request) string {
	k, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return k
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, protocol.MaxRequestBytes))
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			reply(w, nil, sync.NewAPIError(protocol.CodeTooLarge, "the request body is too large"), 0)
		} else {
			reply(w, nil, sync.NewAPIError(protocol.CodeBadRequest, "the request body is not the expected JSON"), 0)
		}
		return false
	}
	return true
}

func reply(w http.ResponseWriter, v any, err error, status int) {
	if errors.Is(err, ErrInjected) {
		panic(http.ErrAbortHandler) // drop the connection without an answer
	}
	var ae *sync.APIError
	if errors.As(err, &ae) {
		if ae.Code == protocol.CodeRateLimited {
			w.Header().Set("Retry-After", "1")
		}
		status, v = ae.Status, protocol.ErrorResponse{Error: protocol.ErrorBody{Code: ae.Code, Message: ae.Message}}
	} else if err != nil {
		status, v = 500, protocol.ErrorResponse{Error: protocol.ErrorBody{Code: protocol.CodeInternal, Message: "internal error"}}
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
