package firewall

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/clawplan/clawplan/resources"
)

// compareTables lists what differs between the live table and the wanted
// one, one AttrChange per set, chain or rule, each naming it: "set.NAME.
// elements", "chain.NAME.hook", "rule.CHAIN.NAME", "rule.CHAIN[POS]" for a
// rule that is not clawplan's.
func compareTables(want, have tableModel) []resources.AttrChange {
	var out []resources.AttrChange
	if want.Exists != have.Exists || want.Comment != have.Comment {
		out = append(out, resources.AttrChange{Path: "table", Before: tableValue(have), After: tableValue(want)})
	}
	for _, name := range union(names(want.Sets), names(have.Sets)) {
		w, wok := want.set(name)
		h, hok := have.set(name)
		if !wok || !hok {
			out = append(out, resources.AttrChange{Path: "set." + name, Before: setValue(h, hok), After: setValue(w, wok)})
			continue
		}
		if w.Decl != h.Decl {
			out = append(out, resources.AttrChange{Path: "set." + name + ".type", Before: h.Decl, After: w.Decl})
		}
		if !reflect.DeepEqual(w.Elements, h.Elements) {
			out = append(out, resources.AttrChange{Path: "set." + name + ".elements", Before: anyList(h.Elements), After: anyList(w.Elements)})
		}
	}
	for _, name := range union(names(want.Chains), names(have.Chains)) {
		w, wok := want.chain(name)
		h, hok := have.chain(name)
		if !wok || !hok {
			out = append(out, resources.AttrChange{Path: "chain." + name, Before: chainValue(h, hok), After: chainValue(w, wok)})
			continue
		}
		if w.Decl != h.Decl {
			out = append(out, resources.AttrChange{Path: "chain." + name + ".hook", Before: h.Decl, After: w.Decl})
		}
		out = append(out, compareRules(name, w.Rules, h.Rules)...)
	}
	return out
}

// compareRules pairs live rules with wanted ones by their clawplan name,
// then the leftovers by order (a rule replaced by hand loses its comment),
// and reports each pair that differs, each rule missing, each rule extra
// and, when the rules are right but misordered, the order.
func compareRules(chain string, want, have []ruleModel) []resources.AttrChange {
	pairOf := make([]int, len(want)) // want index -> have index, -1 when none
	used := make([]bool, len(have))
	for i, w := range want {
		pairOf[i] = -1
		for j, h := range have {
			if !used[j] && h.Name != "" && h.Name == w.Name {
				pairOf[i], used[j] = j, true
				break
			}
		}
	}
	next := 0
	for i := range want {
		for pairOf[i] < 0 && next < len(have) {
			if !used[next] && have[next].Name == "" {
				pairOf[i], used[next] = next, true
			}
			next++
		}
	}
	var out []resources.AttrChange
	for i, w := range want {
		path := "rule." + chain + "." + w.Name
		switch j := pairOf[i]; {
		case j < 0:
			out = append(out, resources.AttrChange{Path: path, After: w.Text})
		case have[j].Text != w.Text || have[j].Comment != w.Comment:
			out = append(out, resources.AttrChange{Path: path, Before: shown(have[j], w.Name), After: w.Text})
		}
	}
	for j, h := range have {
		if !used[j] {
			out = append(out, resources.AttrChange{Path: fmt.Sprintf("rule.%s[%d]", chain, j), Before: shown(h, ""), After: nil})
		}
	}
	if len(out) == 0 && !sort.IntsAreSorted(pairOf) {
		var before, after []any
		for _, h := range have {
			before = append(before, h.Name)
		}
		for _, w := range want {
			after = append(after, w.Name)
		}
		out = append(out, resources.AttrChange{Path: "rule." + chain + ".order", Before: before, After: after})
	}
	return out
}

// shown writes a live rule for a plan: its text, and its comment when it
// is not the one clawplan gives the rule it stands in for.
func shown(r ruleModel, name string) string {
	switch {
	case name != "" && r.Comment == rulePrefix+name:
		return r.Text
	case r.Comment == "" && name != "":
		return r.Text + " (without clawplan's comment)"
	case r.Comment == "":
		return r.Text
	}
	return r.Text + " comment " + strconv.Quote(r.Comment)
}

func tableValue(m tableModel) any {
	if !m.Exists {
		return nil
	}
	return map[string]any{"comment": m.Comment}
}

func setValue(s setModel, ok bool) any {
	if !ok {
		return nil
	}
	return map[string]any{"type": s.Decl, "elements": anyList(s.Elements)}
}

func chainValue(c chainModel, ok bool) any {
	if !ok {
		return nil
	}
	rules := []any{}
	for _, r := range c.Rules {
		rules = append(rules, shown(r, r.Name))
	}
	return map[string]any{"hook": c.Decl, "rules": rules}
}

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

type named interface{ setModel | chainModel }

func names[T named](xs []T) []string {
	var out []string
	for _, x := range xs {
		switch v := any(x).(type) {
		case setModel:
			out = append(out, v.Name)
		case chainModel:
			out = append(out, v.Name)
		}
	}
	return out
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
