package remote

import (
	"encoding/json"
	"fmt"
	"path"

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

var _ resources.Orphaner = nodeKind{}

// Orphan rebuilds a remote-access node whose gateway block (or its
// remote_access entry) was removed: cloudflare_tunnel deletes the files
// it wrote, ssh_tunnel owns nothing. gateway_devices records nothing: the
// scopes it ensured stay with the devices (narrowing them could cut off a
// client), so it never becomes an orphan.
func (k nodeKind) Orphan(a resources.Addr, record json.RawMessage) (resources.Resource, error) {
	switch k.name {
	case TunnelKind:
		var rec tunnelOwnership
		if err := json.Unmarshal(record, &rec); err != nil {
			return nil, fmt.Errorf("ownership record of %s: %w", a, err)
		}
		if !path.IsAbs(rec.Unit) || !path.IsAbs(rec.Env) {
			return nil, fmt.Errorf("ownership record of %s names no unit and token file", a)
		}
		return &tunnelOrphan{addr: a, rec: rec}, nil
	case SSHKind:
		return &sshOrphan{addr: a}, nil
	}
	return nil, fmt.Errorf("%s owns nothing on the host to delete", a)
}

func (k nodeKind) Name() string      { return k.name }
func (k nodeKind) Spec() hcldec.Spec { return hcldec.ObjectSpec{} }
func (k nodeKind) Decode(a resources.Addr, body hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	r := body.MissingItemRange()
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not a block type", Detail: fmt.Sprintf("%s is synthesized from the gateway block (device_scopes, remote_access); set it there.", a), Subject: &r}}
}
