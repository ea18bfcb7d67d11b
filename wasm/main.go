//go:build js && wasm

// Command wasm exposes package shared to JavaScript as globalThis.unspool.
// It holds no logic of its own: each file adds the functions of one concern
// to api in its init, converting JS values to Go and back.
package main

import (
	"fmt"
	"syscall/js"
)

// apiFunc implements one globalThis.unspool function. A returned error
// becomes a thrown JS Error carrying its message.
type apiFunc func(args []js.Value) (any, error)

var api = map[string]apiFunc{}

func register(name string, fn apiFunc) { api[name] = fn }

// stringArgs checks that args are n strings (null/undefined are not: a
// missing record must be passed as "" or "null" on purpose).
func stringArgs(args []js.Value, n int, name, usage string) error {
	if len(args) != n {
		return fmt.Errorf("unspool.%s(%s) takes %d strings", name, usage, n)
	}
	for _, a := range args {
		if a.Type() != js.TypeString {
			return fmt.Errorf("unspool.%s(%s) takes %d strings", name, usage, n)
		}
	}
	return nil
}

func main() {
	wrap := throwingWrapper()
	obj := js.Global().Get("Object").New()
	for name, fn := range api {
		obj.Set(name, wrap.Invoke(js.FuncOf(adapt(fn)), name))
	}
	js.Global().Set("unspool", obj)
	select {} // serve calls until the page or worker goes away
}

// adapt turns an apiFunc into a js.Func body that never panics into the Go
// runtime (a panic there would end the program for every later call): errors
// and panics are returned as JS Error objects for the wrapper to throw.
func adapt(fn apiFunc) func(js.Value, []js.Value) any {
	return func(_ js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				result = jsError("unspool: internal error: " + panicText(r))
			}
		}()
		v, err := fn(args)
		if err != nil {
			return jsError(err.Error())
		}
		return v
	}
}

func jsError(msg string) js.Value { return js.Global().Get("Error").New(msg) }

func panicText(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return "unexpected panic"
}

// throwingWrapper returns a JS function (impl, name) → function that calls
// impl and throws the Error it returns. Go cannot throw into its JS caller,
// so the throw must happen in JS. Extension pages forbid eval under MV3's
// CSP, so they define globalThis.unspoolWrap before go.run; elsewhere (node,
// plain pages) the Function constructor builds the same two lines. Where
// neither is possible, errors are returned as Error values.
func throwingWrapper() js.Value {
	if w := js.Global().Get("unspoolWrap"); w.Type() == js.TypeFunction {
		return w
	}
	if w, ok := compileWrapper(); ok {
		return w
	}
	return js.FuncOf(func(_ js.Value, args []js.Value) any { return args[0] }).Value
}

func compileWrapper() (w js.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	w = js.Global().Get("Function").New("impl", "name", `return {[name](...args) {
  const r = impl.apply(this, args);
  if (r instanceof Error) throw r;
  return r;
}}[name];`)
	return w, true
}
