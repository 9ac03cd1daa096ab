package views

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
)

// formatValue renders an attribute value for people: JSON, compact.
func formatValue(v any) string {
	if v == nil {
		return "(none)"
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a plan shows "->" and "<model>", not "\u003e"
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// changed returns the attributes whose before and after differ (or whose
// after is unknown), and how many are unchanged.
func changed(attrs []resources.AttrChange) ([]resources.AttrChange, int) {
	var out []resources.AttrChange
	same := 0
	for _, a := range attrs {
		if a.Unknown == "" && formatValue(a.Before) == formatValue(a.After) {
			same++
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, same
}

// visible returns the changes that do something, in plan order.
func visible(cs []resources.Change) []resources.Change {
	var out []resources.Change
	for _, c := range cs {
		if c.Action != resources.NoOp {
			out = append(out, c)
		}
	}
	return out
}
