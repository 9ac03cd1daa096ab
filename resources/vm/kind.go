package vm

import (
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

func init() { resources.Register(Kind{}) }

// Kind is the `vm` block type.
type Kind struct{}

var _ resources.Kind = Kind{}

// Name returns the block type.
func (Kind) Name() string { return "vm" }

// Spec returns the schema of a vm block body.
func (Kind) Spec() hcldec.Spec { return spec() }

// Decode builds a VM from the decoded body; Validate does the checks.
func (Kind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	at := locate(body)
	if !val.IsWhollyKnown() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "VM settings not known at plan time",
			Detail:  "A vm block's values must be known before apply: use literals, variables or locals.",
			Subject: at.block.Ptr()}}
	}
	val, _ = val.UnmarkDeep()
	v := &VM{addr: addr, cfg: decodeConfig(val), at: at}
	v.nullElems = nullElements(val)
	if n := val.GetAttr("vmid"); !n.IsNull() && !isInteger(n) {
		v.badVMID = true
	}
	return v, nil
}

// where remembers the source range of each attribute, for Validate.
type where struct {
	block hcl.Range
	attrs map[string]hcl.Range
}

func locate(body hcl.Body) where {
	w := where{block: body.MissingItemRange(), attrs: map[string]hcl.Range{}}
	schema := &hcl.BodySchema{}
	for name := range attrTypes {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name})
	}
	content, _, _ := body.PartialContent(schema)
	for name := range content.Attributes {
		w.attrs[name] = hcldec.SourceRange(body, &hcldec.AttrSpec{Name: name, Type: attrTypes[name]})
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

// nullElements names the list attributes with a null element.
func nullElements(val cty.Value) []string {
	var out []string
	for name, t := range attrTypes {
		v := val.GetAttr(name)
		if !t.IsListType() || v.IsNull() {
			continue
		}
		for _, e := range v.AsValueSlice() {
			if e.IsNull() {
				out = append(out, name)
				break
			}
		}
	}
	return out
}
