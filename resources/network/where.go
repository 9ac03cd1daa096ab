package network

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// where remembers where a block writes each attribute, so that Validate,
// which runs long after decoding, can point a diagnostic at the line.
type where struct {
	// block is the end of the block body, for a missing attribute.
	block hcl.Range
	// attrs is the value of each attribute the block sets.
	attrs map[string]hcl.Range
	// elems are the elements of a list attribute written as a literal.
	elems map[string][]hcl.Range
}

// locate records the source ranges of body's attributes.
func locate(body hcl.Body) where {
	w := where{attrs: map[string]hcl.Range{}, elems: map[string][]hcl.Range{}}
	schema := &hcl.BodySchema{}
	for name := range attrTypes {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name})
	}
	content, _, _ := body.PartialContent(schema)
	w.block = body.MissingItemRange()
	for name, a := range content.Attributes {
		w.attrs[name] = hcldec.SourceRange(body, &hcldec.AttrSpec{Name: name, Type: attrTypes[name]})
		if tup, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
			for _, e := range tup.Exprs {
				w.elems[name] = append(w.elems[name], e.Range())
			}
		}
	}
	return w
}

// at is the range of an attribute's value, or the block's end when unset.
func (w where) at(name string) *hcl.Range {
	if r, ok := w.attrs[name]; ok {
		return r.Ptr()
	}
	return w.block.Ptr()
}

// elem is the range of element i of a list attribute when it is written as
// a literal, else the whole attribute's value.
func (w where) elem(name string, i int) *hcl.Range {
	if rs := w.elems[name]; i < len(rs) {
		return rs[i].Ptr()
	}
	return w.at(name)
}
