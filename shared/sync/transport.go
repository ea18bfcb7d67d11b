package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"unspool/shared/protocol"
)

// Transport carries the /v1 protocol (see package protocol). NewTransport
// speaks it through a Doer (synchttp.New over net/http); tests inject an in-memory server (synctest) or wrap a
// Transport to fail on purpose. Methods return *APIError for an error answer
// of the server and any other error for a failure to reach it or read it.
type Transport interface {
	CreateLibrary(ctx context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error)
	// Pull returns the changes after the cursor since ("" for the start).
	Pull(ctx context.Context, libraryID, authKey, since string, limit int) (protocol.PullResponse, error)
	Push(ctx context.Context, libraryID, authKey string, req protocol.PushRequest) (protocol.PushResponse, error)
	DeleteLibrary(ctx context.Context, libraryID, authKey string) error
}

// APIError is an error answer of the server: {"error":{"code","message"}}
// with its HTTP status.
type APIError struct {
	Status  int
	Code    string // one of protocol.Code*
	Message string
	// RetryAfter is the server's Retry-After (429, 503), zero if none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("sync server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// NewAPIError builds the APIError for a protocol error code.
func NewAPIError(code, message string) *APIError {
	status, ok := protocol.Status[code]
	if !ok {
		status = 500
	}
	return &APIError{Status: status, Code: code, Message: message}
}

// Retryable reports whether sending the same request again may succeed:
// network failures, 429 and 5xx answers but 507. Other answers (a bad
// request, a wrong key, a quota, a full server) would fail the same way
// again; so would a cancelled context.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == 429 || (ae.Status >= 500 && ae.Status != 507)
	}
	return true
}
