//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"syscall/js"
	"time"
	"unsafe"

	"unspool/shared/extract"
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
	//  "stoppedBy": "boundary" | "end" | "limit" | "cancelled" | "",
	//  "followed": [cursors whose answers are among json]},
	// as JSON text or as that object itself (see collectedOf).
	register("extractCollected", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || !isCollected(args[1]) {
			return nil, errors.New("unspool.extractCollected(pageURL, collectedJSON) takes two strings (or the collected object)")
		}
		c, err := collectedOf("extractCollected", args[1])
		if err != nil {
			return nil, err
		}
		t, err := extract.ExtractCollected(args[0].String(), c)
		if err != nil {
			return nil, err
		}
		return threadJSON(t)
	})
}

func init() {
	// mastodonRequest(savedThreadJSON, turn) → JSON {url, kind}: the one
	// request of keep current's turn-th reading of a saved Mastodon thread
	// (extract.MastodonRequest); throws for a thread that cannot be asked.
	// mastodonReading(savedThreadJSON, kind, body) → Thread JSON string:
	// keep current's reading of a saved Mastodon thread from one answer of
	// its server (extract.MastodonReading): kind "context" (the body of
	// /api/v1/statuses/<thread id>/context), "status" (of
	// /api/v1/statuses/<thread id>) or "gone" (either answered 404; body "").
	register("mastodonRequest", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber {
			return nil, errors.New("unspool.mastodonRequest(savedThreadJSON, turn) takes a string and a number")
		}
		saved, err := parseThread(args[0].String())
		if err != nil {
			return nil, err
		}
		url, kind, err := extract.MastodonRequest(saved, args[1].Int())
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(map[string]string{"url": url, "kind": kind})
		return string(b), err
	})
	register("mastodonReading", func(args []js.Value) (any, error) {
		if err := stringArgs(args, 3, "mastodonReading", "savedThreadJSON, kind, body"); err != nil {
			return nil, err
		}
		saved, err := parseThread(args[0].String())
		if err != nil {
			return nil, err
		}
		t, err := extract.MastodonReading(saved, args[1].String(), bytesOf(args[2].String()), time.Now())
		if err != nil {
			return nil, err
		}
		return threadJSON(t)
	})
}

func init() {
	// xContinuations(pageURL, collectedJSON) → JSON of extract.XChain: from
	// the TweetDetail bodies alone, whether the author's chain is complete
	// and which of X's cursors would extend it ({complete, posts, first,
	// last, next: [{cursor, kind, post}], missing}). The extension follows
	// next with the page's own request; it never reads X's JSON itself.
	register("xContinuations", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || !isCollected(args[1]) {
			return nil, errors.New("unspool.xContinuations(pageURL, collectedJSON) takes two strings (or the collected object)")
		}
		c, err := collectedOf("xContinuations", args[1])
		if err != nil {
			return nil, err
		}
		chain, err := extract.XContinuations(args[0].String(), c)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(chain)
		return string(b), err
	})
}

// collectedOf reads the collected captures: an object {html, json,
// stoppedBy, followed} of strings (what the extension passes: its X bodies
// are strings already, and a JSON envelope around them would be one more
// full decode of every body, on every look), or the same as JSON text.
func collectedOf(fn string, v js.Value) (extract.Collected, error) {
	var c extract.Collected
	bad := func(detail string) (extract.Collected, error) {
		return c, errors.New("unspool." + fn + `: collectedJSON is not {"html":[…],"json":[…],"stoppedBy":"…","followed":[…]}: ` + detail)
	}
	if v.Type() == js.TypeString {
		if err := json.Unmarshal(bytesOf(v.String()), &c); err != nil {
			return bad(err.Error())
		}
		return c, nil
	}
	var err error
	if c.HTML, err = stringsOf(v, "html"); err != nil {
		return bad(err.Error())
	}
	if c.JSON, err = stringsOf(v, "json"); err != nil {
		return bad(err.Error())
	}
	if c.Followed, err = stringsOf(v, "followed"); err != nil {
		return bad(err.Error())
	}
	switch s := v.Get("stoppedBy"); s.Type() {
	case js.TypeString:
		c.StoppedBy = s.String()
	case js.TypeUndefined, js.TypeNull:
	default:
		return bad("stoppedBy is not a string")
	}
	return c, nil
}

func isCollected(v js.Value) bool { return v.Type() == js.TypeString || v.Type() == js.TypeObject }

// stringsOf reads obj[key], an array of strings (absent is none).
func stringsOf(obj js.Value, key string) ([]string, error) {
	v := obj.Get(key)
	if v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return nil, nil
	}
	if !js.Global().Get("Array").Call("isArray", v).Bool() {
		return nil, errors.New(key + " is not an array")
	}
	out := make([]string, v.Length())
	for i := range out {
		e := v.Index(i)
		if e.Type() != js.TypeString {
			return nil, errors.New(key + " holds a value that is not a string")
		}
		out[i] = e.String()
	}
	return out, nil
}

// bytesOf views a page string as bytes without copying it: pages are
// megabytes, and extraction only reads its input.
func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
