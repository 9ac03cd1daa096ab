package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// FormatVersion is the version of the JSON plan format (schema/plan.schema.json).
const FormatVersion = "1.0"

// Plan is what a run will change, computed once and rendered by views.
type Plan struct {
	FormatVersion string             `json:"format_version"`
	Manifest      string             `json:"manifest"`
	ManifestHash  string             `json:"manifest_hash"`
	Changes       []resources.Change `json:"changes"`
	Fingerprints  map[string]string  `json:"fingerprints"`
	Pending       []resources.Addr   `json:"pending_refresh,omitempty"`
	Interrupted   string             `json:"interrupted_run,omitempty"`
	Warnings      []string           `json:"warnings,omitempty"`
	Targets       []string           `json:"targets,omitempty"`
	Replace       []string           `json:"replace,omitempty"`
	Summary       Summary            `json:"summary"`
	orphans       []resources.Resource
}

// Summary counts the plan's actions.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// HasChanges reports whether applying would change anything (including
// owed refreshes).
func (p *Plan) HasChanges() bool {
	return p.Summary.Add+p.Summary.Change+p.Summary.Destroy > 0 || len(p.Pending) > 0
}

// Change returns the change for a.
func (p *Plan) Change(a resources.Addr) (resources.Change, bool) {
	for _, c := range p.Changes {
		if c.Addr == a {
			return c, true
		}
	}
	return resources.Change{}, false
}

func (p *Plan) summarize() {
	p.Summary = Summary{}
	for _, c := range p.Changes {
		switch c.Action {
		case resources.Create:
			p.Summary.Add++
		case resources.Update:
			p.Summary.Change++
		case resources.Delete:
			p.Summary.Destroy++
		case resources.Replace:
			p.Summary.Add++
			p.Summary.Destroy++
		}
	}
}

// PlanOptions narrows or forces a plan.
type PlanOptions struct {
	Targets []string // -target ADDR: only these and what they depend on
	Replace []string // -replace ADDR: recreate these
}

// planNode is one resource of a plan, declared or orphaned.
type planNode struct {
	res    resources.Resource
	orphan bool
}

// Plan probes the host for every resource and diffs it.
func (s *Session) Plan(ctx context.Context, opts PlanOptions) (*Plan, error) {
	nodes, err := s.planNodes(opts)
	if err != nil {
		return nil, err
	}
	p := &Plan{FormatVersion: FormatVersion, Manifest: s.Config.Manifest.Path, ManifestHash: s.Config.Manifest.Hash,
		Fingerprints: map[string]string{}, Targets: opts.Targets, Replace: opts.Replace}
	if err := s.noteState(p); err != nil {
		return nil, err
	}
	replace := map[string]bool{}
	for _, r := range opts.Replace {
		replace[r] = true
	}
	// Of a probed state the plan keeps the fingerprint; what Apply needs of
	// it the kind put in its Change. (Keeping every state to the end of the
	// plan held each probe's reads at once.)
	results := make([]resources.Change, len(nodes))
	fingerprints := make([]string, len(nodes))
	errs := make([]error, len(nodes))
	parallelEach(len(nodes), func(i int) {
		var st resources.State
		st, results[i], errs[i] = s.planOne(ctx, nodes[i], replace[nodes[i].res.Addr().String()])
		fingerprints[i] = st.Fingerprint
	})
	var perr planErrors
	for i, n := range nodes {
		if errs[i] != nil {
			perr = append(perr, fmt.Errorf("%s: %w", n.res.Addr(), errs[i]))
			continue
		}
		results[i].Addr = n.res.Addr()
		p.Changes = append(p.Changes, results[i])
		p.Fingerprints[n.res.Addr().String()] = fingerprints[i]
		if n.orphan {
			p.orphans = append(p.orphans, n.res)
		}
	}
	if len(perr) > 0 {
		return nil, perr
	}
	p.summarize()
	return p, nil
}

// planErrors are the probe or diff failures of a plan, one per resource.
// Kinds may fail with hcl.Diagnostics (a rejected value points at its
// manifest line); Diagnostics collects those so they print with snippets.
type planErrors []error

// Diagnostics returns the failures that are diagnostics, and the rest.
func (e planErrors) Diagnostics() (hcl.Diagnostics, []error) {
	var diags hcl.Diagnostics
	var rest []error
	for _, err := range e {
		var d hcl.Diagnostics
		if errors.As(err, &d) {
			diags = append(diags, d...)
			continue
		}
		rest = append(rest, err)
	}
	return diags, rest
}

// PlanDiagnostics splits a Plan error into diagnostics (printed with their
// source snippets) and other errors.
func PlanDiagnostics(err error) (hcl.Diagnostics, []error) {
	var pe planErrors
	if errors.As(err, &pe) {
		return pe.Diagnostics()
	}
	return nil, []error{err}
}

