// Package graph is a small directed acyclic graph of named nodes: add
// nodes and dependency edges, find cycles (every node of each one), order
// nodes topologically, and walk them in parallel so that a node starts only
// after everything it depends on finished, stopping at the first failure.
// Every pass is linear in nodes plus edges.
package graph

import (
	"sort"
)

// Graph holds nodes and "depends on" edges between them.
type Graph struct {
	nodes []string
	index map[string]int
	deps  [][]int // deps[i]: the nodes i depends on
	rdeps [][]int // rdeps[i]: the nodes that depend on i
	edges map[[2]int]bool
}

// New returns an empty graph.
func New() *Graph { return &Graph{index: map[string]int{}, edges: map[[2]int]bool{}} }

// Add adds a node; adding it again does nothing.
func (g *Graph) Add(n string) {
	if _, ok := g.index[n]; ok {
		return
	}
	g.index[n] = len(g.nodes)
	g.nodes = append(g.nodes, n)
	g.deps = append(g.deps, nil)
	g.rdeps = append(g.rdeps, nil)
}

// Has reports whether n is a node.
func (g *Graph) Has(n string) bool { _, ok := g.index[n]; return ok }

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.nodes) }

// Nodes returns the nodes in the order they were added.
func (g *Graph) Nodes() []string { return append([]string(nil), g.nodes...) }

// Connect records that from depends on to. Both are added if missing.
func (g *Graph) Connect(from, to string) {
	g.Add(from)
	g.Add(to)
	f, t := g.index[from], g.index[to]
	if g.edges[[2]int{f, t}] {
		return
	}
	g.edges[[2]int{f, t}] = true
	g.deps[f] = append(g.deps[f], t)
	g.rdeps[t] = append(g.rdeps[t], f)
}

// DependsOn returns what n depends on directly, sorted.
func (g *Graph) DependsOn(n string) []string { return g.names(g.deps[g.index[n]]) }

// Dependents returns what depends on n directly, sorted.
func (g *Graph) Dependents(n string) []string { return g.names(g.rdeps[g.index[n]]) }

func (g *Graph) names(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = g.nodes[id]
	}
	sort.Strings(out)
	return out
}

// Cycles returns every cycle as the sorted list of its nodes (Tarjan's
// strongly connected components of more than one node, or a self loop).
func (g *Graph) Cycles() [][]string {
	t := tarjan{g: g, index: make([]int, len(g.nodes)), low: make([]int, len(g.nodes)), on: make([]bool, len(g.nodes))}
	for i := range t.index {
		t.index[i] = -1
	}
	for i := range g.nodes {
		if t.index[i] < 0 {
			t.visit(i)
		}
	}
	sort.Slice(t.cycles, func(i, j int) bool { return t.cycles[i][0] < t.cycles[j][0] })
	return t.cycles
}

type tarjan struct {
	g      *Graph
	next   int
	index  []int
	low    []int
	on     []bool
	stack  []int
	cycles [][]string
}

// visit is Tarjan's algorithm, iterative so deep chains cannot overflow the stack.
func (t *tarjan) visit(root int) {
	type frame struct{ v, i int }
	work := []frame{{root, 0}}
	t.push(root)
	for len(work) > 0 {
		f := &work[len(work)-1]
		if f.i < len(t.g.deps[f.v]) {
			w := t.g.deps[f.v][f.i]
			f.i++
			if t.index[w] < 0 {
				t.push(w)
				work = append(work, frame{w, 0})
			} else if t.on[w] && t.index[w] < t.low[f.v] {
				t.low[f.v] = t.index[w]
			}
			continue
		}
		v := f.v
		work = work[:len(work)-1]
		if len(work) > 0 && t.low[v] < t.low[work[len(work)-1].v] {
			t.low[work[len(work)-1].v] = t.low[v]
		}
		if t.low[v] == t.index[v] {
			t.pop(v)
		}
	}
}

func (t *tarjan) push(v int) {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.on[v] = true
}

func (t *tarjan) pop(v int) {
	var comp []string
	for {
		w := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		t.on[w] = false
		comp = append(comp, t.g.nodes[w])
		if w == v {
			break
		}
	}
	if len(comp) > 1 || t.g.edges[[2]int{v, v}] {
		sort.Strings(comp)
		t.cycles = append(t.cycles, comp)
	}
}

// Order returns the nodes so that each comes after everything it depends
// on (Kahn's algorithm; ties keep insertion order). It returns false if the
// graph has a cycle.
func (g *Graph) Order() ([]string, bool) {
	pending := make([]int, len(g.nodes))
	var ready []int
	for i := range g.nodes {
		pending[i] = len(g.deps[i])
		if pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	out := make([]string, 0, len(g.nodes))
	for len(ready) > 0 {
		v := ready[0]
		ready = ready[1:]
		out = append(out, g.nodes[v])
		for _, d := range g.rdeps[v] {
			if pending[d]--; pending[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	return out, len(out) == len(g.nodes)
}
