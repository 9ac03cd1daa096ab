package secret

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/titanous/json5"
	"github.com/zclconf/go-cty/cty"
)

// CrossValidate checks what spans blocks: the seed's device_token_mismatch
// trap (the gateway token in the environment and, different, in the
// config) and secrets that would share a provider alias or a file.
func (s *Secret) CrossValidate(c resources.Catalog) hcl.Diagnostics {
	s.setGateways(c)
	diags := s.checkShared(c)
	for _, g := range c.OfKind("gateway") {
		tok, ok := gatewayAuthToken(g)
		if !ok {
			continue
		}
		if name, ok := attrString(tok, "name"); ok && name == s.addr.Name {
			s.mu.Lock()
			s.gatewayAuth = true
			s.mu.Unlock()
		}
		if !slices.Contains(s.envNames(), gatewayTokenEnv) {
			continue
		}
		if msg := s.tokenConflict(tok); msg != "" {
			diags = append(diags, s.diag(s.envRange(gatewayTokenEnv), "Gateway token in both the environment and the config",
				fmt.Sprintf("%s delivers %s, and %s (%s) %s. The env var overrides the config, so the two drift apart after a rotation and clients fail with device_token_mismatch. Set auth_token = %s in %s, or deliver the token only one way.",
					s.addr, gatewayTokenEnv, g.Addr(), c.Range(g.Addr()), msg, s.addr, g.Addr())))
		}
	}
	return diags
}

var envShorthand = regexp.MustCompile(`^\$\{?` + gatewayTokenEnv + `\}?$`)

// tokenConflict says how a gateway's auth_token contradicts this secret's
// env delivery, or "" when it agrees (it refers to this secret or the env var).
func (s *Secret) tokenConflict(tok cty.Value) string {
	if tok.Type() == cty.String {
		if envShorthand.MatchString(tok.AsString()) {
			return ""
		}
		return "sets auth_token to a literal value"
	}
	if name, ok := attrString(tok, "name"); ok && name != s.addr.Name {
		return "takes its auth_token from secret." + name
	}
	return ""
}

// gatewayAuthToken finds a gateway block's token in what it exports:
// auth_token, or auth.token. A gateway kind that exports neither is not
// checked.
func gatewayAuthToken(r resources.Resource) (cty.Value, bool) {
	ex, ok := r.(resources.Exporter)
	if !ok {
		return cty.NilVal, false
	}
	v := ex.Export()
	if t, ok := attrValue(v, "auth_token"); ok {
		return t, true
	}
	if a, ok := attrValue(v, "auth"); ok {
		return attrValue(a, "token")
	}
	return cty.NilVal, false
}

// attrValue returns a known, non-null attribute of an object or map.
func attrValue(v cty.Value, name string) (cty.Value, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	var a cty.Value
	switch t := v.Type(); {
	case t.IsObjectType() && t.HasAttribute(name):
		a = v.GetAttr(name)
	case t.IsMapType() && v.HasIndex(cty.StringVal(name)).True():
		a = v.Index(cty.StringVal(name))
	default:
		return cty.NilVal, false
	}
	return a, a.IsKnown() && !a.IsNull()
}

func attrString(v cty.Value, name string) (string, bool) {
	a, ok := attrValue(v, name)
	if !ok || a.Type() != cty.String {
		return "", false
	}
	return a.AsString(), true
}

// checkShared refuses two secrets with the same provider alias or the same
// credentials file; the later block in the manifest reports it.
func (s *Secret) checkShared(c resources.Catalog) hcl.Diagnostics {
	idx := sharedIndexOf(c)
	var diags hcl.Diagnostics
	for _, o := range idx.byAlias[s.Alias()] {
		if o == s || o.addr.Name > s.addr.Name {
			continue
		}
		if len(o.filePaths("/")) > 0 && len(s.filePaths("/")) > 0 {
			diags = append(diags, s.diag(s.rng(0, "deliver"), "Two secrets share a provider alias",
				fmt.Sprintf("%s and %s would both be secrets.providers.%s in openclaw.json; rename one.", s.addr, o.addr, s.Alias())))
		}
	}
	for _, p := range s.filePaths(s.assumedHome()) {
		for _, o := range idx.byFile[s.user+"\x00"+p] {
			if o == s || o.addr.Name > s.addr.Name {
				continue
			}
			diags = append(diags, s.diag(s.rng(0, "deliver"), "Two secrets write one file",
				fmt.Sprintf("%s and %s both deliver to %s; give one of them another file.", s.addr, o.addr, p)))
		}
	}
	return diags
}

// sharedIndex maps provider aliases and (user, file) pairs to the secrets
// that use them, built once per catalog: comparing every secret with every
// other made validating N secrets cost N squared.
type sharedIndex struct {
	byAlias map[string][]*Secret
	byFile  map[string][]*Secret
}

func sharedIndexOf(c resources.Catalog) sharedIndex {
	return resources.PerCatalog(c, "secret.shared", func() sharedIndex {
		idx := sharedIndex{byAlias: map[string][]*Secret{}, byFile: map[string][]*Secret{}}
		for _, r := range c.OfKind("secret") {
			o, ok := r.(*Secret)
			if !ok {
				continue
			}
			idx.byAlias[o.Alias()] = append(idx.byAlias[o.Alias()], o)
			for _, p := range o.filePaths(o.assumedHome()) {
				idx.byFile[o.user+"\x00"+p] = append(idx.byFile[o.user+"\x00"+p], o)
			}
		}
		return idx
	})
}

// envRange points at the deliver block that sets env = name.
func (s *Secret) envRange(name string) *hcl.Range {
	for i, k := range s.sinks {
		if k.Env == name {
			return s.rng(i, "deliver", "env")
		}
	}
	return nil
}

// literalTokenNotes warns, at plan time, when the user's openclaw.json holds
// a literal gateway token while this secret is the gateway token.
func (s *Secret) literalTokenNotes(h *resources.Host, home string) []string {
	s.mu.Lock()
	isToken := s.gatewayAuth || slices.Contains(s.envNames(), gatewayTokenEnv)
	s.mu.Unlock()
	if !isToken {
		return nil
	}
	p := configPath(home)
	f, err := h.ReadFile(p)
	if err != nil || !f.Exists {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal(f.Content, &doc) != nil && json5.Unmarshal(f.Content, &doc) != nil {
		return []string{fmt.Sprintf("could not parse %s to check it for a literal gateway token", p)}
	}
	tok, ok := dig(doc, "gateway", "auth", "token").(string)
	if !ok || envShorthand.MatchString(tok) {
		return nil
	}
	h.Secrets.Add(tok)
	h.Log.Warn("literal gateway token in openclaw.json", "addr", s.addr.String(), "path", p)
	return []string{fmt.Sprintf("%s holds a literal gateway.auth.token while %s delivers the gateway token: the two drift apart (device_token_mismatch). Set auth_token = %s in the gateway block so the config refers to the secret, or remove the literal.",
		p, s.addr, s.addr)}
}

// dig walks nested JSON objects.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
