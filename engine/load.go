package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/engine/graph"
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Config is a loaded, decoded and validated manifest: every resource,
// declared or synthesized, and the dependency graph between them.
type Config struct {
	Manifest *config.Manifest
	// Resources in a stable order: declared blocks in file order, then synthesized ones.
	Resources []resources.Resource
	Graph     *graph.Graph

	byAddr map[resources.Addr]resources.Resource
	byKind map[string][]resources.Resource
	ranges map[resources.Addr]hcl.Range
	refs   map[resources.Addr][]config.Ref
}

// Load reads the manifest at path and decodes every block. Warnings come
// back with a non-nil Config; errors stop it.
func Load(path string, opts config.Options) (*Config, hcl.Diagnostics) {
	m, diags := config.Load(path, opts)
	if diags.HasErrors() {
		return nil, diags
	}
	c := &Config{Manifest: m, Graph: graph.New(), byAddr: map[resources.Addr]resources.Resource{},
		byKind: map[string][]resources.Resource{}, ranges: map[resources.Addr]hcl.Range{}, refs: map[resources.Addr][]config.Ref{}}
	specs, d := c.specs()
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, c.buildGraph(specs)...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, c.decode(specs)...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, c.synthesize()...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, c.validate()...)
	if diags.HasErrors() {
		return nil, diags
	}
	c.releaseSources()
	return c, diags
}

// releaseSources lets go of the syntax trees and of what cross-block
// checks indexed once every block is decoded and validated: the resources
// hold what a plan needs, and the manifest's files what diagnostics print.
func (c *Config) releaseSources() {
	resources.ForgetCatalog(c)
	c.Manifest.ReleaseBodies()
	for _, r := range c.Resources {
		if sh, ok := r.(resources.SourceHolder); ok {
			sh.ReleaseSource()
		}
	}
}

// specs looks up each block's kind; a block type without one is diagnosed
// as not implemented yet. Blocks of one kind share its spec: building one
// per block cost a sixth of the memory of loading 10,000 blocks.
func (c *Config) specs() (map[resources.Addr]hcldec.Spec, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	specs := map[resources.Addr]hcldec.Spec{}
	byKind := map[string]hcldec.Spec{}
	for _, b := range c.Manifest.Blocks {
		if s, ok := byKind[b.Addr.Kind]; ok {
			specs[b.Addr] = s
			continue
		}
		k, ok := resources.Lookup(b.Addr.Kind)
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Block type %q is not implemented yet", b.Addr.Kind),
				Detail:  fmt.Sprintf("%s is a recognised block type, but this version of clawplan cannot manage it yet (implemented: %s). Remove the block or wait for a release that implements it.", b.Addr.Kind, strings.Join(implementedBlockTypes(), ", ")),
				Subject: b.DefRange.Ptr()})
			continue
		}
		specs[b.Addr] = k.Spec()
		byKind[b.Addr.Kind] = specs[b.Addr]
	}
	return specs, diags
}

// buildGraph adds a node per block and an edge per reference and depends_on,
// then diagnoses cycles, naming every block in each.
func (c *Config) buildGraph(specs map[resources.Addr]hcldec.Spec) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range c.Manifest.Blocks {
		c.Graph.Add(b.Addr.String())
		c.ranges[b.Addr] = b.DefRange
		refs, d := c.Manifest.References(b, specs[b.Addr])
		diags = append(diags, d...)
		c.refs[b.Addr] = refs
		for _, r := range refs {
			c.Graph.Connect(b.Addr.String(), r.Addr.String())
		}
	}
	return append(diags, c.cycleDiags()...)
}

func (c *Config) cycleDiags() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, cyc := range c.Graph.Cycles() {
		var where []string
		for _, n := range cyc {
			a, _ := resources.ParseAddr(n)
			where = append(where, fmt.Sprintf("%s (%s)", n, c.ranges[a]))
		}
		first, _ := resources.ParseAddr(cyc[0])
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Dependency cycle",
			Detail:  fmt.Sprintf("These blocks depend on each other in a cycle: %s. Break the cycle by removing one of the references or depends_on entries.", strings.Join(where, ", ")),
			Subject: rangePtr(c.ranges[first])})
	}
	return diags
}

