package openclaw

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
)

// synthesizer adds openclaw_config.<user>, the one writer of openclaw.json,
// when any block contributes to it.
type synthesizer struct{}

// gatewayServiceKind is the runtime node that restarts gateway.NAME when a
// file it reads changed.
const gatewayServiceKind = "gateway_service"

// contribution is one block's leaves.
type contribution struct {
	res    resources.Resource
	leaves []leaf
}

func (synthesizer) Synthesize(c resources.Catalog) ([]resources.Resource, hcl.Diagnostics) {
	contribs, diags := contributions(c)
	if len(contribs) == 0 {
		return nil, diags
	}
	gs, d := gatewaySettings(c)
	diags = append(diags, d...)
	w := &writer{addr: resources.Addr{Kind: writerKindName, Name: gs.user}, user: gs.user, version: gs.version, prefix: gs.prefix, triggers: gs.triggers}
	for _, ct := range contribs {
		if b, ok := ct.res.(contributor); ok {
			b.setUser(gs.user)
		}
		w.deps = append(w.deps, ct.res.Addr())
		w.leaves = append(w.leaves, ct.leaves...)
	}
	w.leaves = append(w.leaves, ownershipLeaf(w.addr, contribs)...)
	diags = append(diags, overlaps(c, w.leaves)...)
	return []resources.Resource{w}, diags
}

// contributions collects every block that contributes to openclaw.json:
// this package's blocks through their leaves, any other Fragmenter
// through its fragments.
func contributions(c resources.Catalog) ([]contribution, hcl.Diagnostics) {
	var out []contribution
	var diags hcl.Diagnostics
	for _, kind := range contributionOrder() {
		for _, r := range c.OfKind(kind) {
			if b, ok := r.(contributor); ok {
				out = append(out, contribution{res: r, leaves: b.openclawLeaves()})
				continue
			}
			f, ok := r.(resources.Fragmenter)
			if !ok {
				continue
			}
			leaves, err := foreignLeaves(r.Addr(), f, c.Range(r.Addr()))
			if err != nil {
				rng := c.Range(r.Addr())
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot render openclaw.json values", Detail: err.Error(), Subject: &rng})
			}
			if len(leaves) > 0 {
				out = append(out, contribution{res: r, leaves: leaves})
			}
		}
	}
	return out, diags
}

// contributionOrder is this package's kinds in the order a new file lists
// them (gateway first, as OpenClaw's own files do), then every other block type.
func contributionOrder() []string {
	order := append([]string(nil), ourKinds...)
	for _, t := range resources.BlockTypes {
		if !slices.Contains(order, t) {
			order = append(order, t)
		}
	}
	return order
}

func foreignLeaves(addr resources.Addr, f resources.Fragmenter, rng hcl.Range) ([]leaf, error) {
	var cs []claim
	for _, fr := range f.Fragments() {
		if fr.Doc == docName {
			cs = append(cs, claim{path: keys(fr.Path...), value: fr.Value, attr: strings.Join(fr.Path, "."), rng: rng})
		}
	}
	return flatten(addr, cs)
}

// gatewaySettings reads the service user, the pinned version and the
// gateway nodes to restart from the gateway block (one per host).
func gatewaySettings(c resources.Catalog) (gatewayInfo, hcl.Diagnostics) {
	gs := gatewayInfo{user: defaultUser, version: pinned()}
	var diags hcl.Diagnostics
	for i, r := range c.OfKind("gateway") {
		g, ok := r.(*gateway)
		if !ok {
			continue
		}
		if i > 0 {
			rng := c.Range(r.Addr())
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "More than one gateway",
				Detail: fmt.Sprintf("%s: one OpenClaw gateway per host, configured by one gateway block; merge it into %s.", r.Addr(), c.OfKind("gateway")[0].Addr()), Subject: &rng})
			continue
		}
		gs.user, gs.version, gs.prefix = g.user(), g.version(), str(g.conf.InstallPrefix, "")
		// The runtime side restarts the gateway: gateway_service.NAME is
		// the Refresher for gateway.NAME (resources/runtime).
		gs.triggers = append(gs.triggers, resources.Addr{Kind: gatewayServiceKind, Name: r.Addr().Name})
	}
	return gs, diags
}

