package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// snippetFile keeps of a parsed file what diagnostics print: its bytes and
// an outline of its top-level blocks (the "in channel "telegram"" context).
// The syntax tree is dropped, so a manifest does not hold it once its
// blocks are decoded: at 10,000 blocks it is about a quarter of a plan's
// memory.
func snippetFile(f *hcl.File) *hcl.File {
	out := &hcl.File{Bytes: f.Bytes}
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		out.Nav = outlineOf(body)
	}
	return out
}

// outlineOf lists the top-level blocks of a file parsed as bodies, in order.
func outlineOf(bodies ...*hclsyntax.Body) outline {
	n := 0
	for _, body := range bodies {
		n += len(body.Blocks)
	}
	o := make(outline, 0, n)
	for _, body := range bodies {
		for _, b := range body.Blocks {
			o = append(o, outlineBlock{rng: b.Range(), def: b.DefRange(), typ: b.Type, labels: b.Labels})
		}
	}
	return o
}

// outline is a file's top-level blocks in source order. It answers what
// hclsyntax's navigation answers for diagnostics (hcled.ContextString).
type outline []outlineBlock

type outlineBlock struct {
	rng, def hcl.Range
	typ      string
	labels   []string
}

// at returns the top-level block holding the byte offset.
func (o outline) at(offset int) (outlineBlock, bool) {
	i := sort.Search(len(o), func(i int) bool { return o[i].rng.End.Byte > offset })
	if i < len(o) && o[i].rng.ContainsOffset(offset) {
		return o[i], true
	}
	return outlineBlock{}, false
}

// ContextString names the block holding offset, as `type "label"`.
func (o outline) ContextString(offset int) string {
	b, ok := o.at(offset)
	if !ok {
		return ""
	}
	var s strings.Builder
	s.WriteString(b.typ)
	for _, l := range b.labels {
		fmt.Fprintf(&s, " %q", l)
	}
	return s.String()
}

// ContextDefRange returns the header range of the block holding offset.
func (o outline) ContextDefRange(offset int) hcl.Range {
	b, _ := o.at(offset)
	return b.def
}