func (e planErrors) Error() string {
	s := fmt.Sprintf("%d resource(s) could not be planned:", len(e))
	for _, err := range e {
		s += "\n  " + err.Error()
	}
	return s
}

func (s *Session) planOne(ctx context.Context, n planNode, replace bool) (resources.State, resources.Change, error) {
	st, err := n.res.Probe(ctx, s.Host)
	if err != nil {
		return st, resources.Change{}, fmt.Errorf("probe: %w", err)
	}
	var ch resources.Change
	switch rp, ok := n.res.(resources.Replacer); {
	case replace && ok:
		ch, err = rp.Replace(st)
	default:
		ch, err = n.res.Diff(st)
		if replace && err == nil {
			ch.Action = resources.Replace
		}
	}
	if err != nil {
		return st, ch, fmt.Errorf("diff: %w", err)
	}
	return st, ch, nil
}

// parallelEach runs fn(0..n-1) on a bounded number of goroutines.
func parallelEach(n int, fn func(i int)) {
	workers := 4 * runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// planNodes returns the resources to plan: the declared ones (narrowed by
// targets) and the orphans clawplan owns but the manifest no longer declares.
func (s *Session) planNodes(opts PlanOptions) ([]planNode, error) {
	keep, err := s.targetSet(opts.Targets)
	if err != nil {
		return nil, err
	}
	for _, r := range opts.Replace {
		a, err := resources.ParseAddr(r)
		if err != nil {
			return nil, err
		}
		if _, ok := s.Config.Get(a); !ok {
			return nil, fmt.Errorf("-replace %s: no such resource in the manifest (resources: %v)", r, s.Config.Addrs())
		}
	}
	owned, err := s.Store.Owned()
	if err != nil {
		return nil, err
	}
	var nodes []planNode
	for _, r := range s.Config.Resources {
		if keep == nil || keep[r.Addr().String()] {
			if rm, ok := r.(resources.Remembering); ok && owned[r.Addr().String()] != nil {
				rm.Remember(owned[r.Addr().String()])
			}
			nodes = append(nodes, planNode{res: r})
		}
	}
	if keep != nil {
		return nodes, nil
	}
	orphans, err := s.orphans(owned)
	return append(nodes, orphans...), err
}

// targetSet returns the targets and everything they depend on, or nil for all.
func (s *Session) targetSet(targets []string) (map[string]bool, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	keep := map[string]bool{}
	var stack []string
	for _, t := range targets {
		if !s.Config.Graph.Has(t) {
			return nil, fmt.Errorf("-target %s matches nothing in the manifest (resources: %v)", t, s.Config.Addrs())
		}
		stack = append(stack, t)
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if keep[n] {
			continue
		}
		keep[n] = true
		stack = append(stack, s.Config.Graph.DependsOn(n)...)
	}
	return keep, nil
}

// orphans rebuilds the resources clawplan owns that the manifest dropped.
func (s *Session) orphans(owned map[string]json.RawMessage) ([]planNode, error) {
	var nodes []planNode
	for _, key := range sortedKeys(owned) {
		a, err := resources.ParseAddr(key)
		if err != nil {
			continue
		}
		if _, declared := s.Config.Get(a); declared {
			continue
		}
		r, err := rebuild(a, owned[key])
		if err != nil {
			s.warn(fmt.Sprintf("%s is owned by clawplan but no longer declared, and cannot be deleted: %v", a, err))
			continue
		}
		nodes = append(nodes, planNode{res: r, orphan: true})
	}
	return nodes, nil
}

// rebuild makes a resource from its ownership record through its kind.
func rebuild(a resources.Addr, record json.RawMessage) (resources.Resource, error) {
	k, ok := resources.Lookup(a.Kind)
	if !ok {
		return nil, fmt.Errorf("kind %q is not known to this clawplan", a.Kind)
	}
	o, ok := k.(resources.Orphaner)
	if !ok {
		return nil, fmt.Errorf("kind %q cannot delete what it created", a.Kind)
	}
	return o.Orphan(a, record)
}

// noteState adds what the state directory says to the plan: an interrupted
// run and refreshes still owed.
func (s *Session) noteState(p *Plan) error {
	run, err := s.Store.Inflight()
	if err != nil {
		return err
	}
	if run != nil && s.Store.Locked() {
		p.Warnings = append(p.Warnings, fmt.Sprintf("another clawplan is running a %s now (run %s); this plan may be out of date when it finishes", run.Meta.Kind, run.Meta.ID))
	} else if run != nil {
		p.Interrupted = run.Meta.ID
		p.Warnings = append(p.Warnings, fmt.Sprintf("an interrupted %s (run %s) left the host partly changed: run `clawplan rollback` to finish restoring it before applying", run.Meta.Kind, run.Meta.ID))
	}
	pend, err := s.Store.Pending()
	p.Pending = pend
	p.Warnings = append(p.Warnings, s.warnings...)
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
