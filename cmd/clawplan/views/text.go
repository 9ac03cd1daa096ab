package views

import (
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/resources"
)

// Style says whether to colour output.
type Style struct{ Color bool }

const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	bold   = "\x1b[1m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return code + text + reset
}

func (s Style) actionColor(a resources.Action) string {
	switch a {
	case resources.Create:
		return green
	case resources.Delete:
		return red
	case resources.Replace:
		return red
	}
	return yellow
}

// Text renders the plan for a terminal or a log.
func Text(p *engine.Plan, st Style) string {
	var b strings.Builder
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "%s %s\n\n", st.paint(yellow+bold, "Warning:"), w)
	}
	writeQuietNotes(&b, p.Changes, st)
	cs := visible(p.Changes)
	if len(cs) == 0 && len(p.Pending) == 0 {
		b.WriteString(st.paint(green+bold, "No changes.") + " The host matches the manifest.\n")
		return b.String()
	}
	b.WriteString("clawplan will perform these actions:\n\n")
	for _, c := range cs {
		writeChange(&b, c, st)
	}
	for _, a := range p.Pending {
		fmt.Fprintf(&b, "  %s %s: pending restart (owed by an earlier apply; this apply performs it)\n\n", st.paint(yellow, "~"), a)
	}
	b.WriteString(st.paint(bold, SummaryLine(p)) + "\n")
	return b.String()
}

// SummaryLine is "Plan: N to add, N to change, N to destroy."
func SummaryLine(p *engine.Plan) string {
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy.", p.Summary.Add, p.Summary.Change, p.Summary.Destroy)
}

func writeChange(b *strings.Builder, c resources.Change, st Style) {
	sym := st.paint(st.actionColor(c.Action), fmt.Sprintf("%-3s", c.Action.Symbol()))
	fmt.Fprintf(b, "  %s %s %s\n", sym, st.paint(bold, c.Addr.String()), st.paint(dim, "("+string(c.Action)+")"))
	attrs, same := changed(c.Attrs)
	for _, a := range attrs {
		fmt.Fprintf(b, "        %s: %s\n", a.Path, attrLine(a))
	}
	if same > 0 {
		fmt.Fprintf(b, "        %s\n", st.paint(dim, fmt.Sprintf("(%d unchanged attributes hidden)", same)))
	}
	for _, f := range c.Files {
		writeFile(b, f, st)
	}
	for _, n := range c.Notes {
		fmt.Fprintf(b, "        %s %s\n", st.paint(yellow, "note:"), n)
	}
	for _, t := range c.Triggers {
		fmt.Fprintf(b, "        %s %s\n", st.paint(yellow, "restarts:"), t)
	}
	b.WriteString("\n")
}

func attrLine(a resources.AttrChange) string {
	after := formatValue(a.After)
	if a.Unknown != "" {
		after = "(known after apply: " + a.Unknown + ")"
	}
	if a.Sensitive {
		return fmt.Sprintf("(sensitive) %s -> %s", formatValue(a.Before), after)
	}
	return fmt.Sprintf("%s -> %s", formatValue(a.Before), after)
}

func writeFile(b *strings.Builder, f resources.FileDiff, st Style) {
	if f.Sensitive {
		fmt.Fprintf(b, "        file %s: contents changed (sensitive, not shown)\n", f.Path)
		return
	}
	d := Unified(f.Path, f.Before, f.After)
	if d == "" {
		return
	}
	for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			l = st.paint(bold, l)
		case strings.HasPrefix(l, "+"):
			l = st.paint(green, l)
		case strings.HasPrefix(l, "-"):
			l = st.paint(red, l)
		case strings.HasPrefix(l, "@@"):
			l = st.paint(dim, l)
		}
		fmt.Fprintf(b, "        %s\n", l)
	}
}

// writeQuietNotes prints the notes of resources that do not change: what a
// reviewer should know even when nothing is to be done (another file that
// netplan merges in, a component not installed yet).
func writeQuietNotes(b *strings.Builder, cs []resources.Change, st Style) {
	for _, c := range cs {
		if c.Action != resources.NoOp {
			continue
		}
		for _, n := range c.Notes {
			fmt.Fprintf(b, "%s %s: %s\n", st.paint(yellow, "note:"), c.Addr, n)
		}
	}
}
