package openclaw

import (
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// reader reads typed values of openclaw.json for import: a value that is
// absent or of another type than the attribute takes reads as cty.NilVal,
// and the attribute is not written.
type reader struct{ root *doc.Value }

func (r reader) at(keys ...string) *doc.Value {
	v, _ := doc.Get(r.root, doc.Keys(keys...))
	return v
}

func (r reader) str(keys ...string) cty.Value { return strVal(r.at(keys...)) }

func (r reader) boolean(keys ...string) cty.Value { return boolVal(r.at(keys...)) }

func (r reader) integer(keys ...string) cty.Value { return intVal(r.at(keys...)) }

func (r reader) number(keys ...string) cty.Value { return numVal(r.at(keys...)) }

func (r reader) strs(keys ...string) cty.Value { return strsVal(r.at(keys...)) }

func strVal(v *doc.Value) cty.Value {
	if v == nil || v.Kind != doc.String {
		return cty.NilVal
	}
	return cty.StringVal(v.Text)
}

func boolVal(v *doc.Value) cty.Value {
	if v == nil || v.Kind != doc.Bool {
		return cty.NilVal
	}
	return cty.BoolVal(v.Text == "true")
}

func numVal(v *doc.Value) cty.Value {
	if v == nil || v.Kind != doc.Number {
		return cty.NilVal
	}
	n, err := cty.ParseNumberVal(doc.JSONNumber(v.Text))
	if err != nil {
		return cty.NilVal
	}
	return n
}

func intVal(v *doc.Value) cty.Value {
	n := numVal(v)
	if n == cty.NilVal || !n.AsBigFloat().IsInt() {
		return cty.NilVal
	}
	return n
}

func strsVal(v *doc.Value) cty.Value {
	if v == nil || v.Kind != doc.Array {
		return cty.NilVal
	}
	var out []string
	for _, e := range v.Elems {
		if e.Value.Kind != doc.String {
			return cty.NilVal
		}
		out = append(out, e.Value.Text)
	}
	return importkit.Strings(out)
}

// bodyW is an imported block's body, built before it is written so that
// nested blocks appear only when they hold something.
type bodyW struct {
	items []itemW
}

type itemW struct {
	name   string
	val    cty.Value
	tokens hclwrite.Tokens // an expression written as it is
	ref    []string        // root, attribute: a reference instead of a value
	block  *bodyW
}

// set adds name = v unless v is cty.NilVal (not on the host).
func (b *bodyW) set(name string, v cty.Value) {
	if v != cty.NilVal {
		b.items = append(b.items, itemW{name: name, val: v})
	}
}

// expr adds name = the expression tokens, unless there are none.
func (b *bodyW) expr(name string, t hclwrite.Tokens) {
	if t != nil {
		b.items = append(b.items, itemW{name: name, tokens: t})
	}
}

// ref adds name = ROOT.ATTR.
func (b *bodyW) ref(name string, to ...string) {
	b.items = append(b.items, itemW{name: name, ref: to})
}

// block adds a nested block, written only if it holds something.
func (b *bodyW) block(name string) *bodyW {
	nb := &bodyW{}
	b.items = append(b.items, itemW{name: name, block: nb})
	return nb
}

func (b *bodyW) empty() bool {
	for _, it := range b.items {
		if it.block == nil || !it.block.empty() {
			return false
		}
	}
	return true
}

func (b *bodyW) write(body *hclwrite.Body) {
	for _, it := range b.items {
		switch {
		case it.block != nil && !it.block.empty():
			it.block.write(body.AppendNewBlock(it.name, nil).Body())
		case it.ref != nil:
			importkit.SetRef(body, it.name, it.ref[0], it.ref[1:]...)
		case it.tokens != nil:
			body.SetAttributeRaw(it.name, it.tokens)
		case it.block == nil:
			body.SetAttributeValue(it.name, it.val)
		}
	}
}

// object writes the present values as an object, in the order of names
// (hclwrite would sort them).
func object(names []string, m map[string]hclwrite.Tokens) hclwrite.Tokens {
	var attrs []hclwrite.ObjectAttrTokens
	for _, n := range names {
		if t, ok := m[n]; ok && t != nil {
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(n), Value: t})
		}
	}
	return hclwrite.TokensForObject(attrs)
}

// tokens is v as an expression, nil when it is not on the host.
func tokens(v cty.Value) hclwrite.Tokens {
	if v == cty.NilVal {
		return nil
	}
	return hclwrite.TokensForValue(v)
}
