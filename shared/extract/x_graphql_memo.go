package extract

// The extension asks about the same TweetDetail bodies several times in one
// unroll: once per cursor it follows (each time with every body so far), then
// once more to extract the thread. Decoding is most of the cost in the WASM
// (encoding/json there is ~15× slower than the browser's JSON.parse), so the
// last bodies decoded are kept and a body seen again is not decoded again.
// A decoded response is only read afterwards, never changed.

import (
	"sync"
)

// Bounds on what is kept: a 200-post thread is ~0.8 MB in 5 bodies.
const (
	xMemoMaxEntries = 32
	xMemoMaxBytes   = 16 << 20
)

var xMemo struct {
	sync.Mutex
	entries []xMemoEntry // oldest first
	bytes   int
}

type xMemoEntry struct {
	body string
	r    *gqlResponse
}

// xParseGraphQLString is xParseGraphQL for a body seen before or not.
func xParseGraphQLString(body string) (*gqlResponse, error) {
	xMemo.Lock()
	for _, e := range xMemo.entries {
		if len(e.body) == len(body) && e.body == body {
			xMemo.Unlock()
			return e.r, nil
		}
	}
	xMemo.Unlock()
	r, err := xParseGraphQL([]byte(body))
	if err != nil || len(body) > xMemoMaxBytes {
		return r, err
	}
	xMemo.Lock()
	defer xMemo.Unlock()
	xMemo.entries = append(xMemo.entries, xMemoEntry{body, r})
	xMemo.bytes += len(body)
	for len(xMemo.entries) > xMemoMaxEntries || xMemo.bytes > xMemoMaxBytes {
		xMemo.bytes -= len(xMemo.entries[0].body)
		xMemo.entries = xMemo.entries[1:]
	}
	return r, nil
}

// xMemoReset forgets every decoded body (benchmarks start each unroll cold).
func xMemoReset() {
	xMemo.Lock()
	defer xMemo.Unlock()
	xMemo.entries, xMemo.bytes = nil, 0
}
