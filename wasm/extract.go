//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"syscall/js"

	"unspool/shared/extract"
)

func init() {
	// extract(pageURL, content) → Thread JSON string.
	register("extract", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return nil, errors.New("unspool.extract(pageURL, content) takes two strings")
		}
		t, err := extract.Extract(args[0].String(), []byte(args[1].String()))
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(t)
		return string(b), err
	})
}
