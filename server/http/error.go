package http

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"unspool/server/library"
	"unspool/shared/protocol"
)

// codeMethodInvalid is a transport error with no place in the domain.
const codeMethodInvalid = protocol.CodeMethodInvalid

// writeError answers with the error's code, its protocol status and a
// message safe for clients. Internal and unavailable errors are logged in
// full (they come from the database or the runtime, never with a key or a
// blob in them) and shown to clients only by their safe message.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := library.ErrorCode(err)
	status, ok := protocol.Status[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == library.EINTERNAL || code == library.EUNAVAILABLE {
		h.Logger.Printf("error serving %s %s: %v", r.Method, logPath(r), err)
	}
	var le *library.Error
	if errors.As(err, &le) && le.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(le.RetryAfter))
	}
	writeJSON(w, status, protocol.ErrorResponse{Error: protocol.ErrorBody{Code: code, Message: library.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decodeJSON reads exactly one JSON value into v: at most
// protocol.MaxRequestBytes (413 beyond), no unknown fields, no wrong types,
// nothing after it. A body not typed as JSON — untyped included — is refused
// with 415, so a web page cannot post to the API as a "simple" request
// without a preflight.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return library.Errorf(library.EUNSUPPORTED, "the body must be sent with Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, protocol.MaxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		if err != nil {
			return jsonError(err)
		}
		return library.Errorf(library.EINVALID, "body must hold one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var tooBig *http.MaxBytesError
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return library.Errorf(library.ETOOLARGE, "body over %d bytes", protocol.MaxRequestBytes)
	case errors.As(err, &typ):
		return library.Errorf(library.EINVALID, "field %q must be %s, not %s", typ.Field, typ.Type, typ.Value)
	case errors.As(err, &syn):
		return library.Errorf(library.EINVALID, "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return library.Errorf(library.EINVALID, "body is empty or cut short")
	default:
		// DisallowUnknownFields and the like: the message names the field, not its value.
		return library.Errorf(library.EINVALID, "%s", err.Error())
	}
}
