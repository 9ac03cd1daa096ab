package config

import (
	"fmt"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// evalLocals evaluates every locals block. Locals may refer to variables and
// to other locals (in any order, without cycles), not to resource blocks.
func (m *Manifest) evalLocals(blocks []*hcl.Block) hcl.Diagnostics {
	var diags hcl.Diagnostics
	pending := map[string]*hcl.Attribute{}
	for _, blk := range blocks {
		attrs, d := blk.Body.JustAttributes()
		diags = append(diags, d...)
		for name, a := range attrs {
			if prev, dup := pending[name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate local value",
					Detail: fmt.Sprintf("local.%s is already defined at %s; rename one.", name, prev.NameRange), Subject: a.NameRange.Ptr()})
				continue
			}
			pending[name] = a
		}
	}
	m.Locals = map[string]cty.Value{}
	for len(pending) > 0 {
		progress := false
		for _, name := range sortedKeys(pending) {
			a := pending[name]
			if !m.localReady(a.Expr, pending) {
				continue
			}
			val, d := a.Expr.Value(m.EvalContext(nil))
			diags = append(diags, d...)
			m.Locals[name] = val
			delete(pending, name)
			progress = true
		}
		if !progress {
			names := sortedKeys(pending)
			return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cycle or bad reference in locals",
				Detail:  fmt.Sprintf("These locals cannot be evaluated: %v. Locals may refer to var.* and to other locals without cycles, not to blocks.", names),
				Subject: pending[names[0]].Expr.Range().Ptr()})
		}
	}
	return diags
}

func (m *Manifest) localReady(expr hcl.Expression, pending map[string]*hcl.Attribute) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		if a, ok := tr[1].(hcl.TraverseAttr); ok && pending[a.Name] != nil {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// EvalContext returns the context block bodies evaluate in: var, local,
// the function library, and the values of already-evaluated blocks
// (blocks[kind][name]).
func (m *Manifest) EvalContext(blocks map[string]map[string]cty.Value) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for _, v := range m.Variables {
		vars[v.Name] = v.Value
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars), "local": cty.ObjectVal(m.Locals)},
		Functions: m.funcs,
	}
	for kind, byName := range blocks {
		ctx.Variables[kind] = cty.ObjectVal(byName)
	}
	return ctx
}

// References returns the blocks b's body refers to under spec, plus its
// depends_on, and diagnoses references to names that do not exist.
func (m *Manifest) References(b *Block, spec hcldec.Spec) ([]Ref, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	refs := append([]Ref(nil), b.DependsOn...)
	for _, tr := range hcldec.Variables(b.Body, spec) {
		ref, d := m.resolveTraversal(tr)
		diags = append(diags, d...)
		if ref != nil {
			refs = append(refs, *ref)
		}
	}
	return refs, diags
}

// resolveTraversal checks one reference and returns the block it names, if any.
func (m *Manifest) resolveTraversal(tr hcl.Traversal) (*Ref, hcl.Diagnostics) {
	root := tr.RootName()
	rng := tr.SourceRange()
	switch {
	case root == "var":
		return nil, m.checkVarRef(tr)
	case root == "local":
		return nil, m.checkLocalRef(tr)
	case resources.IsBlockType(root):
		if len(tr) < 2 {
			return nil, badRef(rng, fmt.Sprintf("A reference to a %s block needs its name: %s.NAME.", root, root))
		}
		step, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			return nil, badRef(rng, fmt.Sprintf("Write the reference as %s.NAME.", root))
		}
		addr := resources.Addr{Kind: root, Name: step.Name}
		if _, ok := m.index[addr]; !ok {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reference to undeclared block",
				Detail:  fmt.Sprintf("There is no %s block named %q in this manifest. Declare it, or fix the name.%s", root, step.Name, m.suggest(root, step.Name)),
				Subject: rng.Ptr()}}
		}
		return &Ref{Addr: addr, Range: rng}, nil
	}
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown reference",
		Detail:  fmt.Sprintf("%q is not something a manifest can refer to. References start with var., local., or a block type (%v).", root, resources.BlockTypes),
		Subject: rng.Ptr()}}
}

func (m *Manifest) suggest(kind, name string) string {
	var names []string
	for _, b := range m.Blocks {
		if b.Addr.Kind == kind {
			names = append(names, b.Addr.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf(" Declared %s blocks: %v.", kind, names)
}

func (m *Manifest) checkVarRef(tr hcl.Traversal) hcl.Diagnostics {
	if len(tr) < 2 {
		return badRef(tr.SourceRange(), "Write a variable reference as var.NAME.")
	}
	if a, ok := tr[1].(hcl.TraverseAttr); ok {
		for _, v := range m.Variables {
			if v.Name == a.Name {
				return nil
			}
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reference to undeclared variable",
			Detail:  fmt.Sprintf("There is no variable %q. Declare it with a variable %q block.", a.Name, a.Name),
			Subject: tr.SourceRange().Ptr()}}
	}
	return nil
}

func (m *Manifest) checkLocalRef(tr hcl.Traversal) hcl.Diagnostics {
	if len(tr) < 2 {
		return badRef(tr.SourceRange(), "Write a local reference as local.NAME.")
	}
	if a, ok := tr[1].(hcl.TraverseAttr); ok {
		if _, ok := m.Locals[a.Name]; !ok {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reference to undeclared local value",
				Detail:  fmt.Sprintf("There is no local value %q. Define it in a locals block.", a.Name),
				Subject: tr.SourceRange().Ptr()}}
		}
	}
	return nil
}

func badRef(rng hcl.Range, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: detail, Subject: rng.Ptr()}}
}

var metaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "depends_on"}}}

// resolveDependsOn splits depends_on off b's body and resolves it.
func (m *Manifest) resolveDependsOn(b *Block) hcl.Diagnostics {
	content, remain, diags := b.Body.PartialContent(metaSchema)
	a, ok := content.Attributes["depends_on"]
	if !ok {
		return diags // nothing to hide: keep the body, not a copy of it per block
	}
	b.Body = remain
	exprs, d := hcl.ExprList(a.Expr)
	diags = append(diags, d...)
	for _, e := range exprs {
		tr, d := hcl.AbsTraversalForExpr(e)
		if d.HasErrors() {
			diags = append(diags, badRef(e.Range(), "depends_on takes a list of block addresses, such as [network.lan, firewall.sandbox].")...)
			continue
		}
		ref, d := m.resolveTraversal(tr)
		diags = append(diags, d...)
		if ref != nil {
			b.DependsOn = append(b.DependsOn, *ref)
		}
	}
	return diags
}
