package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/cmd/clawbench/synth"
	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
	_ "github.com/clawplan/clawplan/resources/all"
)

// appliedHost makes a scratch host with a synthetic manifest of n
// resources applied, and returns the root and manifest directory.
func appliedHost(tb testing.TB, n int) (root, manifest string) {
	tb.Helper()
	os.Setenv("CLAWBENCH_SECRET", "clawbench-secret-value")
	root, manifest = tb.TempDir(), tb.TempDir()
	os.WriteFile(filepath.Join(manifest, "main.hcl"), []byte(synth.Manifest(n)), 0o644)
	if err := synth.Host(root, n); err != nil {
		tb.Fatal(err)
	}
	s := session(tb, root, manifest, true)
	p, err := s.Plan(context.Background(), engine.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Apply(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	return root, manifest
}

func session(tb testing.TB, root, manifest string, create bool) *engine.Session {
	cfg, diags := engine.Load(manifest, config.Options{Environ: os.Environ()})
	if diags.HasErrors() {
		tb.Fatal(diags.Error())
	}
	s, err := engine.NewSession(cfg, root, nil, create)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// planOnce loads and plans, as `clawplan plan` does, and checks it is clean.
func planOnce(tb testing.TB, root, manifest string) {
	p, err := session(tb, root, manifest, false).Plan(context.Background(), engine.PlanOptions{})
	if err != nil || p.HasChanges() {
		tb.Fatalf("plan: %v (changes: %v)", err, p != nil && p.HasChanges())
	}
}

// BenchmarkPlanSynthetic plans synthetic manifests against applied hosts.
func BenchmarkPlanSynthetic(b *testing.B) {
	for _, n := range []int{100, 1000, 2000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root, manifest := appliedHost(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				planOnce(b, root, manifest)
			}
		})
	}
}
