package policy

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// Level is how a rule's findings are reported.
type Level string

// The levels.
const (
	Warn  Level = "warn"
	Error Level = "error"
)

// Rule is one security rule.
type Rule struct {
	ID      string
	Default Level
	// Title is the finding's summary line.
	Title string
	check func(*Config) []Hit
}

// Hit is one place a rule fires, with a detail that says what to change.
type Hit struct {
	At     At
	Detail string
}

// Finding is a hit with its rule and the level it is reported at.
type Finding struct {
	Rule  string
	Level Level
	Hit
	Title string
}

// Rules returns every rule, sorted by id.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ParseLevels reads a security_policy map (rule id -> "warn" | "error"),
// returning a message per bad entry.
func ParseLevels(m map[string]string) (map[string]Level, []string) {
	out := map[string]Level{}
	var bad []string
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, id := range keys {
		lv := Level(m[id])
		switch {
		case !known[id]:
			bad = append(bad, fmt.Sprintf("%q is not a rule; the rules are %v.", id, ruleIDs()))
		case lv != Warn && lv != Error:
			bad = append(bad, fmt.Sprintf("%s = %q: a rule is \"warn\" or \"error\".", id, lv))
		default:
			out[id] = lv
		}
	}
	return out, bad
}

func ruleIDs() []string {
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// Check runs every rule.
func Check(c *Config) []Finding {
	var out []Finding
	for _, r := range Rules() {
		lv := r.Default
		if l, ok := c.Levels[r.ID]; ok {
			lv = l
		}
		for _, h := range r.check(c) {
			out = append(out, Finding{Rule: r.ID, Level: lv, Hit: h, Title: r.Title})
		}
	}
	return out
}

// Diagnostic renders a finding for `clawplan validate`.
func (f Finding) Diagnostic() *hcl.Diagnostic {
	sev := hcl.DiagWarning
	if f.Level == Error {
		sev = hcl.DiagError
	}
	r := f.At.Range
	return &hcl.Diagnostic{Severity: sev, Summary: fmt.Sprintf("%s [%s]", f.Title, f.Rule), Detail: f.Detail, Subject: &r}
}
