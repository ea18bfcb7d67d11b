// Package library is the sync server's domain: what a library is, the
// service every runtime implements (LibraryService), and the one error type
// whose codes the HTTP layer maps to statuses through shared/protocol.
//
// It knows nothing about SQL or HTTP. The adapters live beside it, one per
// outside dependency: server/store (database/sql: SQLite natively, D1 on
// Workers) and server/http (routing, JSON, CORS). Wiring happens only in
// server/main.go (native) and server/main_js.go (Workers).
package library

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"unspool/shared/protocol"
)

// Auth is what an authenticated request presents: the library it names in
// its path and the bearer key from its Authorization header.
type Auth struct {
	LibraryID string
	Key       string
	// Client is the caller's address (server/http's ClientIP): wrong keys
	// are limited per address before any key is checked. "" is not limited.
	Client string
}

// PullPage asks for changes after a cursor.
type PullPage struct {
	// Since is the cursor a previous pull returned; "" starts from the beginning.
	Since string
	// Limit is the most records to return (1..protocol.MaxPullLimit).
	Limit int
}

// LibraryService is implemented by server/store over any database/sql driver.
// Every method that takes an Auth checks it first (ENOTFOUND for an unknown
// library, EUNAUTHORIZED for a wrong key; ERATELIMITED, before any key is
// compared, for a client address that sent too many wrong keys) and counts
// the request against the library's rate limit (ERATELIMITED).
type LibraryService interface {
	// CreateLibrary registers a library under the SHA-256 of its key. It is
	// idempotent: the same id and key again returns created=false; the same id
	// with another key is EUNAUTHORIZED. client identifies the caller for the
	// creation rate limit (an IP address; never stored beyond the limit's window).
	CreateLibrary(ctx context.Context, a Auth, client string) (created bool, err error)
	// Pull returns the records changed after p.Since, in sequence order.
	Pull(ctx context.Context, a Auth, p PullPage) (*protocol.PullResponse, error)
	// Push applies each change whose BaseSeq equals the stored seq and answers
	// the others with a conflict carrying the stored record, in request order.
	Push(ctx context.Context, a Auth, changes []protocol.Change) ([]protocol.PushResult, error)
	// DeleteLibrary removes the library and every record in it; its key stops
	// working at once.
	DeleteLibrary(ctx context.Context, a Auth) error
}

// Error codes: the shared protocol's, so one table (protocol.Status) maps
// them to HTTP statuses for every runtime and client.
const (
	EINVALID      = protocol.CodeBadRequest
	EUNAUTHORIZED = protocol.CodeUnauthorized
	ENOTFOUND     = protocol.CodeNotFound
	ECONFLICT     = protocol.CodeConflict
	ETOOLARGE     = protocol.CodeTooLarge
	EUNSUPPORTED  = protocol.CodeUnsupportedMedia
	ERATELIMITED  = protocol.CodeRateLimited
	EINTERNAL     = protocol.CodeInternal
	EUNAVAILABLE  = protocol.CodeUnavailable
	EFORBIDDEN    = protocol.CodeForbidden
	EFULL         = protocol.CodeInsufficientStorage
)

// Error is a failure the client may be told about: Message is safe to send
// (it never holds a key or a blob).
type Error struct {
	Code    string
	Message string
	// RetryAfter is in seconds, set with ERATELIMITED and EUNAVAILABLE.
	RetryAfter int
	// Cause is what went wrong underneath (EUNAVAILABLE: the database's
	// error), for the log only: it may name things clients must not see.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode is the code of err when it is (or wraps) an *Error, and
// EINTERNAL for anything else: unexpected errors are never shown to clients.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage is what a client may read about err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ValidID reports whether s is a library or record id: base64url (no
// padding) of 32 bytes, protocol.IDLength characters.
func ValidID(s string) bool {
	if len(s) != protocol.IDLength {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}

// Validate checks the shape of an Auth; it says nothing of whether the key
// is the library's.
func (a Auth) Validate() error {
	if !ValidID(a.LibraryID) {
		return Errorf(EINVALID, "library id must be %d characters of base64url", protocol.IDLength)
	}
	if !ValidID(a.Key) {
		return Errorf(EUNAUTHORIZED, "missing or malformed auth key")
	}
	return nil
}

// KeyHash is what the server keeps of an auth key: its SHA-256 (the store
// writes it hex-encoded and compares the raw bytes in constant time).
func KeyHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// ValidateChange checks one pushed change and returns the size of its
// decoded blob, which counts against the library's byte quota.
func ValidateChange(c protocol.Change) (int, error) {
	if !ValidID(c.ID) {
		return 0, Errorf(EINVALID, "record id must be %d characters of base64url", protocol.IDLength)
	}
	if c.BaseSeq < 0 {
		return 0, Errorf(EINVALID, "baseSeq must not be negative")
	}
	if c.Blob == "" {
		return 0, Errorf(EINVALID, "record %s: blob is required (tombstones carry one too)", c.ID)
	}
	// Checked before decoding so an oversized blob costs no allocation.
	if base64.StdEncoding.DecodedLen(len(c.Blob)) > protocol.MaxRecordBlobBytes+2 {
		return 0, Errorf(ETOOLARGE, "record %s: blob over %d bytes", c.ID, protocol.MaxRecordBlobBytes)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(c.Blob)
	if err != nil {
		return 0, Errorf(EINVALID, "record %s: blob must be standard base64", c.ID)
	}
	if len(b) > protocol.MaxRecordBlobBytes {
		return 0, Errorf(ETOOLARGE, "record %s: blob over %d bytes", c.ID, protocol.MaxRecordBlobBytes)
	}
	return len(b), nil
}

// ValidatePush checks a whole batch before anything is written, so a bad
// change refuses the request with nothing applied.
func ValidatePush(changes []protocol.Change) ([]int, error) {
	if len(changes) > protocol.MaxBatchChanges {
		return nil, Errorf(ETOOLARGE, "at most %d changes per push", protocol.MaxBatchChanges)
	}
	sizes := make([]int, len(changes))
	for i, c := range changes {
		n, err := ValidateChange(c)
		if err != nil {
			return nil, err
		}
		sizes[i] = n
	}
	return sizes, nil
}
