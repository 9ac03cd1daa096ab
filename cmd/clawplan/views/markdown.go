package views

import (
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/resources"
)

// MarkdownLimit is GitHub's limit on a comment's length.
const MarkdownLimit = 65535

// Markdown renders the plan for a pull request comment: the summary first,
// then one collapsible section per resource. Sections that would push it
// over MarkdownLimit are left out whole, with a note saying how many.
func Markdown(p *engine.Plan) string {
	var head strings.Builder
	fmt.Fprintf(&head, "### clawplan: %s\n\n", SummaryLine(p))
	for _, w := range p.Warnings {
		fmt.Fprintf(&head, "> **Warning:** %s\n\n", w)
	}
	for _, c := range p.Changes {
		if c.Action == resources.NoOp {
			for _, n := range c.Notes {
				fmt.Fprintf(&head, "- note on `%s`: %s\n", c.Addr, n)
			}
		}
	}
	cs := visible(p.Changes)
	if len(cs) == 0 && len(p.Pending) == 0 {
		head.WriteString("\nNo changes. The host matches the manifest.\n")
		return head.String()
	}
	for _, a := range p.Pending {
		fmt.Fprintf(&head, "- `%s`: pending restart\n", a)
	}
	out := head.String()
	for i, c := range cs {
		sec := markdownSection(c)
		note := fmt.Sprintf("\n_%d more resource changes not shown: the plan is cut at %d characters. Run `clawplan plan` for all of it._\n", len(cs)-i, MarkdownLimit)
		if len(out)+len(sec)+len(note) > MarkdownLimit {
			return out + note
		}
		out += sec
	}
	return out
}

func markdownSection(c resources.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary><code>%s %s</code> (%s)</summary>\n\n", c.Action.Symbol(), c.Addr, c.Action)
	attrs, same := changed(c.Attrs)
	if len(attrs) > 0 {
		b.WriteString("| attribute | before | after |\n|---|---|---|\n")
		for _, a := range attrs {
			after := formatValue(a.After)
			if a.Unknown != "" {
				after = "(known after apply)"
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | `%s` |\n", a.Path, mdCell(formatValue(a.Before)), mdCell(after))
		}
		if same > 0 {
			fmt.Fprintf(&b, "\n%d unchanged attributes hidden.\n", same)
		}
		b.WriteString("\n")
	}
	for _, f := range c.Files {
		if f.Sensitive {
			fmt.Fprintf(&b, "`%s`: contents changed (sensitive, not shown)\n\n", f.Path)
			continue
		}
		if d := Unified(f.Path, f.Before, f.After); d != "" {
			fmt.Fprintf(&b, "```diff\n%s```\n\n", strings.ReplaceAll(d, "```", "`\u200b``"))
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "- note: %s\n", n)
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "`", "'")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
