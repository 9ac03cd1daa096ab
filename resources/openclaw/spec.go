package openclaw

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// attrs is an hcldec.ObjectSpec built from name -> type pairs; nested
// blocks are given with block().
type attrs map[string]hcldec.Spec

func attr(ty cty.Type) hcldec.Spec { return &hcldec.AttrSpec{Type: ty} }

func required(ty cty.Type) hcldec.Spec { return &hcldec.AttrSpec{Type: ty, Required: true} }

func block(nested attrs) hcldec.Spec { return &hcldec.BlockSpec{Nested: nested.spec()} }

// spec names every attribute and block after its key.
func (a attrs) spec() hcldec.ObjectSpec {
	out := hcldec.ObjectSpec{}
	for name, s := range a {
		switch t := s.(type) {
		case *hcldec.AttrSpec:
			c := *t
			c.Name = name
			out[name] = &c
		case *hcldec.BlockSpec:
			c := *t
			c.TypeName = name
			out[name] = &c
		}
	}
	return out
}

// rangeOf returns where the attribute at path ("tools", "deny") is written,
// or the enclosing block when it is not.
func rangeOf(body hcl.Body, path ...string) hcl.Range {
	if body == nil {
		return hcl.Range{} // released after validation
	}
	var s hcldec.Spec = &hcldec.AttrSpec{Name: path[len(path)-1], Type: cty.DynamicPseudoType}
	for i := len(path) - 2; i >= 0; i-- {
		s = &hcldec.BlockSpec{TypeName: path[i], Nested: s}
	}
	return hcldec.SourceRange(body, s)
}

// decodeInto fills the struct target from the decoded block value.
func decodeInto(addr fmt.Stringer, body hcl.Body, val cty.Value, target any) hcl.Diagnostics {
	if !val.IsWhollyKnown() {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Value not known at plan time",
			Detail:  fmt.Sprintf("%s uses a value that is only known after apply; OpenClaw's config must be fully known to plan it. Use literal values or references to blocks whose values are known.", addr),
			Subject: body.MissingItemRange().Ptr()}}
	}
	if err := gocty.FromCtyValue(val, target); err != nil {
		r := body.MissingItemRange()
		if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
			if ga, ok := pe.Path[0].(cty.GetAttrStep); ok {
				r = rangeOf(body, ga.Name)
			}
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value", Detail: fmt.Sprintf("%s: %s.", addr, err), Subject: &r}}
	}
	return nil
}

// oneOf is a diagnostic unless v is empty or one of allowed.
func oneOf(body hcl.Body, v string, allowed []string, path ...string) hcl.Diagnostics {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	r := rangeOf(body, path...)
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Value not accepted by OpenClaw",
		Detail:  fmt.Sprintf("%s = %q is not accepted by OpenClaw %s; use one of %q.", joinPath(path), v, pinned(), allowed),
		Subject: &r}}
}

func joinPath(p []string) string {
	s := ""
	for i, x := range p {
		if i > 0 {
			s += "."
		}
		s += x
	}
	return s
}

func str(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
