package cron

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The block types a cron job relates to.
const (
	gatewayKind        = "gateway"
	gatewayServiceKind = "gateway_service" // synthesized per gateway block: it installs and runs the gateway
	vmKind             = "vm"
	channelKind        = "channel"
	defaultUser        = "openclaw"
	defaultPort        = 18789
)

// linker adds no node. It runs where synthesizers run, after every block
// decoded and before the engine asks for implicit dependencies, because
// Dependent.DependsOn has no catalog: it hands each cron job the gateway,
// gateway service and vm blocks it must apply after, and the service user
// and port they declare.
type linker struct{}

var _ resources.Synthesizer = linker{}

// Synthesize links the cron jobs of c; it returns no resources.
func (linker) Synthesize(c resources.Catalog) ([]resources.Resource, hcl.Diagnostics) {
	var deps []resources.Addr
	for _, g := range c.OfKind(gatewayKind) {
		deps = append(deps, g.Addr(), resources.Addr{Kind: gatewayServiceKind, Name: g.Addr().Name})
	}
	for _, v := range c.OfKind(vmKind) {
		deps = append(deps, v.Addr())
	}
	for _, r := range c.OfKind("cron") {
		if j, ok := r.(*Job); ok {
			j.deps = deps
			j.settle(c)
		}
	}
	return nil, nil
}

// settle picks the service user (the block's user, else the gateway's,
// else the vm block's service user, else openclaw) and that user's
// gateway port from the catalog.
func (j *Job) settle(c resources.Catalog) {
	j.user = j.raw.User
	gws := c.OfKind(gatewayKind)
	if j.user == "" && len(gws) > 0 {
		j.user = exportString(gws[0], "user")
	}
	if vms := c.OfKind(vmKind); j.user == "" && len(vms) > 0 {
		j.user = exportString(vms[0], "service_user")
	}
	if j.user == "" {
		j.user = defaultUser
	}
	for _, g := range gws {
		if u := exportString(g, "user"); u == j.user || u == "" && j.user == defaultUser {
			j.port = exportInt(g, "port")
			j.prefix = exportString(g, "install_prefix")
		}
	}
}

// DependsOn returns the blocks the job applies after: the gateway (its
// config and running service) and the vm block (the service user).
func (j *Job) DependsOn() []resources.Addr { return j.deps }

// CrossValidate checks what needs other blocks: the announce channel is
// declared, and the service user is unambiguous.
func (j *Job) CrossValidate(c resources.Catalog) hcl.Diagnostics {
	if j.orphan {
		return nil
	}
	j.settle(c)
	var diags hcl.Diagnostics
	if a := j.spec.Announce; a != nil && a.Channel != "last" {
		if _, ok := c.Get(resources.Addr{Kind: channelKind, Name: a.Channel}); !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Announce channel not declared",
				Detail:  fmt.Sprintf("This job announces to %q, but the manifest declares no channel %q block. Declare it (channel %q { ... }) so OpenClaw can deliver, or use \"last\".", a.Channel, a.Channel, a.Channel),
				Subject: j.at.at("announce.channel")})
		}
	}
	if users := gatewayUsers(c); j.raw.User == "" && len(users) > 1 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Which gateway runs this job?",
			Detail:  fmt.Sprintf("The manifest has gateways for the users %v: set user = \"...\" in this cron block to pick the one whose gateway keeps the job.", users),
			Subject: j.at.block.Ptr()})
	}
	return diags
}

func gatewayUsers(c resources.Catalog) []string {
	seen := map[string]bool{}
	for _, g := range c.OfKind(gatewayKind) {
		u := exportString(g, "user")
		if u == "" {
			u = defaultUser
		}
		seen[u] = true
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// exported is the attribute attr of what r shows other blocks, when r
// exports a known object that has it.
func exported(r resources.Resource, attr string) (cty.Value, bool) {
	ex, ok := r.(resources.Exporter)
	if !ok {
		return cty.NilVal, false
	}
	v := ex.Export()
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(attr) {
		return cty.NilVal, false
	}
	a := v.GetAttr(attr)
	return a, !a.IsNull() && a.IsKnown()
}

func exportString(r resources.Resource, attr string) string {
	if v, ok := exported(r, attr); ok && v.Type() == cty.String {
		return v.AsString()
	}
	return ""
}

func exportInt(r resources.Resource, attr string) int {
	v, ok := exported(r, attr)
	if !ok || v.Type() != cty.Number {
		return 0
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != big.Exact || n < 1 || n > 65535 {
		return 0
	}
	return int(n)
}
