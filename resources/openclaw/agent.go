package openclaw

import (
	"fmt"
	"regexp"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// agentKind is the `agent` block: "defaults" writes agents.defaults, any
// other label agents.entries.<label> (2026.9.6 retired agents.list).
type agentKind struct{ kindBase }

func (agentKind) Name() string { return "agent" }

func (agentKind) Spec() hcldec.Spec { return agentSpec.spec() }

var agentSpec = attrs{
	"model":                    attr(cty.String),
	"fallbacks":                attr(cty.List(cty.String)),
	"profile":                  attr(cty.String),
	"privacy":                  attr(cty.String),
	"channels":                 attr(cty.List(cty.String)),
	"system_agent":             attr(cty.Bool),
	"max_concurrent":           attr(cty.Number),
	"subagents_max_concurrent": attr(cty.Number),
	"sandbox": block(attrs{
		"mode":             attr(cty.String),
		"scope":            attr(cty.String),
		"workspace_access": attr(cty.String),
	}),
	"tools": block(attrs{
		"profile":  attr(cty.String),
		"allow":    attr(cty.List(cty.String)),
		"deny":     attr(cty.List(cty.String)),
		"elevated": attr(cty.Bool),
	}),
	"context_pruning": block(attrs{
		"mode":        attr(cty.String),
		"ttl":         attr(cty.String),
		"tools_allow": attr(cty.List(cty.String)),
		"tools_deny":  attr(cty.List(cty.String)),
		"hard_clear":  attr(cty.Bool),
		"placeholder": attr(cty.String),
	}),
}

type agentSandbox struct {
	Mode            *string `cty:"mode"`
	Scope           *string `cty:"scope"`
	WorkspaceAccess *string `cty:"workspace_access"`
}

type agentTools struct {
	Profile  *string  `cty:"profile"`
	Allow    []string `cty:"allow"`
	Deny     []string `cty:"deny"`
	Elevated *bool    `cty:"elevated"`
}

type agentConf struct {
	Model          *string       `cty:"model"`
	Fallbacks      []string      `cty:"fallbacks"`
	Profile        *string       `cty:"profile"`
	Privacy        *string       `cty:"privacy"`
	Channels       []string      `cty:"channels"`
	SystemAgent    *bool         `cty:"system_agent"`
	MaxConcurrent  *int          `cty:"max_concurrent"`
	SubagentsMax   *int          `cty:"subagents_max_concurrent"`
	Sandbox        *agentSandbox `cty:"sandbox"`
	Tools          *agentTools   `cty:"tools"`
	ContextPruning *struct {
		Mode        *string  `cty:"mode"`
		TTL         *string  `cty:"ttl"`
		ToolsAllow  []string `cty:"tools_allow"`
		ToolsDeny   []string `cty:"tools_deny"`
		HardClear   *bool    `cty:"hard_clear"`
		Placeholder *string  `cty:"placeholder"`
	} `cty:"context_pruning"`
}

// agent is one decoded agent block, with its profile applied.
type agent struct {
	base
	conf agentConf
}

var _ resources.CrossValidator = (*agent)(nil)

var agentID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

const defaultsAgent = "defaults"

func (agentKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	a := &agent{}
	diags := decodeInto(addr, body, val, &a.conf)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, a.check(addr.Name, body)...)
	if diags.HasErrors() {
		return nil, diags
	}
	applyProfile(&a.conf)
	diags = append(diags, a.init(addr, body, a.claimList(addr.Name, body))...)
	return a, diags
}

func (a *agent) check(id string, body hcl.Body) hcl.Diagnostics {
	c := a.conf
	var diags hcl.Diagnostics
	if id != defaultsAgent && !agentID.MatchString(id) {
		r := body.MissingItemRange()
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid agent id",
			Detail: fmt.Sprintf("agent %q: ids are lower-case letters, digits, '_' and '-' (at most 64).", id), Subject: &r})
	}
	diags = append(diags, oneOf(body, str(c.Profile, ""), []string{"trusted", "untrusted-reader"}, "profile")...)
	diags = append(diags, oneOf(body, str(c.Privacy, ""), []string{"local-only", "cloud"}, "privacy")...)
	if s := c.Sandbox; s != nil {
		diags = append(diags, oneOf(body, str(s.Mode, ""), []string{"off", "non-main", "all"}, "sandbox", "mode")...)
		diags = append(diags, oneOf(body, str(s.Scope, ""), []string{"session", "agent", "shared"}, "sandbox", "scope")...)
		diags = append(diags, oneOf(body, str(s.WorkspaceAccess, ""), []string{"none", "ro", "rw"}, "sandbox", "workspace_access")...)
	}
	if t := c.Tools; t != nil {
		diags = append(diags, oneOf(body, str(t.Profile, ""), []string{"minimal", "coding", "messaging", "full"}, "tools", "profile")...)
	}
	if p := c.ContextPruning; p != nil {
		diags = append(diags, oneOf(body, str(p.Mode, ""), []string{"off", "cache-ttl"}, "context_pruning", "mode")...)
	}
	onlyDefaults := map[string]bool{"max_concurrent": c.MaxConcurrent != nil, "subagents_max_concurrent": c.SubagentsMax != nil, "context_pruning": c.ContextPruning != nil}
	onlyNamed := map[string]bool{"channels": c.Channels != nil, "system_agent": c.SystemAgent != nil, "tools": c.Tools != nil}
	for name, set := range onlyDefaults {
		if set && id != defaultsAgent {
			diags = append(diags, errAt(body, "Only for agent \"defaults\"", fmt.Sprintf("%s is a setting of agents.defaults in OpenClaw %s; move it to agent \"defaults\".", name, pinned()), name))
		}
	}
	for name, set := range onlyNamed {
		if set && id == defaultsAgent {
			diags = append(diags, errAt(body, "Only for named agents", fmt.Sprintf("%s applies to one agent (agents.entries.<id>); the global tool policy is the gateway block's tools { }.", name), name))
		}
	}
	if c.Fallbacks != nil && c.Model == nil {
		diags = append(diags, errAt(body, "Fallbacks without a model", "Set model = \"provider/model\" as the primary; fallbacks are tried after it.", "fallbacks"))
	}
	return diags
}

// applyProfile fills what the seed's profiles set, below what the block
// says itself. "trusted" is the operator's own agent: unsandboxed. The
// seed also gave it elevated tools; that is dropped, because elevated only
// lets sandboxed sessions escape and a trusted agent has no sandbox to
// escape (tools.elevated_enabled would flag it). "untrusted-reader"
// processes untrusted content: always sandboxed, read-only workspace, no
// shell, no writes, no browser (the seed's list plus process and
// apply_patch, which are the same powers under other names).
func applyProfile(c *agentConf) {
	switch str(c.Profile, "") {
	case "trusted":
		if c.Sandbox == nil {
			c.Sandbox = &agentSandbox{}
		}
		setDefault(&c.Sandbox.Mode, "off")
	case "untrusted-reader":
		if c.Sandbox == nil {
			c.Sandbox = &agentSandbox{}
		}
		setDefault(&c.Sandbox.Mode, "all")
		setDefault(&c.Sandbox.WorkspaceAccess, "ro")
		if c.Tools == nil {
			c.Tools = &agentTools{}
		}
		if c.Tools.Deny == nil {
			c.Tools.Deny = []string{"exec", "process", "write", "edit", "apply_patch", "browser"}
		}
	}
}

func setDefault(p **string, v string) {
	if *p == nil {
		*p = &v
	}
}
