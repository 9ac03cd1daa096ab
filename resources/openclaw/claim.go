package openclaw

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
)

// docName is the shared document the blocks of this package contribute to.
const docName = "openclaw.json"

// claim is one value a block puts at a path of openclaw.json, with the
// manifest attribute that produced it (for plan-time diagnostics).
type claim struct {
	path   doc.Path
	value  any  // JSON-compatible; maps are flattened into leaves unless atomic
	atomic bool // replaced as a whole: SecretRef objects
	attr   string
	rng    hcl.Range
	// shared claims (secrets.providers entries) may be made by several
	// blocks as long as they agree.
	shared bool
}

// leaf is one flattened claim: a single value the writer sets and owns.
type leaf struct {
	path  doc.Path
	value *doc.Value
	// root is the depth of the claim: a stale shape in the way at or below
	// it (a string where the claim needs an object) may be replaced.
	root   int
	owner  resources.Addr
	attr   string
	rng    hcl.Range
	shared bool
}

func keys(k ...string) doc.Path { return doc.Keys(k...) }

// where is a Where segment selecting an array element by string fields,
// given as field path, value pairs: where("id", "qwen3").
func where(pairs ...string) doc.Seg {
	s := doc.Seg{Where: []doc.Cond{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		s.Where = append(s.Where, doc.Cond{Field: splitDots(pairs[i]), Value: pairs[i+1]})
	}
	return s
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// flatten turns claims into leaves: maps become one leaf per key, except
// atomic values and empty maps; arrays and scalars are leaves.
func flatten(owner resources.Addr, cs []claim) ([]leaf, error) {
	var out []leaf
	for _, c := range cs {
		base := leaf{root: len(c.path), owner: owner, attr: c.attr, rng: c.rng, shared: c.shared}
		if err := flattenValue(&out, base, c.path, c.value, c.atomic); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", owner, c.path, err)
		}
	}
	return out, nil
}

func flattenValue(out *[]leaf, base leaf, path doc.Path, v any, atomic bool) error {
	if m, ok := v.(map[string]any); ok && !atomic && len(m) > 0 {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if err := flattenValue(out, base, path.Child(doc.Seg{Key: k}), m[k], false); err != nil {
				return err
			}
		}
		return nil
	}
	val, err := doc.FromGo(v)
	if err != nil {
		return err
	}
	l := base
	l.path, l.value = path, val
	*out = append(*out, l)
	return nil
}

// selectorLeaf reports whether the leaf sets a field its own Where segment
// selects by (a model entry's "id"): it exists as long as the element does.
func selectorLeaf(p doc.Path) bool {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i].Where == nil {
			continue
		}
		rest := p[i+1:]
		for _, c := range p[i].Where {
			if len(c.Field) == len(rest) && doc.Keys(c.Field...).String() == rest.String() {
				return true
			}
		}
		return false
	}
	return false
}

// numberText writes a number exactly: integers in full, others in the
// shortest form that reads back to the same value.
func numberText(f *big.Float) string {
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', -1)
}

// stringList converts a list of strings to JSON-compatible data.
func stringList(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}
