package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"unspool/shared/protocol"
)

// HTTPTransport speaks /v1 to a server over net/http.
type HTTPTransport struct {
	base   string
	client *http.Client
}

var _ Transport = (*HTTPTransport)(nil)

// maxResponseBytes bounds what one answer may hold: a full pull page of
// the largest records, with room for JSON.
const maxResponseBytes = protocol.MaxPullLimit*protocol.MaxRecordBlobBytes + 1<<20

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
	return &HTTPTransport{base: strings.TrimRight(baseURL, "/"), client: client}, nil
}

func (h *HTTPTransport) CreateLibrary(ctx context.Context, req protocol.CreateLibraryRequest) (protocol.CreateLibraryResponse, error) {
	var out protocol.CreateLibraryResponse
	err := h.do(ctx, http.MethodPost, "/v1/libraries", "", req, &out)
	return out, err
}

func (h *HTTPTransport) Pull(ctx context.Context, lib, authKey, since string, limit int) (protocol.PullResponse, error) {
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
	err := h.do(ctx, http.MethodGet, path, authKey, nil, &out)
	return out, err
}

func (h *HTTPTransport) Push(ctx context.Context, lib, authKey string, req protocol.PushRequest) (protocol.PushResponse, error) {
	var out protocol.PushResponse
	err := h.do(ctx, http.MethodPost, "/v1/libraries/"+url.PathEscape(lib)+"/changes", authKey, req, &out)
	return out, err
}

func (h *HTTPTransport) DeleteLibrary(ctx context.Context, lib, authKey string) error {
	return h.do(ctx, http.MethodDelete, "/v1/libraries/"+url.PathEscape(lib), authKey, nil, nil)
}

// do sends one request. Errors name the method and path (the library id is
// not a secret: the server knows it) but never the Authorization header.
func (h *HTTPTransport) do(ctx context.Context, method, path, authKey string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if authKey != "" {
		req.Header.Set("Authorization", "Bearer "+authKey)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("sync: %s %s: %w", method, pathOnly(path), stripURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("sync: %s %s: reading the answer: %w", method, pathOnly(path), err)
	}
	if len(data) > maxResponseBytes {
		return fmt.Errorf("sync: %s %s: the answer is larger than %d bytes", method, pathOnly(path), maxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(resp, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		// A proxy or captive portal answering 200 with HTML lands here:
		// retryable, like any failure to reach the real server.
		return fmt.Errorf("sync: %s %s: the answer is not the expected JSON: %w", method, pathOnly(path), err)
	}
	return nil
}

func apiError(resp *http.Response, data []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var er protocol.ErrorResponse
	if json.Unmarshal(data, &er) == nil && er.Error.Code != "" {
		e.Code, e.Message = er.Error.Code, er.Error.Message
	} else {
		// Not our server's error shape (a proxy, a load balancer): keep the
		// status, which is what Retryable decides on.
		e.Code, e.Message = codeForStatus(resp.StatusCode), http.StatusText(resp.StatusCode)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
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

// stripURL drops the URL from a *url.Error (net/http's error type), which
// would repeat the server address and query; the cause stays.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
