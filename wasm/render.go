//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall/js"

	"unspool/shared/render"
	"unspool/shared/thread"
)

func init() {
	// render(threadJSON, optionsJSON?) → HTML string: a fragment for a shadow
	// root (<style> + the reader root), or with {"standalone":true} a document.
	register("render", func(args []js.Value) (any, error) {
		if len(args) < 1 || len(args) > 2 || args[0].Type() != js.TypeString ||
			len(args) == 2 && args[1].Type() != js.TypeString && !isNullish(args[1]) {
			return nil, errors.New("unspool.render(threadJSON, optionsJSON) takes a JSON string and an optional JSON string")
		}
		t, err := parseThread(args[0].String())
		if err != nil {
			return nil, err
		}
		opts := ""
		if len(args) == 2 && !isNullish(args[1]) {
			opts = args[1].String()
		}
		o, err := render.ParseOptions(opts)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := render.Render(&b, t, o); err != nil {
			return nil, err
		}
		return b.String(), nil
	})

	// export(threadJSON, format, optionsJSON?) → string; format is html,
	// markdown (md), text (txt) or json; options (render's) style the html.
	register("export", func(args []js.Value) (any, error) {
		if len(args) < 2 || len(args) > 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString ||
			len(args) == 3 && args[2].Type() != js.TypeString && !isNullish(args[2]) {
			return nil, errors.New("unspool.export(threadJSON, format, optionsJSON) takes two strings and an optional JSON string")
		}
		t, err := parseThread(args[0].String())
		if err != nil {
			return nil, err
		}
		f, err := render.ParseFormat(args[1].String())
		if err != nil {
			return nil, err
		}
		opts := ""
		if len(args) == 3 && !isNullish(args[2]) {
			opts = args[2].String()
		}
		o, err := render.ParseOptions(opts)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := render.Export(&b, t, f, o); err != nil {
			return nil, err
		}
		return b.String(), nil
	})
}

// lastThread keeps the thread last decoded: the reader renders a thread and
// then exports the same JSON (copy as Markdown, download HTML), and decoding
// is most of a call's cost in the WASM. Rendering never modifies a thread,
// so sharing the decoded value is safe; a different string decodes afresh.
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

func isNullish(v js.Value) bool { return v.IsUndefined() || v.IsNull() }
