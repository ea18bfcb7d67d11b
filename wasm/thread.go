//go:build js && wasm

package main

// The Thread JSON in and out of the API's calls, with the last one
// remembered.

import (
	"encoding/json"

	"unspool/shared/thread"
)

// lastThread keeps the thread last decoded: the reader renders a thread and
// then exports the same JSON (copy as Markdown, download HTML), keep current
// asks mastodonRequest then mastodonReading of one saved thread, and
// decoding is most of a call's cost in the WASM. No call modifies a thread
// it is given, so sharing the decoded value is safe; a different string
// decodes afresh.
var lastThread struct {
	json string
	t    *thread.Thread
}

// rememberThread records that s is the JSON of t. extract can call it with
// the JSON it returns, so the render that follows an unroll decodes nothing
// (decoding a 100-post thread is ~28 ms of a ~34 ms render in the WASM).
func rememberThread(s string, t *thread.Thread) {
	lastThread.json, lastThread.t = s, t
}

func parseThread(s string) (*thread.Thread, error) {
	if lastThread.t != nil && s == lastThread.json {
		return lastThread.t, nil
	}
	var t thread.Thread
	if err := json.Unmarshal([]byte(s), &t); err != nil {
		return nil, thread.Errorf(thread.EINVALID, "thread JSON: %v", err)
	}
	rememberThread(s, &t)
	return &t, nil
}

// threadJSON is the thread as the API returns it. It is also remembered,
// so the render that follows an unroll does not decode it again.
func threadJSON(t *thread.Thread) (any, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	s := string(b)
	rememberThread(s, t)
	return s, nil
}
