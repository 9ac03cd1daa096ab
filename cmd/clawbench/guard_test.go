package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"testing"
	"time"
)

var recordBaseline = flag.Bool("record-baseline", false, "record the plan/baseline ratio in testdata/bench/guard.json")

const guardFile = "../../testdata/bench/guard.json"

// guardRecord is the recorded ratio of a 1,000-node plan to the fixed
// baseline workload, on the machine that recorded it.
type guardRecord struct {
	Ratio    float64 `json:"ratio"`
	PlanMS   float64 `json:"plan_ms"`
	BaseMS   float64 `json:"baseline_ms"`
	Recorded string  `json:"recorded"`
}

// baselineWork is fixed work that does not depend on clawplan's code:
// hashing and sorting. Timing a plan against it, not against the clock,
// makes the guard independent of how fast the machine is.
func baselineWork() {
	buf := make([]byte, 8<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	for i := 0; i < 4; i++ {
		sha256.Sum256(buf)
	}
	xs := make([]int, 300000)
	for i := range xs {
		xs[i] = (i * 7919) % 300007
	}
	sort.Ints(xs)
}

// TestPlanTimeRegression fails when planning 1,000 synthetic resources
// against an applied host becomes more than 3x slower, relative to the
// baseline work, than when the ratio was recorded. Plan and baseline runs
// are interleaved and the fastest of each counts, so a busy machine slows
// both alike. Record a new ratio with -record-baseline after an intended
// change.
func TestPlanTimeRegression(t *testing.T) {
	root, manifest := appliedHost(t, 1000)
	plan, base := time.Hour, time.Hour
	for i := 0; i < 5; i++ {
		start := time.Now()
		baselineWork()
		base = min(base, time.Since(start))
		start = time.Now()
		planOnce(t, root, manifest)
		plan = min(plan, time.Since(start))
	}
	ratio := plan.Seconds() / base.Seconds()
	t.Logf("plan of 1,000 resources: %s; baseline work: %s; ratio %.2f", plan, base, ratio)
	if *recordBaseline {
		b, _ := json.MarshalIndent(guardRecord{Ratio: ratio, PlanMS: ms(plan), BaseMS: ms(base), Recorded: time.Now().UTC().Format(time.RFC3339)}, "", "  ")
		if err := os.WriteFile(guardFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var rec guardRecord
	b, err := os.ReadFile(guardFile)
	if err != nil || json.Unmarshal(b, &rec) != nil || rec.Ratio <= 0 {
		t.Fatalf("no recorded baseline in %s (%v): run go test ./cmd/clawbench -run Regression -record-baseline", guardFile, err)
	}
	if ratio > 3*rec.Ratio {
		t.Fatalf("planning 1,000 resources is %.1fx slower than recorded (ratio %.2f, recorded %.2f on %s): a regression", ratio/rec.Ratio, ratio, rec.Ratio, rec.Recorded)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
