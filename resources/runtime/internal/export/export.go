package export

import (
	"fmt"
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Attr returns v's attribute name, or cty.NilVal when v has none (v may be
// an object or a map; marks such as sensitive are dropped).
func Attr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return cty.NilVal
	}
	v, _ = v.UnmarkDeep()
	t := v.Type()
	switch {
	case t.IsObjectType() && t.HasAttribute(name):
		v = v.GetAttr(name)
	case (t.IsMapType()) && v.HasIndex(cty.StringVal(name)).True():
		v = v.Index(cty.StringVal(name))
	default:
		return cty.NilVal
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return cty.NilVal
	}
	return v
}

// String returns the string attribute name, or def when it is not set.
func String(v cty.Value, name, def string) (string, error) {
	a := Attr(v, name)
	if a == cty.NilVal {
		return def, nil
	}
	s, err := convert.Convert(a, cty.String)
	if err != nil {
		return def, fmt.Errorf("%s: want a string: %w", name, err)
	}
	return s.AsString(), nil
}

// Int returns the whole-number attribute name, or def when it is not set.
func Int(v cty.Value, name string, def int) (int, error) {
	a := Attr(v, name)
	if a == cty.NilVal {
		return def, nil
	}
	n, err := convert.Convert(a, cty.Number)
	if err != nil {
		return def, fmt.Errorf("%s: want a number: %w", name, err)
	}
	i, acc := n.AsBigFloat().Int64()
	if acc != big.Exact || i != int64(int(i)) {
		return def, fmt.Errorf("%s: want a whole number, got %s", name, n.AsBigFloat().String())
	}
	return int(i), nil
}

// Strings returns the list-of-strings attribute name (a list, set or
// tuple), or nil when it is not set.
func Strings(v cty.Value, name string) ([]string, error) {
	a := Attr(v, name)
	if a == cty.NilVal {
		return nil, nil
	}
	l, err := convert.Convert(a, cty.List(cty.String))
	if err != nil {
		return nil, fmt.Errorf("%s: want a list of strings: %w", name, err)
	}
	var out []string
	for it := l.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out, nil
}
