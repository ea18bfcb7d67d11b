//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	usync "unspool/shared/sync"
)

// syncRun(requestJSON, host) runs the sync engine (shared/sync Run) over
// the extension's fetch and IndexedDB, which host provides as functions
// returning promises (see docs/wasm-api.md). It returns a Promise of the
// outcome JSON at once: the engine runs in a goroutine that waits on host's
// promises, while JS goes on — a Go call blocking on a promise must never
// hold the event loop that would settle it.
func init() {
	register("syncRun", func(args []js.Value) (any, error) {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeObject {
			return nil, fmt.Errorf("unspool.syncRun(requestJSON, host) takes a string and an object")
		}
		var req usync.RunRequest
		if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			return nil, fmt.Errorf("unspool.syncRun: the request is not JSON {op, secret, server, failures}: %w", err)
		}
		h := host{args[1]}
		for _, name := range []string{"request", "cursor", "setCursor", "outbox", "ack", "get", "update"} {
			if h.v.Get(name).Type() != js.TypeFunction {
				return nil, fmt.Errorf("unspool.syncRun: host.%s is not a function", name)
			}
		}
		return promise(func() (any, error) {
			b, err := json.Marshal(usync.Run(context.Background(), req, usync.NewTransport(h.do), h))
			return string(b), err
		}), nil
	})
}

// promise returns a JS Promise settled by fn, which runs in a goroutine.
func promise(fn func() (any, error)) js.Value {
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer func() {
				if r := recover(); r != nil {
					reject.Invoke(jsError("unspool: internal error: " + panicText(r)))
				}
			}()
			v, err := fn()
			if err != nil {
				reject.Invoke(jsError(err.Error()))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	defer executor.Release() // the constructor calls it at once
	return js.Global().Get("Promise").New(executor)
}

// host is the extension's side of a sync: transport and storage.
type host struct{ v js.Value }

var _ usync.Store = host{}

// call calls host.name(args…) and waits for the promise it returns (or a
// plain value); a throw or a rejection becomes the error.
func (h host) call(name string, args ...any) (v js.Value, err error) {
	var p js.Value
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("host.%s: %s", name, panicText(r))
			}
		}()
		p = js.Global().Get("Promise").Call("resolve", h.v.Call(name, args...))
	}()
	if err != nil {
		return js.Undefined(), err
	}
	type settled struct {
		v   js.Value
		err error
	}
	ch := make(chan settled, 1)
	onOK := js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- settled{v: arg(a)}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, a []js.Value) any {
		e := arg(a)
		msg := e.String()
		if e.Type() == js.TypeObject && e.Get("message").Type() == js.TypeString {
			msg = e.Get("message").String()
		}
		ch <- settled{err: fmt.Errorf("host.%s: %s", name, msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	s := <-ch
	return s.v, s.err
}

func arg(a []js.Value) js.Value {
	if len(a) == 0 {
		return js.Undefined()
	}
	return a[0]
}

func jsStrings(ids []string) js.Value {
	a := make([]any, len(ids))
	for i, id := range ids {
		a[i] = id
	}
	return js.ValueOf(a)
}

// do is the Doer: host.request(method, path, authKey, body|null) resolves
// to {status, retryAfter, body}; it rejects when the server cannot be
// reached.
func (h host) do(_ context.Context, r usync.Request) (usync.Response, error) {
	body := js.Null()
	if r.Body != nil {
		body = js.ValueOf(string(r.Body))
	}
	v, err := h.call("request", r.Method, r.Path, r.AuthKey, body)
	if err != nil {
		return usync.Response{}, fmt.Errorf("%w: %w", usync.ErrUnreachable, err)
	}
	resp := usync.Response{Status: v.Get("status").Int()}
	if ra := v.Get("retryAfter"); ra.Type() == js.TypeString {
		resp.RetryAfter = ra.String()
	}
	if b := v.Get("body"); b.Type() == js.TypeString {
		resp.Body = []byte(b.String())
	}
	return resp, nil
}

func (h host) Cursor(context.Context) (string, error) {
	v, err := h.call("cursor")
	if err != nil || v.Type() != js.TypeString {
		return "", err
	}
	return v.String(), nil
}

func (h host) SetCursor(_ context.Context, c string) error {
	_, err := h.call("setCursor", c)
	return err
}

// Outbox: host.outbox() resolves to {keys: [canonical id…] sorted, mark}.
func (h host) Outbox(context.Context) ([]string, int64, error) {
	v, err := h.call("outbox")
	if err != nil {
		return nil, 0, err
	}
	keys := v.Get("keys")
	ids := make([]string, keys.Length())
	for i := range ids {
		ids[i] = keys.Index(i).String()
	}
	return ids, int64(v.Get("mark").Float()), nil
}

func (h host) Ack(_ context.Context, ids []string, mark int64) error {
	_, err := h.call("ack", jsStrings(ids), mark)
	return err
}

// Get: host.get(keys) resolves to the stored records' JSON, "" for none.
func (h host) Get(_ context.Context, ids []string) ([]*usync.Local, error) {
	v, err := h.call("get", jsStrings(ids))
	if err != nil {
		return nil, err
	}
	out := make([]*usync.Local, len(ids))
	for i := range out {
		s := v.Index(i).String()
		if s == "" {
			continue
		}
		out[i] = new(usync.Local)
		if err := json.Unmarshal([]byte(s), out[i]); err != nil {
			return nil, fmt.Errorf("stored record %s: %w", ids[i], err)
		}
	}
	return out, nil
}

// Update: host.update(keys, fn) calls fn(key, storedJSON | "") for each
// record inside one transaction; fn answers null (leave it) or {record:
// JSON to store, queue: whether to add it to the outbox, changed: whether
// more than its seq changed, for pages showing it to refresh}.
func (h host) Update(_ context.Context, ids []string, fn usync.UpdateFunc) error {
	cb := js.FuncOf(func(_ js.Value, a []js.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = jsError("unspool: internal error: " + panicText(r))
			}
		}()
		if len(a) != 2 {
			return jsError("update's fn takes (key, storedJSON)")
		}
		var cur *usync.Local
		if s := a[1].String(); a[1].Type() == js.TypeString && s != "" {
			cur = new(usync.Local)
			if err := json.Unmarshal([]byte(s), cur); err != nil {
				return jsError(fmt.Sprintf("stored record %s: %v", a[0].String(), err))
			}
		}
		next, queue := fn(a[0].String(), cur)
		if next == nil {
			return js.Null()
		}
		b, err := json.Marshal(next)
		if err != nil {
			return jsError(err.Error())
		}
		changed := cur == nil
		if cur != nil {
			before, _ := json.Marshal(cur.Saved)
			after, _ := json.Marshal(next.Saved)
			changed = string(before) != string(after)
		}
		return js.ValueOf(map[string]any{"record": string(b), "queue": queue, "changed": changed})
	})
	defer cb.Release()
	_, err := h.call("update", jsStrings(ids), cb)
	return err
}
