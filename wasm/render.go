//go:build js && wasm

package main

import (
	"errors"
	"strings"
	"syscall/js"

	"unspool/shared/render"
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

func isNullish(v js.Value) bool { return v.IsUndefined() || v.IsNull() }
