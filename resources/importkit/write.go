package importkit

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Strings is a list of strings as a cty value (an empty list when ss is empty).
func Strings(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

// SetRef writes name = ROOT.ATTR..., a reference to another block.
func SetRef(body *hclwrite.Body, name string, root string, attrs ...string) {
	tr := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		tr = append(tr, hcl.TraverseAttr{Name: a})
	}
	body.SetAttributeTraversal(name, tr)
}

// Attrs writes the known, non-null values of m in the order of names.
func Attrs(body *hclwrite.Body, names []string, m map[string]cty.Value) {
	for _, n := range names {
		if v, ok := m[n]; ok && v != cty.NilVal && !v.IsNull() {
			body.SetAttributeValue(n, v)
		}
	}
}
