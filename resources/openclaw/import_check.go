package openclaw

import (
	"fmt"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/resources/secret"
	"github.com/hashicorp/hcl/v2"
)

// check decodes every imported block the way the engine will and notes,
// in its comment, what a plan would still change: a value the block
// writes that the file does not hold (a default clawplan always sets, a
// shape it cannot express), a path clawplan's record says the block owned
// that it no longer claims, errors clawplan would refuse the block with,
// and security rules the host breaks.
func (im *importer) check() {
	vars := im.vars()
	cat := &importCatalog{}
	for _, f := range im.found {
		if r, d := importkit.Decode(secret.Kind{}, f.Block(im.h), nil); !d.HasErrors() {
			cat.add(r)
		}
	}
	for _, b := range im.blocks {
		r, diags := importkit.Decode(importKinds[b.kind], b.out(), vars)
		for _, t := range diagText(diags) {
			b.note("clawplan refuses this block as imported: %s", t)
		}
		c, ok := r.(contributor)
		if diags.HasErrors() || !ok {
			continue
		}
		cat.add(r)
		im.compare(b, c)
	}
	im.crossCheck(cat)
	if len(im.blocks) > 0 {
		head := []string{fmt.Sprintf("Imported from %s; keys no block manages stay in the file as they are.", im.file)}
		im.blocks[0].notes = append(append(head, im.general...), im.blocks[0].notes...)
	}
}

// compare notes every leaf whose value differs from the file's, and the
// recorded paths the block no longer claims.
func (im *importer) compare(b *imported, c contributor) {
	claimed := map[string]bool{}
	for _, lf := range c.openclawLeaves() {
		claimed[lf.path.String()] = true
		cur, _ := doc.Get(im.r.root, lf.path)
		if doc.Equal(cur, lf.value) {
			continue
		}
		b.note("A plan sets %s to %s (the file has %s).", lf.path, shown(lf.path, lf.value), shown(lf.path, cur))
	}
	for _, p := range im.owners[resources.Addr{Kind: b.kind, Name: b.name}.String()] {
		if !claimed[p.String()] {
			b.note("A plan removes %s: clawplan set it for this block before, and the file's value cannot be expressed in the block.", p)
		}
	}
}

// shown is a value for a comment: JSON, never a credential.
func shown(p doc.Path, v *doc.Value) string {
	if v == nil {
		return "nothing there"
	}
	secret := false
	walkSecrets(p, v, func(doc.Path, string) { secret = true })
	if secret {
		return "a credential, not shown"
	}
	return string(doc.EncodeValue(v))
}

// crossCheck runs what validation runs across blocks: the writer's
// overlap check and the security rules, on the imported blocks alone.
func (im *importer) crossCheck(c *importCatalog) {
	_, diags := synthesizer{}.Synthesize(c)
	for _, r := range c.list {
		if cv, ok := r.(resources.CrossValidator); ok && isOurs(c, r.Addr().String()) {
			diags = append(diags, cv.CrossValidate(c)...)
		}
	}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		b := im.blockAt(d.Subject)
		if b == nil {
			continue
		}
		b.note("clawplan refuses this as the host has it: %s: %s", d.Summary, d.Detail)
	}
}

// blockAt is the imported block a diagnostic's range points into (its
// file name is the block's address), else the first block.
func (im *importer) blockAt(r *hcl.Range) *imported {
	for _, b := range im.blocks {
		if r != nil && r.Filename == (resources.Addr{Kind: b.kind, Name: b.name}).String() {
			return b
		}
	}
	if len(im.blocks) == 0 {
		return nil
	}
	return im.blocks[0]
}

// importCatalog is a resources.Catalog of the imported blocks.
type importCatalog struct{ list []resources.Resource }

func (c *importCatalog) add(r resources.Resource) { c.list = append(c.list, r) }

func (c *importCatalog) Get(a resources.Addr) (resources.Resource, bool) {
	for _, r := range c.list {
		if r.Addr() == a {
			return r, true
		}
	}
	return nil, false
}

func (c *importCatalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for _, r := range c.list {
		if r.Addr().Kind == kind {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Addr().Name < out[j].Addr().Name })
	return out
}

func (c *importCatalog) Range(a resources.Addr) hcl.Range {
	return hcl.Range{Filename: a.String()}
}
