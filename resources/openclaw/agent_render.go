package openclaw

import (
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

func (a *agent) claimList(id string, body hcl.Body) []claim {
	c := &claimer{body: body}
	root := []string{"agents", "defaults"}
	if id != defaultsAgent {
		root = []string{"agents", "entries", id}
	}
	at := func(k ...string) []string { return append(append([]string(nil), root...), k...) }
	conf := a.conf
	if conf.Model != nil {
		model := map[string]any{"primary": *conf.Model, "fallbacks": stringList(conf.Fallbacks)}
		c.out = append(c.out, claim{path: keys(at("model")...), value: model, attr: "model", rng: rangeOf(body, "model")})
	}
	optInt(c, keys(at("maxConcurrent")...), conf.MaxConcurrent, "max_concurrent")
	optInt(c, keys(at("subagents", "maxConcurrent")...), conf.SubagentsMax, "subagents_max_concurrent")
	if p := conf.ContextPruning; p != nil {
		optString(c, keys(at("contextPruning", "mode")...), p.Mode, "context_pruning", "mode")
		optString(c, keys(at("contextPruning", "ttl")...), p.TTL, "context_pruning", "ttl")
		optList(c, keys(at("contextPruning", "tools", "allow")...), p.ToolsAllow, "context_pruning", "tools_allow")
		optList(c, keys(at("contextPruning", "tools", "deny")...), p.ToolsDeny, "context_pruning", "tools_deny")
		optBool(c, keys(at("contextPruning", "hardClear", "enabled")...), p.HardClear, "context_pruning", "hard_clear")
		optString(c, keys(at("contextPruning", "hardClear", "placeholder")...), p.Placeholder, "context_pruning", "placeholder")
	}
	if s := conf.Sandbox; s != nil {
		attr := "sandbox"
		if conf.Profile != nil {
			attr = "profile"
		}
		optString(c, keys(at("sandbox", "mode")...), s.Mode, attr)
		optString(c, keys(at("sandbox", "scope")...), s.Scope, "sandbox", "scope")
		optString(c, keys(at("sandbox", "workspaceAccess")...), s.WorkspaceAccess, attr)
	}
	if t := conf.Tools; t != nil {
		optString(c, keys(at("tools", "profile")...), t.Profile, "tools", "profile")
		optList(c, keys(at("tools", "allow")...), t.Allow, "tools", "allow")
		optList(c, keys(at("tools", "deny")...), t.Deny, "tools", "deny")
		optBool(c, keys(at("tools", "elevated", "enabled")...), t.Elevated, "tools", "elevated")
	}
	for _, ch := range conf.Channels {
		// A multi-agent roster routes by bindings; without one it fails closed.
		c.out = append(c.out, claim{path: keys("bindings").Child(where("agentId", id, "match.channel", ch)),
			value: map[string]any{"agentId": id, "match": map[string]any{"channel": ch}}, attr: "channels", rng: rangeOf(body, "channels")})
	}
	if conf.SystemAgent != nil && *conf.SystemAgent {
		c.set(keys("agents", "defaults", "heartbeat", "agentId"), id, "system_agent")
		c.set(keys("agents", "defaults", "systemAgent", "agentId"), id, "system_agent")
	}
	return c.out
}

// CrossValidate runs the security rules that concern this block.
func (a *agent) CrossValidate(c resources.Catalog) hcl.Diagnostics { return policyFor(c, a.addr) }
