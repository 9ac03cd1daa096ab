package remote

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// GatewayKind is the block the nodes are built from.
var GatewayKind = "gateway"

func init() {
	resources.RegisterSynthesizer(synthesizer{})
	for _, k := range []string{DevicesKind, TunnelKind, SSHKind} {
		resources.Register(nodeKind{name: k})
	}
}

type synthesizer struct{}

// Synthesize adds the nodes each gateway's settings ask for.
func (synthesizer) Synthesize(c resources.Catalog) ([]resources.Resource, hcl.Diagnostics) {
	var out []resources.Resource
	var diags hcl.Diagnostics
	for _, gw := range c.OfKind(GatewayKind) {
		ex, ok := gw.(resources.Exporter)
		if !ok {
			continue
		}
		rng := c.Range(gw.Addr())
		set, err := fromExport(ex.Export())
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unusable gateway remote settings", Detail: fmt.Sprintf("%s: %v.", gw.Addr(), err), Subject: rng.Ptr()})
			continue
		}
		out = append(out, nodes(gw.Addr(), set, rng)...)
	}
	return out, diags
}

// nodes builds the nodes of one gateway: they apply after its service.
func nodes(gw resources.Addr, set settings, rng hcl.Range) []resources.Resource {
	svc := resources.Addr{Kind: "gateway_service", Name: gw.Name}
	var out []resources.Resource
	if len(set.Scopes) > 0 {
		out = append(out, &devices{addr: resources.Addr{Kind: DevicesKind, Name: gw.Name}, set: set, deps: []resources.Addr{gw, svc}, rng: rng})
	}
	if set.Tunnel != nil {
		out = append(out, &tunnel{addr: resources.Addr{Kind: TunnelKind, Name: gw.Name}, set: set, deps: []resources.Addr{gw, svc, {Kind: "secret", Name: set.Tunnel.Secret}}})
	}
	if set.SSH != nil {
		out = append(out, &sshTunnel{addr: resources.Addr{Kind: SSHKind, Name: gw.Name}, set: set})
	}
	return out
}

// nodeKind registers the synthesized kinds; no block declares them.
type nodeKind struct{ name string }

func (k nodeKind) Name() string      { return k.name }
func (k nodeKind) Spec() hcldec.Spec { return hcldec.ObjectSpec{} }
func (k nodeKind) Decode(a resources.Addr, body hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	r := body.MissingItemRange()
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not a block type", Detail: fmt.Sprintf("%s is synthesized from the gateway block (device_scopes, remote_access); set it there.", a), Subject: &r}}
}