func rangePtr(r hcl.Range) *hcl.Range {
	if r.Filename == "" {
		return nil
	}
	return &r
}

// decode evaluates the blocks in dependency order, each with the values of
// the blocks it may refer to. A value is kept only until the last block
// referring to it is decoded: at 10,000 blocks, keeping every value to the
// end was a fifth of the memory of loading.
func (c *Config) decode(specs map[resources.Addr]hcldec.Spec) hcl.Diagnostics {
	var diags hcl.Diagnostics
	order := c.decodeOrder()
	values := map[string]map[string]cty.Value{}
	failed := map[string]bool{}
	referrers := c.referrers()
	for _, n := range order {
		a, _ := resources.ParseAddr(n)
		b, _ := c.Manifest.Block(a)
		if blocked(c.Graph.DependsOn(n), failed) {
			failed[n] = true
			c.doneReferring(a, referrers, values)
			continue
		}
		r, val, d := c.decodeBlock(b, specs[a], values)
		diags = append(diags, d...)
		c.doneReferring(a, referrers, values)
		if d.HasErrors() {
			failed[n] = true
			continue
		}
		if referrers[a] > 0 {
			if values[a.Kind] == nil {
				values[a.Kind] = map[string]cty.Value{}
			}
			values[a.Kind][a.Name] = val
		}
		c.byAddr[a] = r
	}
	for _, b := range c.Manifest.Blocks {
		if r, ok := c.byAddr[b.Addr]; ok {
			c.add(r)
		}
	}
	return diags
}

// decodeOrder lists the blocks in manifest order, each right after the
// blocks it refers to (depth first; the graph has no cycle by now). A
// block's value is then dropped soon after it is decoded: in breadth-first
// order, 3,333 agents referred to by 3,333 cron jobs were all decoded, and
// held, before the first job.
func (c *Config) decodeOrder() []string {
	order := make([]string, 0, len(c.Manifest.Blocks))
	seen := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, d := range c.Graph.DependsOn(n) {
			visit(d)
		}
		order = append(order, n)
	}
	for _, b := range c.Manifest.Blocks {
		visit(b.Addr.String())
	}
	return order
}

// referrers counts, per block, the references to it from other blocks.
func (c *Config) referrers() map[resources.Addr]int {
	n := map[resources.Addr]int{}
	for _, refs := range c.refs {
		for _, r := range refs {
			n[r.Addr]++
		}
	}
	return n
}

// doneReferring notes that a no longer needs the values it refers to, and
// drops those no block still to be decoded refers to.
func (c *Config) doneReferring(a resources.Addr, referrers map[resources.Addr]int, values map[string]map[string]cty.Value) {
	for _, r := range c.refs[a] {
		if referrers[r.Addr]--; referrers[r.Addr] == 0 {
			delete(values[r.Addr.Kind], r.Addr.Name)
		}
	}
}

func blocked(deps []string, failed map[string]bool) bool {
	for _, d := range deps {
		if failed[d] {
			return true
		}
	}
	return false
}

func (c *Config) decodeBlock(b *config.Block, spec hcldec.Spec, values map[string]map[string]cty.Value) (resources.Resource, cty.Value, hcl.Diagnostics) {
	k, _ := resources.Lookup(b.Addr.Kind)
	val, diags := hcldec.Decode(b.Body, spec, c.Manifest.EvalContext(c.referenced(b.Addr, values)))
	if diags.HasErrors() {
		return nil, cty.NilVal, diags
	}
	r, d := k.Decode(b.Addr, b.Body, val)
	diags = append(diags, d...)
	if d.HasErrors() || r == nil {
		return nil, cty.NilVal, diags
	}
	if ex, ok := r.(resources.Exporter); ok {
		val = ex.Export()
	}
	return r, val, diags
}

