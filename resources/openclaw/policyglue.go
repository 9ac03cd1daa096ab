package openclaw

import (
	"slices"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/policy"
	"github.com/hashicorp/hcl/v2"
)

// policyFor runs the security rules over the whole catalog and returns
// the findings that belong to block addr. Findings that point at a block
// of another kind (a secret delivered under a wrong name) are returned by
// the block that reports for the package: the gateway, or the first
// contributing block.
func policyFor(c resources.Catalog, addr resources.Addr) hcl.Diagnostics {
	return policyFindings(c)[addr.String()]
}

// policyFindings runs the policy rules once per catalog and returns the
// diagnostics by the block that owns each: every block of this package
// asks for its own, and building the policy view of all blocks for each of
// them made validating N agents cost N squared (2,000 agents took 12 s).
func policyFindings(c resources.Catalog) map[string]hcl.Diagnostics {
	return resources.PerCatalog(c, "openclaw.policy", func() map[string]hcl.Diagnostics {
		reporter := reportingBlock(c)
		out := map[string]hcl.Diagnostics{}
		for _, f := range policy.Check(policyConfig(c)) {
			owner := f.At.Block
			if _, ok := c.Get(mustAddr(owner)); !ok || !isOurs(c, owner) {
				owner = reporter.String()
			}
			out[owner] = append(out[owner], f.Diagnostic())
		}
		return out
	})
}

func mustAddr(s string) resources.Addr {
	a, _ := resources.ParseAddr(s)
	return a
}

// ourKinds are the kinds this package implements.
var ourKinds = []string{"gateway", "llm_provider", "channel", "agent", "sandbox"}

func isOurs(c resources.Catalog, addr string) bool {
	a := mustAddr(addr)
	r, ok := c.Get(a)
	if !ok || !slices.Contains(ourKinds, a.Kind) {
		return false
	}
	_, ok = r.(contributor)
	return ok
}

func reportingBlock(c resources.Catalog) resources.Addr {
	var all []resources.Addr
	for _, k := range ourKinds {
		for _, r := range c.OfKind(k) {
			if _, ok := r.(contributor); ok {
				all = append(all, r.Addr())
			}
		}
	}
	if len(all) == 0 {
		return resources.Addr{}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].String() < all[j].String() })
	return all[0]
}

// policyConfig builds the rules' view of the manifest.
func policyConfig(c resources.Catalog) *policy.Config {
	cfg := &policy.Config{}
	for _, r := range c.OfKind("gateway") {
		if g, ok := r.(*gateway); ok && cfg.Gateway == nil {
			cfg.Gateway, cfg.Levels = g.policyView(), g.levels
		}
	}
	for _, r := range c.OfKind("llm_provider") {
		if p, ok := r.(*provider); ok {
			cfg.Providers = append(cfg.Providers, p.policyView())
		}
	}
	for _, r := range c.OfKind("channel") {
		if ch, ok := r.(*channel); ok {
			cfg.Channels = append(cfg.Channels, ch.policyView(c.Range(ch.addr)))
		}
	}
	for _, r := range c.OfKind("agent") {
		if a, ok := r.(*agent); ok {
			cfg.Agents = append(cfg.Agents, a.policyView(c.Range(a.addr)))
		}
	}
	for _, r := range c.OfKind("sandbox") {
		if s, ok := r.(*sandbox); ok {
			cfg.Sandbox = &policy.Sandbox{At: at(s.addr, s.body, "mode"), Mode: str(s.conf.Mode, "")}
		}
	}
	cfg.EnvSecrets = envSecrets(c)
	return cfg
}

// envSecrets lists the declared secrets delivered as environment
// variables, as the secret kind exports them.
func envSecrets(c resources.Catalog) []policy.EnvSecret {
	var out []policy.EnvSecret
	for _, r := range c.OfKind("secret") {
		ex, ok := r.(resources.Exporter)
		if !ok {
			continue
		}
		if env := strAttr(ex.Export(), "env"); env != "" {
			out = append(out, policy.EnvSecret{At: policy.At{Block: r.Addr().String(), Range: c.Range(r.Addr())}, Name: r.Addr().Name, Env: env})
		}
	}
	return out
}

func at(addr resources.Addr, body hcl.Body, path ...string) policy.At {
	return policy.At{Block: addr.String(), Range: rangeOf(body, path...)}
}

func blockAt(addr resources.Addr, rng hcl.Range) policy.At {
	return policy.At{Block: addr.String(), Range: rng}
}

func (s *secretRef) policyRef() *policy.Ref {
	if s == nil {
		return nil
	}
	return &policy.Ref{Name: s.Name, Source: s.Source, ID: s.ID}
}

func (g *gateway) policyView() *policy.Gateway {
	v := &policy.Gateway{Block: g.addr.String(), Bind: at(g.addr, g.body, "bind"), BindMode: str(g.conf.Bind, "loopback"),
		AuthMode: str(g.conf.AuthMode, "token"), Token: g.token.policyRef(), TokenAt: at(g.addr, g.body, "auth_token"),
		ElevatedAt: at(g.addr, g.body, "tools", "elevated"), ToolsAt: at(g.addr, g.body, "tools"), WebFetch: true,
		BraveKey: g.braveKey.policyRef(), BraveKeyAt: at(g.addr, g.body, "tools", "web_search", "api_key")}
	if t := g.conf.Tools; t != nil {
		v.Elevated, v.Deny, v.Allow, v.Profile = boolOr(t.Elevated, false), t.Deny, t.Allow, str(t.Profile, "")
		v.WebFetch = boolOr(t.WebFetch, true)
		if ws := t.WebSearch; ws != nil {
			v.WebSearch = boolOr(ws.Enabled, g.braveKey != nil)
		}
	}
	return v
}

func (p *provider) policyView() policy.Provider {
	return policy.Provider{At: at(p.addr, p.body, "privacy"), ID: p.addr.Name, BaseURL: p.conf.BaseURL, LocalOnly: str(p.conf.Privacy, "") == "local-only"}
}

func (ch *channel) policyView(rng hcl.Range) policy.Channel {
	return policy.Channel{At: blockAt(ch.addr, rng), ID: ch.addr.Name,
		DMPolicy: str(ch.conf.DMPolicy, "pairing"), DMAt: at(ch.addr, ch.body, "dm_policy"),
		GroupPolicy: str(ch.conf.GroupPolicy, "allowlist"), GroupAt: at(ch.addr, ch.body, "group_policy")}
}

func (a *agent) policyView(rng hcl.Range) policy.Agent {
	c := a.conf
	v := policy.Agent{At: blockAt(a.addr, rng), ID: a.addr.Name, Primary: str(c.Model, ""), Fallbacks: c.Fallbacks,
		ModelAt: at(a.addr, a.body, "model"), FallbacksAt: at(a.addr, a.body, "fallbacks"),
		ElevatedAt: at(a.addr, a.body, "tools", "elevated"), LocalOnly: str(c.Privacy, "") == "local-only", Channels: c.Channels}
	if s := c.Sandbox; s != nil {
		v.SandboxMode = str(s.Mode, "")
	}
	if t := c.Tools; t != nil {
		v.Deny, v.Allow, v.Profile, v.Elevated = t.Deny, t.Allow, str(t.Profile, ""), t.Elevated
	}
	return v
}
