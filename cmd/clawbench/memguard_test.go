package main

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/clawplan/clawplan/engine"
)

// maxRetainedPerNode bounds what a loaded manifest and its plan hold per
// resource, measured after a collection with both alive. It was ~13 KiB
// before the syntax trees, the duplicate decoded records and the per-node
// probe states were released; it is ~7 KiB now.
const maxRetainedPerNode = 10 << 10

// TestPlanMemoryRegression fails when loading and planning 2,000
// synthetic resources holds more than maxRetainedPerNode bytes per
// resource. Unlike time, retained memory does not depend on the machine.
func TestPlanMemoryRegression(t *testing.T) {
	const n = 2000
	root, manifest := appliedHost(t, n)
	before := liveHeap()
	s := session(t, root, manifest, false)
	p, err := s.Plan(context.Background(), engine.PlanOptions{})
	if err != nil || p.HasChanges() {
		t.Fatalf("plan: %v (changes: %v)", err, p != nil && p.HasChanges())
	}
	retained := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(s)
	runtime.KeepAlive(p)
	t.Logf("a loaded manifest of %d resources and its plan hold %d KiB (%d bytes a resource)", n, retained>>10, retained/n)
	if retained/n > maxRetainedPerNode {
		t.Fatalf("%d bytes a resource, more than %d: a memory regression", retained/n, maxRetainedPerNode)
	}
}

// liveHeap collects and returns the live heap.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