// referenced narrows the evaluated block values to those a refers to: a
// context with every block would make decoding N blocks cost N squared.
func (c *Config) referenced(a resources.Addr, values map[string]map[string]cty.Value) map[string]map[string]cty.Value {
	out := map[string]map[string]cty.Value{}
	for _, r := range c.refs[a] {
		v, ok := values[r.Addr.Kind][r.Addr.Name]
		if !ok {
			continue
		}
		if out[r.Addr.Kind] == nil {
			out[r.Addr.Kind] = map[string]cty.Value{}
		}
		out[r.Addr.Kind][r.Addr.Name] = v
	}
	return out
}

// synthesize adds the nodes no block declares (one writer per shared file).
func (c *Config) synthesize() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range resources.Synthesizers() {
		extra, d := s.Synthesize(c)
		diags = append(diags, d...)
		for _, r := range extra {
			if _, dup := c.byAddr[r.Addr()]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate synthesized node",
					Detail: fmt.Sprintf("%s was synthesized twice; this is a clawplan bug, please report it.", r.Addr())})
				continue
			}
			c.byAddr[r.Addr()] = r
			c.add(r)
			c.Graph.Add(r.Addr().String())
		}
	}
	for _, r := range c.Resources {
		if dep, ok := r.(resources.Dependent); ok {
			for _, a := range dep.DependsOn() {
				if c.Graph.Has(a.String()) {
					c.Graph.Connect(r.Addr().String(), a.String())
				}
			}
		}
	}
	c.foundationEdges()
	return append(diags, c.cycleDiags()...)
}

// foundationEdges makes every resource depend on each Foundation that
// itself depends on nothing (so the edges cannot close a cycle).
func (c *Config) foundationEdges() {
	for _, f := range c.Resources {
		if _, ok := f.(resources.Foundation); !ok || len(c.Graph.DependsOn(f.Addr().String())) > 0 {
			continue
		}
		for _, r := range c.Resources {
			if _, also := r.(resources.Foundation); !also {
				c.Graph.Connect(r.Addr().String(), f.Addr().String())
			}
		}
	}
}

// validate runs every resource's static and cross-block checks.
func (c *Config) validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range c.Resources {
		diags = append(diags, r.Validate()...)
		if cv, ok := r.(resources.CrossValidator); ok {
			diags = append(diags, cv.CrossValidate(c)...)
		}
	}
	return diags
}

// Get returns the resource at a.
func (c *Config) Get(a resources.Addr) (resources.Resource, bool) {
	r, ok := c.byAddr[a]
	return r, ok
}

// add appends r to the ordered list and the per-kind index.
func (c *Config) add(r resources.Resource) {
	c.Resources = append(c.Resources, r)
	c.byKind[r.Addr().Kind] = append(c.byKind[r.Addr().Kind], r)
}

// OfKind returns the resources of one kind, in manifest order. It is
// indexed: cross-block checks call it per resource, and 10,000 resources
// must not make that quadratic.
func (c *Config) OfKind(kind string) []resources.Resource { return c.byKind[kind] }

// Range returns where a block is declared (empty for synthesized nodes).
func (c *Config) Range(a resources.Addr) hcl.Range { return c.ranges[a] }

// Addrs returns every address, sorted.
func (c *Config) Addrs() []string {
	out := make([]string, 0, len(c.byAddr))
	for a := range c.byAddr {
		out = append(out, a.String())
	}
	sort.Strings(out)
	return out
}

var _ resources.Catalog = (*Config)(nil)

// implementedBlockTypes are the block types a manifest may declare that
// this build implements (synthesized kinds such as secret_env are not).
func implementedBlockTypes() []string {
	var out []string
	for _, k := range resources.Kinds() {
		if resources.IsBlockType(k) {
			out = append(out, k)
		}
	}
	return out
}
