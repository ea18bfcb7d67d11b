package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"unspool/shared/protocol"
)

// Request is one HTTP request of the /v1 protocol; Response its answer.
// A Doer sends them: net/http in HTTPTransport, the extension's fetch in
// the WASM. Everything else — paths, JSON, error answers, Retry-After — is
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

// maxResponseBytes bounds what one answer may hold: a full pull page of
// the largest records, with room for JSON.
const maxResponseBytes = protocol.MaxPullLimit*protocol.MaxRecordBlobBytes + 1<<20

func (t doerTransport) CreateLibrary(ctx context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error) {
	var out protocol.CreateLibraryResponse
	err := t.call(ctx, http.MethodPost, "/v1/libraries", "", req, &out)
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
	err := t.call(ctx, http.MethodGet, path, authKey, nil, &out)
	return out, err
}

func (t doerTransport) Push(ctx context.Context, lib, authKey string, req protocol.PushRequest) (protocol.PushResponse, error) {
	var out protocol.PushResponse
	err := t.call(ctx, http.MethodPost, "/v1/libraries/"+url.PathEscape(lib)+"/changes", authKey, req, &out)
	return out, err
}

func (t doerTransport) DeleteLibrary(ctx context.Context, lib, authKey string) error {
	return t.call(ctx, http.MethodDelete, "/v1/libraries/"+url.PathEscape(lib), authKey, nil, nil)
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
	if len(resp.Body) > maxResponseBytes {
		return fmt.Errorf("sync: %s %s: the answer is larger than %d bytes", method, pathOnly(path), maxResponseBytes)
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
		// status, which is what Retryable decides on.
		e.Code, e.Message = codeForStatus(resp.Status), http.StatusText(resp.Status)
	}
	if ra := resp.RetryAfter; ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = max(time.Until(t), 0)
		}
	}
	return e
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

// HTTPTransport speaks /v1 to a server over net/http.
type HTTPTransport struct {
	doerTransport
	base   string
	client *http.Client
}

var _ Transport = (*HTTPTransport)(nil)

// NewHTTPTransport returns a transport to the server at baseURL (http or
// https, no trailing /v1), using client (http.DefaultClient when nil).
func NewHTTPTransport(baseURL string, client *http.Client) (*HTTPTransport, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sync: server address %q is not an http(s) URL", baseURL)
	}
	if client == nil {
		client = http.DefaultClient
	}
	h := &HTTPTransport{base: strings.TrimRight(baseURL, "/"), client: client}
	h.doerTransport = doerTransport{h.send}
	return h, nil
}

func (h *HTTPTransport) send(ctx context.Context, r Request) (Response, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, h.base+r.Path, body)
	if err != nil {
		return Response{}, err
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if r.AuthKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.AuthKey)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %w", ErrUnreachable, stripURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return Response{}, fmt.Errorf("%w: reading the answer: %w", ErrUnreachable, err)
	}
	return Response{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: data}, nil
}

// stripURL drops the URL from a *url.Error (net/http's error type), which
// would repeat the server address and query; the cause stays.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
