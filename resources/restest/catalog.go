package restest

import (
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// Catalog is the engine's view of a manifest reduced to a list of
// resources in declaration order, for tests of cross-block checks. Every
// block is declared at main.hcl:1:1.
type Catalog []resources.Resource

var _ resources.Catalog = Catalog(nil)

// Get returns the resource at a.
func (c Catalog) Get(a resources.Addr) (resources.Resource, bool) {
	for _, r := range c {
		if r.Addr() == a {
			return r, true
		}
	}
	return nil, false
}

// OfKind returns the resources of one kind, in order.
func (c Catalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for _, r := range c {
		if r.Addr().Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Range returns main.hcl:1:1 for every block.
func (c Catalog) Range(resources.Addr) hcl.Range {
	return hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 1, Column: 1, Byte: 0}, End: hcl.Pos{Line: 1, Column: 2, Byte: 1}}
}
