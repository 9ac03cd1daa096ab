package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvPrefix is the prefix of environment variables that set variables:
// CLAWPLAN_VAR_region=eu sets var.region.
const EnvPrefix = "CLAWPLAN_VAR_"

// Variable is a declared input variable.
type Variable struct {
	Name        string
	Type        cty.Type
	Default     cty.Value // cty.NilVal when there is none
	Description string
	Sensitive   bool
	Validations []Validation
	DeclRange   hcl.Range
	// Value is the variable's final value, after every source was applied.
	Value cty.Value
}

// Validation is one validation block of a variable.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage string
	Range        hcl.Range
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "condition", Required: true}, {Name: "error_message", Required: true},
}}

func decodeVariables(blocks []*hcl.Block) ([]*Variable, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*Variable
	seen := map[string]bool{}
	for _, blk := range blocks {
		v, d := decodeVariable(blk)
		diags = append(diags, d...)
		if v == nil {
			continue
		}
		if seen[v.Name] {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate variable",
				Detail: fmt.Sprintf("variable %q is declared twice; remove one.", v.Name), Subject: blk.DefRange.Ptr()})
			continue
		}
		seen[v.Name] = true
		out = append(out, v)
	}
	return out, diags
}

func decodeVariable(blk *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{Name: blk.Labels[0], Type: cty.DynamicPseudoType, DeclRange: blk.DefRange}
	content, diags := blk.Body.Content(variableSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	if a, ok := content.Attributes["type"]; ok {
		t, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		v.Type = t
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeString(a, &v.Description)...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() && val.Type() == cty.Bool && !val.IsNull() {
			v.Sensitive = val.True()
		}
	}
	if a, ok := content.Attributes["default"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			cv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value for variable",
					Detail: fmt.Sprintf("The default of %q does not fit its type %s: %s.", v.Name, typeexpr.TypeString(v.Type), err), Subject: a.Expr.Range().Ptr()})
			}
			v.Default = cv
		}
	}
	for _, vb := range content.Blocks {
		vc, d := vb.Body.Content(validationSchema)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		val := Validation{Condition: vc.Attributes["condition"].Expr, Range: vb.DefRange}
		diags = append(diags, decodeString(vc.Attributes["error_message"], &val.ErrorMessage)...)
		v.Validations = append(v.Validations, val)
	}
	return v, diags
}

func decodeString(a *hcl.Attribute, dst *string) hcl.Diagnostics {
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	if val.Type() != cty.String || val.IsNull() {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Expected a string",
			Detail: fmt.Sprintf("%s must be a string.", a.Name), Subject: a.Expr.Range().Ptr()}}
	}
	*dst = val.AsString()
	return nil
}

// assignVariables sets each variable's value: default, then CLAWPLAN_VAR_*,
// then -var-file files, then -var flags; then checks types and validations.
func (m *Manifest) assignVariables(opts Options) hcl.Diagnostics {
	byName := map[string]*Variable{}
	raw := map[string]cty.Value{}
	ranges := map[string]*hcl.Range{}
	for _, v := range m.Variables {
		byName[v.Name] = v
	}
	var diags hcl.Diagnostics
	for _, kv := range opts.Environ {
		name, val, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, EnvPrefix) {
			n := strings.TrimPrefix(name, EnvPrefix)
			if v := byName[n]; v != nil {
				raw[n], ranges[n] = parseRawValue(v, val), nil
			}
		}
	}
	for _, file := range opts.VarFiles {
		diags = append(diags, m.readVarFile(file, byName, raw, ranges)...)
	}
	for _, kv := range opts.Vars {
		name, val, ok := strings.Cut(kv, "=")
		v := byName[name]
		switch {
		case !ok:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid -var option",
				Detail: fmt.Sprintf("-var %q: write it as -var NAME=VALUE.", kv)})
		case v == nil:
			diags = append(diags, undeclaredVar(name, "-var", nil))
		default:
			raw[name], ranges[name] = parseRawValue(v, val), nil
		}
	}
	for _, v := range m.Variables {
		diags = append(diags, v.finish(raw, ranges[v.Name])...)
	}
	return diags
}

// parseRawValue reads a value given on the command line or in the
// environment: verbatim for string variables, as an HCL expression otherwise.
func parseRawValue(v *Variable, s string) cty.Value {
	if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
		return cty.StringVal(s)
	}
	expr, d := hclsyntax.ParseExpression([]byte(s), "<value for var."+v.Name+">", hcl.InitialPos)
	if d.HasErrors() {
		return cty.StringVal(s)
	}
	val, d := expr.Value(nil)
	if d.HasErrors() {
		return cty.StringVal(s)
	}
	return val
}

func (m *Manifest) readVarFile(file string, byName map[string]*Variable, raw map[string]cty.Value, ranges map[string]*hcl.Range) hcl.Diagnostics {
	src, err := os.ReadFile(file)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read variables file",
			Detail: fmt.Sprintf("-var-file %s: %v.", file, err)}}
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		return diags
	}
	m.Files[file] = snippetFile(f)
	attrs, d := f.Body.JustAttributes()
	diags = append(diags, d...)
	for name, a := range attrs {
		if byName[name] == nil {
			diags = append(diags, undeclaredVar(name, file, a.NameRange.Ptr()))
			continue
		}
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		raw[name], ranges[name] = val, a.Expr.Range().Ptr()
	}
	return diags
}

func undeclaredVar(name, where string, rng *hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value for undeclared variable",
		Detail:  fmt.Sprintf("%s sets %q, which the manifest does not declare. Declare it with a variable %q block, or remove the value.", where, name, name),
		Subject: rng}
}

// finish converts the variable's value to its type and runs its validations.
func (v *Variable) finish(raw map[string]cty.Value, rng *hcl.Range) hcl.Diagnostics {
	val, ok := raw[v.Name]
	if !ok {
		if v.Default == cty.NilVal {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No value for required variable",
				Detail:  fmt.Sprintf("variable %q has no default. Set it with -var %s=VALUE, a -var-file, or the environment variable %s%s.", v.Name, v.Name, EnvPrefix, v.Name),
				Subject: v.DeclRange.Ptr()}}
		}
		val = v.Default
	}
	cv, err := convert.Convert(val, v.Type)
	if err != nil {
		if rng == nil {
			rng = v.DeclRange.Ptr()
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail:  fmt.Sprintf("The value given for %q does not fit its type %s: %s.", v.Name, typeexpr.TypeString(v.Type), err),
			Subject: rng}}
	}
	v.Value = cv
	return v.validate()
}

func (v *Variable) validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: v.Value})},
		Functions: Functions(".")}
	for _, val := range v.Validations {
		ok, d := val.Condition.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if ok.Type() != cty.Bool || ok.IsNull() || !ok.IsKnown() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid validation condition",
				Detail: "The condition must be a boolean expression.", Subject: val.Condition.Range().Ptr()})
			continue
		}
		if ok.False() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
				Detail: fmt.Sprintf("var.%s: %s", v.Name, val.ErrorMessage), Subject: val.Condition.Range().Ptr()})
		}
	}
	return diags
}
