package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// A plan holds at once the manifest's decoded blocks, the host's
// openclaw.json and clawplan's ownership records: at 10,000 blocks about
// 85 MiB live, which GOGC=100 lets grow to twice that, plus fragmentation
// and freed pages not yet returned (peak RSS ~220 MiB). The CLI keeps a
// soft memory limit of headroom times the largest live heap seen after a
// collection, never lower than floorLimit: small runs never reach it, and
// a large one stays near twice its peak live heap counting fragmentation
// (~190 MiB at 10,000 blocks) for ~8% more GC work. The limit only ever
// rises with the live heap, so the collector never thrashes against a
// limit the plan outgrew. GOGC or GOMEMLIMIT in the environment turn the
// tuning off.
const (
	headroom   = 2.0
	floorLimit = 128 << 20
)

// tuneMemory starts the tuning for this process.
func tuneMemory() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	newMemoryTuner().collected()
}

type memoryTuner struct {
	live    []metrics.Sample
	limit   int64
	stopped atomic.Bool // tests stop it
}

func newMemoryTuner() *memoryTuner {
	debug.SetMemoryLimit(floorLimit)
	return &memoryTuner{live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, limit: floorLimit}
}

// gcSentinel is garbage as soon as it is armed: its finalizer runs after
// the next collection.
type gcSentinel struct {
	t   *memoryTuner
	pad [2]int64 // not a tiny allocation, whose finalizer may be late
}

// collected raises the limit to follow the live heap, and re-arms.
func (t *memoryTuner) collected() {
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.live)
	if t.live[0].Value.Kind() == metrics.KindUint64 {
		want := headroom * float64(t.live[0].Value.Uint64())
		if want > float64(t.limit) && want < math.MaxInt64/2 {
			t.limit = int64(want)
			debug.SetMemoryLimit(t.limit)
		}
	}
	runtime.SetFinalizer(&gcSentinel{t: t}, func(s *gcSentinel) { s.t.collected() })
}
