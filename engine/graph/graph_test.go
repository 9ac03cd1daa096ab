package graph

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
)

func TestCyclesNameEveryNode(t *testing.T) {
	g := New()
	g.Connect("a", "b")
	g.Connect("b", "c")
	g.Connect("c", "a")
	g.Connect("d", "a")
	g.Connect("e", "e")
	got := g.Cycles()
	want := [][]string{{"a", "b", "c"}, {"e"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cycles = %v, want %v", got, want)
	}
	if _, ok := g.Order(); ok {
		t.Fatal("Order succeeded on a cyclic graph")
	}
}

func TestOrderPutsDependenciesFirst(t *testing.T) {
	g := New()
	g.Connect("app", "db")
	g.Connect("app", "net")
	g.Connect("db", "net")
	order, ok := g.Order()
	if !ok || !reflect.DeepEqual(order, []string{"net", "db", "app"}) {
		t.Fatalf("order = %v %v", order, ok)
	}
}

func TestWalkStopsAtFirstFailureAndSkipsDependents(t *testing.T) {
	g := New()
	g.Connect("b", "a")
	g.Connect("c", "b")
	g.Add("x")
	var ran atomic.Int32
	boom := errors.New("boom")
	res := g.Walk(context.Background(), 1, func(_ context.Context, n string) error {
		ran.Add(1)
		if n == "b" {
			return boom
		}
		return nil
	})
	if res.Failed != "b" || !errors.Is(res.Err, boom) {
		t.Fatalf("failed = %q %v", res.Failed, res.Err)
	}
	for _, s := range res.Skipped {
		if s == "a" || s == "b" {
			t.Fatalf("%s reported skipped though it ran", s)
		}
	}
	if contains(res.Completed, "c") {
		t.Fatal("c ran although b, which it depends on, failed")
	}
}

func TestWalkRespectsDependenciesInParallel(t *testing.T) {
	g := New()
	for i := 1; i < 200; i++ {
		g.Connect(fmt.Sprint("n", i), fmt.Sprint("n", i/2))
	}
	done := map[string]bool{}
	var mu = make(chan struct{}, 1)
	res := g.Walk(context.Background(), 8, func(_ context.Context, n string) error {
		mu <- struct{}{}
		defer func() { <-mu }()
		for _, d := range g.DependsOn(n) {
			if !done[d] {
				return fmt.Errorf("%s ran before %s", n, d)
			}
		}
		done[n] = true
		return nil
	})
	if res.Err != nil || len(res.Completed) != g.Len() {
		t.Fatalf("walk: %v, %d of %d", res.Err, len(res.Completed), g.Len())
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func BenchmarkOrder10k(b *testing.B) {
	g := New()
	for i := 1; i < 10000; i++ {
		g.Connect(fmt.Sprint("n", i), fmt.Sprint("n", i/3))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Order()
		g.Cycles()
	}
}
