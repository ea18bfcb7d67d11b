//go:build !unix && !(js && wasm)

package extract

// xCPUTime is not measured here (see bench_cpu_unix_test.go).
func xCPUTime() float64 { return 0 }
