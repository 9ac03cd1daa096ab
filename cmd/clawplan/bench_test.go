package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
)

// benchPlanFiles plans n testfile blocks (each depending on the previous)
// against a host where they are applied: the engine's own cost per node.
func benchPlanFiles(b *testing.B, n int) {
	root, dir := b.TempDir(), b.TempDir()
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(manyFiles(n)), 0o644)
	cfg, diags := engine.Load(dir, config.Options{})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	s, _ := engine.NewSession(cfg, root, nil, true)
	p, err := s.Plan(context.Background(), engine.PlanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg, _ := engine.Load(dir, config.Options{})
		s, _ := engine.NewSession(cfg, root, nil, false)
		p, err := s.Plan(context.Background(), engine.PlanOptions{})
		if err != nil || p.HasChanges() {
			b.Fatalf("plan: %v changes=%v", err, p.HasChanges())
		}
	}
}

func BenchmarkEnginePlanFiles(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchPlanFiles(b, n) })
	}
}
