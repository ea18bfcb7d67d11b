//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"syscall/js"
	"unsafe"

	"unspool/shared/extract"
	"unspool/shared/thread"
)

func init() {
	// extract(pageURL, content) → Thread JSON string. content is page HTML
	// or a platform's JSON (X TweetDetail, Bluesky getPostThread, …).
	register("extract", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return nil, errors.New("unspool.extract(pageURL, content) takes two strings")
		}
		t, err := extract.Extract(args[0].String(), bytesOf(args[1].String()))
		if err != nil {
			return nil, err
		}
		return threadJSON(t)
	})

	// extractCollected(pageURL, collectedJSON) → Thread JSON string, from
	// what the extension gathered on a virtualised X page:
	// {"html": [page or cell HTML…], "json": [TweetDetail bodies…],
	//  "stoppedBy": "boundary" | "end" | "limit" | "cancelled" | ""}.
	register("extractCollected", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return nil, errors.New("unspool.extractCollected(pageURL, collectedJSON) takes two strings")
		}
		var c extract.Collected
		if err := json.Unmarshal([]byte(args[1].String()), &c); err != nil {
			return nil, errors.New(`unspool.extractCollected: collectedJSON is not {"html":[…],"json":[…],"stoppedBy":"…"}: ` + err.Error())
		}
		t, err := extract.ExtractCollected(args[0].String(), c)
		if err != nil {
			return nil, err
		}
		return threadJSON(t)
	})
}

// threadJSON is the thread as the API returns it. It is also remembered
// (render.go), so the render that follows an unroll does not decode it again.
func threadJSON(t *thread.Thread) (any, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	s := string(b)
	rememberThread(s, t)
	return s, nil
}

// bytesOf views a page string as bytes without copying it: pages are
// megabytes, and extraction only reads its input.
func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
