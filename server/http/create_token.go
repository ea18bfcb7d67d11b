package http

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"unspool/server/library"
)

// checkCreateToken refuses a library creation without the deployment's
// creation token, when it has one (a private server). The hashes are
// compared in constant time so the answer's timing tells nothing of the
// token; neither token is ever logged.
func (h *Handler) checkCreateToken(sent string) error {
	if h.CreateToken == "" {
		return nil
	}
	want, got := sha256.Sum256([]byte(h.CreateToken)), sha256.Sum256([]byte(sent))
	if sent == "" || subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return library.Errorf(library.EFORBIDDEN,
			"this server creates libraries only with its operator's creation token: enter it in the extension's sync options")
	}
	return nil
}

// HeaderClientIP returns a ClientIP that trusts header, set by the reverse
// proxy in front of a native server (which otherwise sees every client as
// the proxy's address). Of a list (X-Forwarded-For) the last entry is the
// one the proxy itself added; without the header, the TCP peer counts.
func HeaderClientIP(header string) func(*http.Request) string {
	return func(r *http.Request) string {
		v := r.Header.Values(header)
		if len(v) == 0 {
			return PeerIP(r)
		}
		last := v[len(v)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		if ip := strings.TrimSpace(last); ip != "" {
			return ip
		}
		return PeerIP(r)
	}
}
