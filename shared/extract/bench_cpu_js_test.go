//go:build js && wasm

package extract

import "syscall/js"

// xCPUTime is node's process CPU time (user+system) under WebAssembly, so
// the WASM run of a benchmark reports cpu-MB/s as the native one does.
func xCPUTime() float64 {
	p := js.Global().Get("process")
	if p.Type() != js.TypeObject || p.Get("cpuUsage").Type() != js.TypeFunction {
		return 0
	}
	u := p.Call("cpuUsage")
	return (u.Get("user").Float() + u.Get("system").Float()) / 1e6
}
