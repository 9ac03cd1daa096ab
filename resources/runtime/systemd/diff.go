package systemd

import (
	"github.com/coreos/go-systemd/v22/unit"
)

// KeyChange is one key of a unit whose values differ: Key is
// "Section.Name", Before and After its values in file order (several for
// repeatable keys such as Environment=; none when absent).
type KeyChange struct {
	Key    string
	Before []string
	After  []string
}

// Compare returns the keys whose values differ between cur and want, in
// want's order, then the keys only cur has. Equal units give nil, whatever
// their whitespace, comments or section order.
func Compare(cur, want []*unit.UnitOption) []KeyChange {
	curVals, curOrder := group(cur)
	wantVals, wantOrder := group(want)
	var out []KeyChange
	for _, k := range wantOrder {
		if !equal(curVals[k], wantVals[k]) {
			out = append(out, KeyChange{Key: k, Before: curVals[k], After: wantVals[k]})
		}
	}
	for _, k := range curOrder {
		if _, ok := wantVals[k]; !ok {
			out = append(out, KeyChange{Key: k, Before: curVals[k]})
		}
	}
	return out
}

// group collects each key's values, in order, and the keys' first-seen order.
func group(opts []*unit.UnitOption) (map[string][]string, []string) {
	vals := map[string][]string{}
	var order []string
	for _, o := range opts {
		k := o.Section + "." + o.Name
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = append(vals[k], o.Value)
	}
	return vals, order
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
