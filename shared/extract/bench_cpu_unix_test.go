//go:build unix

package extract

import "syscall"

// xCPUTime is the process's user+system CPU time. Benchmarks report MB/s
// by it as well as by the clock: on a shared, busy machine the clock counts
// time spent waiting for a core, CPU time does not.
func xCPUTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