// gatewayInfo is what the writer takes from the gateway block: the service
// user, the OpenClaw version and install prefix (where the CLI that
// validates and audits is), and the nodes that restart the gateway.
type gatewayInfo struct {
	user, version, prefix string
	triggers              []resources.Addr
}

// ownershipLeaf is agents.ownership = "explicit", which 2026.9.6 requires
// as soon as two agents are configured; the writer claims it itself.
func ownershipLeaf(owner resources.Addr, contribs []contribution) []leaf {
	named := map[string]hcl.Range{}
	for _, ct := range contribs {
		for _, lf := range ct.leaves {
			if len(lf.path) > 2 && lf.path[0].Key == "agents" && lf.path[1].Key == "entries" {
				named[lf.path[2].Key] = lf.rng
			}
		}
	}
	if len(named) < 2 {
		return nil
	}
	ids := make([]string, 0, len(named))
	for id := range named {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return []leaf{{path: keys("agents", "ownership"), value: doc.StringValue("explicit"), root: 2, owner: owner,
		attr: "agents " + strings.Join(ids, ", "), rng: named[ids[0]]}}
}

// overlaps reports leaves of different blocks that claim the same path or
// one inside the other. Shared leaves (secrets.providers entries) may be
// claimed twice when they agree.
func overlaps(c resources.Catalog, leaves []leaf) hcl.Diagnostics {
	byPath := map[string]leaf{}
	var diags hcl.Diagnostics
	reported := map[string]bool{}
	for _, lf := range leaves {
		for i := 1; i <= len(lf.path); i++ {
			key := lf.path[:i].String()
			other, ok := byPath[key]
			if i < len(lf.path) && !ok {
				continue
			}
			if ok && other.owner != lf.owner && !(other.shared && lf.shared && i == len(lf.path) && doc.Equal(other.value, lf.value)) {
				pair := other.owner.String() + "|" + lf.owner.String() + "|" + key
				if !reported[pair] {
					reported[pair] = true
					diags = append(diags, overlapDiag(c, other, lf))
				}
			}
		}
		byPath[lf.path.String()] = lf
	}
	diags = append(diags, nested(c, leaves, byPath, reported)...)
	return diags
}

// nested finds a leaf claimed below another block's leaf that came later.
func nested(c resources.Catalog, leaves []leaf, byPath map[string]leaf, reported map[string]bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, lf := range leaves {
		for i := 1; i < len(lf.path); i++ {
			other, ok := byPath[lf.path[:i].String()]
			if !ok || other.owner == lf.owner {
				continue
			}
			pair := other.owner.String() + "|" + lf.owner.String() + "|" + other.path.String()
			if !reported[pair] {
				reported[pair] = true
				diags = append(diags, overlapDiag(c, other, lf))
			}
		}
	}
	return diags
}

func overlapDiag(c resources.Catalog, a, b leaf) *hcl.Diagnostic {
	ra, rb := c.Range(a.owner), c.Range(b.owner)
	subject := b.rng
	if subject.Filename == "" {
		subject = rb
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Two blocks set the same openclaw.json path",
		Detail: fmt.Sprintf("%s (%s, %s) and %s (%s, %s) both set %s. One path has one owner: remove it from one of the blocks.",
			a.owner, a.attr, ra.String(), b.owner, b.attr, rb.String(), overlapPath(a, b)),
		Subject: &subject}
}

func overlapPath(a, b leaf) string {
	if len(a.path) <= len(b.path) {
		return a.path.String()
	}
	return b.path.String()
}
