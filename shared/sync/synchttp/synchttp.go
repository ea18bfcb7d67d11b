// Package synchttp carries the sync protocol over net/http: the Doer that
// Go programs and the server's tests give sync.NewTransport. It is a
// package of its own so that package sync does not import net/http: the
// WASM sends through the extension's fetch, and net/http alone would add
// about 436 KB to its gzipped module (docs/benchmarks.md).
package synchttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"unspool/shared/sync"
)

// New returns a transport to the server at baseURL (http or https, no
// trailing /v1), using client (http.DefaultClient when nil).
func New(baseURL string, client *http.Client) (sync.Transport, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sync: server address %q is not an http(s) URL", baseURL)
	}
	if client == nil {
		client = http.DefaultClient
	}
	d := doer{base: strings.TrimRight(baseURL, "/"), client: client}
	return sync.NewTransport(d.send), nil
}

type doer struct {
	base   string
	client *http.Client
}

func (d doer) send(ctx context.Context, r sync.Request) (sync.Response, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, d.base+r.Path, body)
	if err != nil {
		return sync.Response{}, err
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if r.AuthKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.AuthKey)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return sync.Response{}, fmt.Errorf("%w: %w", sync.ErrUnreachable, stripURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, sync.MaxResponseBytes+1))
	if err != nil {
		return sync.Response{}, fmt.Errorf("%w: reading the answer: %w", sync.ErrUnreachable, err)
	}
	return sync.Response{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: data}, nil
}

// stripURL drops the URL from a *url.Error (net/http's error type), which
// would repeat the server address and query; the cause stays.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
