package graph

import (
	"context"
	"sync"
)

// WalkResult says how a walk ended.
type WalkResult struct {
	// Completed are the nodes whose function returned nil, in completion order.
	Completed []string
	// Failed is the first node that failed ("" if none), Err its error: the root cause.
	Failed string
	Err    error
	// Skipped are the nodes never started because of the failure.
	Skipped []string
}

// Walk calls fn for every node, at most parallel at a time, each only after
// all it depends on completed. After the first failure no node starts;
// those running finish. Later failures of nodes already running are not
// the root cause and are reported only through their own fn.
func (g *Graph) Walk(ctx context.Context, parallel int, fn func(ctx context.Context, node string) error) WalkResult {
	if parallel < 1 {
		parallel = 1
	}
	var (
		mu      sync.Mutex
		res     WalkResult
		wg      sync.WaitGroup
		pending = make([]int, len(g.nodes))
		started = make([]bool, len(g.nodes))
		sem     = make(chan struct{}, parallel)
		ready   = make(chan int, len(g.nodes))
	)
	for i := range g.nodes {
		pending[i] = len(g.deps[i])
		if pending[i] == 0 {
			ready <- i
		}
	}
	remaining := len(g.nodes)
	done := make(chan int, len(g.nodes))
	running := 0
	for remaining > 0 {
		mu.Lock()
		failed := res.Failed != "" || ctx.Err() != nil
		mu.Unlock()
		if !failed {
			select {
			case v := <-ready:
				started[v] = true
				running++
				wg.Add(1)
				sem <- struct{}{}
				go func(v int) {
					defer wg.Done()
					err := fn(ctx, g.nodes[v])
					<-sem
					mu.Lock()
					if err != nil && res.Failed == "" {
						res.Failed, res.Err = g.nodes[v], err
					} else if err == nil {
						res.Completed = append(res.Completed, g.nodes[v])
					}
					mu.Unlock()
					if err != nil {
						v = -1 - v
					}
					done <- v
				}(v)
				continue
			default:
			}
		}
		if running == 0 {
			break
		}
		v := <-done
		running--
		remaining--
		if v < 0 {
			continue
		}
		for _, d := range g.rdeps[v] {
			if pending[d]--; pending[d] == 0 {
				ready <- d
			}
		}
	}
	wg.Wait()
	if res.Failed == "" && ctx.Err() != nil {
		res.Err = ctx.Err()
	}
	for i, s := range started {
		if !s {
			res.Skipped = append(res.Skipped, g.nodes[i])
		}
	}
	return res
}
