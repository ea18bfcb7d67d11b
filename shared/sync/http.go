package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"unspool/shared/protocol"
)

// Request is one HTTP request of the /v1 protocol; Response its answer.
// A Doer sends them: net/http in package synchttp, the extension's fetch
// in the WASM (this package stays free of net/http, which the WASM would
// otherwise carry). Everything else — paths, JSON, error answers, Retry-After — is
// read the same way whichever sends it.
type Request struct {
	Method  string
	Path    string // from /v1, with the query
	AuthKey string // the Bearer token, "" for none
	Body    []byte // JSON, nil for none
}

type Response struct {
	Status     int
	RetryAfter string // the Retry-After header as sent
	Body       []byte
}

// Doer sends one Request. It returns an error wrapping ErrUnreachable when
// the server cannot be reached or its answer not read.
type Doer func(ctx context.Context, r Request) (Response, error)

// ErrUnreachable is what a Doer's failure to reach the server wraps.
var ErrUnreachable = errors.New("the server cannot be reached")

// NewTransport returns the Transport speaking /v1 through do.
func NewTransport(do Doer) Transport { return doerTransport{do} }

type doerTransport struct{ do Doer }

var _ Transport = doerTransport{}

// MaxResponseBytes bounds what one answer may hold: a full pull page of
// the largest records, with room for JSON. A Doer reads at most one byte
// more, so that a larger answer is refused rather than cut.
const MaxResponseBytes = protocol.MaxPullLimit*protocol.MaxRecordBlobBytes + 1<<20

func (t doerTransport) CreateLibrary(ctx context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error) {
	var out protocol.CreateLibraryResponse
	err := t.call(ctx, methodPost, "/v1/libraries", "", req, &out)
	return out, err
}

func (t doerTransport) Pull(ctx context.Context, lib, authKey, since string, limit int) (protocol.PullResponse, error) {
	q := url.Values{}
	if since != "" {
		q.Set("since", since)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/v1/libraries/" + url.PathEscape(lib) + "/changes"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out protocol.PullResponse
	err := t.call(ctx, methodGet, path, authKey, nil, &out)
	return out, err
}

func (t doerTransport) Push(ctx context.Context, lib, authKey string, req protocol.PushRequest) (protocol.PushResponse, error) {
	var out protocol.PushResponse
	err := t.call(ctx, methodPost, "/v1/libraries/"+url.PathEscape(lib)+"/changes", authKey, req, &out)
	return out, err
}

func (t doerTransport) DeleteLibrary(ctx context.Context, lib, authKey string) error {
	return t.call(ctx, methodDelete, "/v1/libraries/"+url.PathEscape(lib), authKey, nil, nil)
}

// call sends one request. Errors name the method and path (the library id
// is not a secret: the server knows it) but never the auth key.
func (t doerTransport) call(ctx context.Context, method, path, authKey string, in, out any) error {
	r := Request{Method: method, Path: path, AuthKey: authKey}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		r.Body = b
	}
	resp, err := t.do(ctx, r)
	if err != nil {
		return fmt.Errorf("sync: %s %s: %w", method, pathOnly(path), err)
	}
	if len(resp.Body) > MaxResponseBytes {
		return fmt.Errorf("sync: %s %s: the answer is larger than %d bytes", method, pathOnly(path), MaxResponseBytes)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return apiError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		// A proxy or captive portal answering 200 with HTML lands here:
		// retryable, like any failure to reach the real server.
		return fmt.Errorf("sync: %s %s: the answer is not the expected JSON: %w", method, pathOnly(path), err)
	}
	return nil
}

func apiError(resp Response) *APIError {
	e := &APIError{Status: resp.Status}
	var er protocol.ErrorResponse
	if json.Unmarshal(resp.Body, &er) == nil && er.Error.Code != "" {
		e.Code, e.Message = er.Error.Code, er.Error.Message
	} else {
		// Not our server's error shape (a proxy, a load balancer): keep the
		// status, which is what Retryable decides on, and say so.
		e.Code, e.Message = codeForStatus(resp.Status), notOurAnswer
	}
	if ra := resp.RetryAfter; ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		} else if t, err := parseHTTPDate(ra); err == nil {
			e.RetryAfter = max(time.Until(t), 0)
		}
	}
	return e
}

// notOurAnswer is the message of an error answer without the server's
// error shape.
const notOurAnswer = "the answer did not come from an Unspool server (a proxy or gateway on the way?)"

// The methods /v1 uses (net/http's constants, which this package does not
// import).
const (
	methodGet    = "GET"
	methodPost   = "POST"
	methodDelete = "DELETE"
)

// httpDateLayouts are the three forms of an HTTP date a recipient must
// accept (RFC 9110, 5.6.7): IMF-fixdate, then the obsolete RFC 850 and
// asctime forms.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	time.ANSIC,
}

func parseHTTPDate(s string) (time.Time, error) {
	var err error
	for _, layout := range httpDateLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func codeForStatus(status int) string {
	for code, s := range protocol.Status {
		if s == status {
			return code
		}
	}
	return protocol.CodeInternal
}

func pathOnly(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}
