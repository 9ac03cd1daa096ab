package openclaw

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// secretRef is a decoded `secret.NAME` reference (resources.SecretRefType):
// where the secret is delivered, never its value.
type secretRef struct {
	Name     string
	Env      string
	File     string
	Source   string // OpenClaw SecretRef: env | file | exec | store
	Provider string
	ID       string
}

var (
	providerAlias = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)
	envRefID      = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,127}$`)
)

// decodeSecretRef reads a SecretRefType value; a null value is (nil, nil).
func decodeSecretRef(v cty.Value, body hcl.Body, path ...string) (*secretRef, hcl.Diagnostics) {
	if v.IsNull() {
		return nil, nil
	}
	r := rangeOf(body, path...)
	bad := func(detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not a secret reference", Detail: detail, Subject: &r}}
	}
	if !v.Type().IsObjectType() || !v.Type().HasAttribute("ref") {
		return nil, bad(fmt.Sprintf("%s must be a secret reference such as secret.gateway_token, so the value never lands in openclaw.json.", joinPath(path)))
	}
	s := &secretRef{Name: strAttr(v, "name"), Env: strAttr(v, "env"), File: strAttr(v, "file")}
	if ref := v.GetAttr("ref"); !ref.IsNull() {
		s.Source, s.Provider, s.ID = strAttr(ref, "source"), strAttr(ref, "provider"), strAttr(ref, "id")
	}
	if s.Source == "" || s.Provider == "" || s.ID == "" {
		return nil, bad(fmt.Sprintf("secret %q has no complete OpenClaw reference (source, provider and id); give the secret a deliver { env = ... } or file sink.", s.Name))
	}
	if !providerAlias.MatchString(s.Provider) {
		return nil, bad(fmt.Sprintf("secret %q: provider alias %q must match %s.", s.Name, s.Provider, providerAlias))
	}
	if (s.Source == "env" || s.Source == "store") && !envRefID.MatchString(s.ID) {
		return nil, bad(fmt.Sprintf("secret %q: OpenClaw reads env references only by names like OPENCLAW_GATEWAY_TOKEN (%s), not %q.", s.Name, envRefID, s.ID))
	}
	return s, nil
}

func strAttr(v cty.Value, name string) string {
	if v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return ""
	}
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}

// object is OpenClaw's SecretRef object; all three keys are required.
func (s *secretRef) object() map[string]any {
	return map[string]any{"source": s.Source, "provider": s.Provider, "id": s.ID}
}

// claims returns the SecretRef at path, plus the secrets.providers entry a
// file reference needs (env and store references fall back to OpenClaw's
// built-in "default" alias).
func (s *secretRef) claims(path []string, attr string, rng hcl.Range) []claim {
	out := []claim{{path: keys(path...), value: s.object(), atomic: true, attr: attr, rng: rng}}
	if p := s.providerEntry(); p != nil {
		out = append(out, claim{path: keys("secrets", "providers", s.Provider), value: p, attr: attr, rng: rng, shared: true})
	}
	return out
}

func (s *secretRef) providerEntry() map[string]any {
	switch {
	case s.Source == "file" && s.File != "":
		return map[string]any{"source": "file", "path": s.File, "mode": "singleValue"}
	case s.Source == "env" && s.Provider != "default":
		return map[string]any{"source": "env"}
	}
	return nil
}

// envName is the environment variable OpenClaw reads the secret from, if any.
func (s *secretRef) envName() string {
	if s == nil {
		return ""
	}
	if s.Source == "env" {
		return s.ID
	}
	return s.Env
}
