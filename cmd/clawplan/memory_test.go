package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestMemoryTunerFollowsTheLiveHeap checks the soft limit: the floor at
// first, then headroom times a live heap above half the floor after a
// collection, and not lowered when that heap is freed.
func TestMemoryTunerFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tuner := newMemoryTuner()
	defer tuner.stopped.Store(true)
	tuner.collected()
	if got := debug.SetMemoryLimit(-1); got != floorLimit {
		t.Fatalf("limit %d, want the floor %d", got, floorLimit)
	}
	debug.SetMemoryLimit(math.MaxInt64) // the test binary's heap must not collect against the floor
	tuner.limit = floorLimit
	live := make([][]byte, 0, 160)
	for range 160 {
		live = append(live, make([]byte, 1<<20))
	}
	var raised int64
	for i := 0; i < 50 && raised < int64(headroom*150<<20); i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
		raised = debug.SetMemoryLimit(-1)
	}
	if raised < int64(headroom*150<<20) {
		t.Fatalf("limit %d after collecting 160 MiB live, want at least %d", raised, int64(headroom*150<<20))
	}
	runtime.KeepAlive(live)
	live = nil
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got < raised {
		t.Fatalf("limit lowered to %d from %d", got, raised)
	}
}
