package firewall

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// CrossValidate checks the firewall against the blocks it must agree
// with: Docker's DNS servers (network.docker_dns) must be in the DNS set,
// an LLM server outside every blocked range gets a warning, and two
// firewall blocks cannot own the same table.
func (r *Firewall) CrossValidate(c resources.Catalog) hcl.Diagnostics {
	r.cat = c
	var diags hcl.Diagnostics
	for _, n := range c.OfKind("network") {
		diags = append(diags, r.checkDockerDNS(c, n)...)
	}
	for _, l := range c.OfKind("llm_provider") {
		diags = append(diags, r.checkLLM(c, l)...)
	}
	for _, s := range c.OfKind("sandbox") {
		diags = append(diags, r.checkSandboxNetwork(c, s)...)
	}
	for _, f := range c.OfKind("firewall") {
		other, ok := f.(*Firewall)
		if !ok || other == r {
			continue
		}
		if other.s.Table == r.s.Table && other.addr.String() < r.addr.String() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Two firewall blocks own one table",
				Detail:  fmt.Sprintf("%s and %s (%s) both manage table inet %s; each would replace the other's rules. Give one a different `table`.", r.addr, other.addr, at(c, other.addr), r.s.Table),
				Subject: ptr(r.subject(c, "table"))})
		}
	}
	return diags
}

// checkSandboxNetwork warns when a sandbox's containers run on a Docker
// network whose bridge is not the firewall's interface: their traffic would
// never cross the table. The default network "bridge" is docker0; a
// user-defined network's bridge is br-<id> (or its
// com.docker.network.bridge.name), never docker0. Named networks are
// checked only against docker0: their bridge name is known to Docker, not
// to the manifest (verify's sandbox dials test the rest).
func (r *Firewall) checkSandboxNetwork(c resources.Catalog, s resources.Resource) hcl.Diagnostics {
	network := "bridge"
	if d, ok := exported(s, "docker"); ok && !d.IsNull() && d.Type().IsObjectType() && d.Type().HasAttribute("network") {
		if n := d.GetAttr("network"); n.IsKnown() && !n.IsNull() && n.Type() == cty.String {
			network = n.AsString()
		}
	}
	var detail string
	switch {
	case network == "none":
		return nil
	case network == "bridge" && r.s.Interface != "docker0":
		detail = fmt.Sprintf("%s (%s) runs its containers on Docker's default network, bridge docker0, but %s filters %s: sandbox traffic would not cross it. Set interface = \"docker0\", or put the sandbox on the Docker network whose bridge is %s.",
			s.Addr(), at(c, s.Addr()), r.addr, r.s.Interface, r.s.Interface)
	case network != "bridge" && r.s.Interface == "docker0":
		detail = fmt.Sprintf("%s (%s) runs its containers on Docker network %q, whose bridge is not docker0, but %s filters docker0: sandbox traffic would not cross it. Set interface to that network's bridge (br-<id>, or its com.docker.network.bridge.name).",
			s.Addr(), at(c, s.Addr()), network, r.addr)
	default:
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Sandbox outside the firewall", Detail: detail, Subject: ptr(r.subject(c, "interface"))}}
}

// subject is where a cross-block diagnostic points in this block: the
// attribute when it is written, else the block.
func (r *Firewall) subject(c resources.Catalog, attr string) hcl.Range {
	if rg, ok := r.ranges[attr]; ok && rg.Filename != "" && rg != r.ranges[""] {
		return rg
	}
	return c.Range(r.addr)
}

func at(c resources.Catalog, a resources.Addr) string {
	rg := c.Range(a)
	return fmt.Sprintf("%s:%d", rg.Filename, rg.Start.Line)
}

// exported reads attribute name of another block's exported value.
func exported(res resources.Resource, name string) (cty.Value, bool) {
	ex, ok := res.(resources.Exporter)
	if !ok {
		return cty.NilVal, false
	}
	v := ex.Export()
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NilVal, false
	}
	a := v.GetAttr(name)
	return a, a.IsKnown()
}

func (r *Firewall) checkDockerDNS(c resources.Catalog, n resources.Resource) hcl.Diagnostics {
	v, ok := exported(n, "docker_dns")
	if !ok {
		return nil
	}
	if v.IsNull() || v.LengthInt() == 0 {
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Docker DNS not set",
			Detail: fmt.Sprintf("%s (%s) sets no docker_dns, so containers inherit the host's resolvers; when those are private, %s blocks them and sandboxes cannot resolve names. "+
				"Set docker_dns = %s.dns_servers.", n.Addr(), at(c, n.Addr()), r.addr, r.addr),
			Subject: ptr(c.Range(n.Addr()))}}
	}
	allowed := map[netip.Addr]bool{}
	for _, a := range append(append([]netip.Addr(nil), r.d.dns4...), r.d.dns6...) {
		allowed[a] = true
	}
	var missing []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsKnown() || e.IsNull() || e.Type() != cty.String {
			continue
		}
		if a, err := netip.ParseAddr(e.AsString()); err != nil || !allowed[a] {
			missing = append(missing, e.AsString())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Docker DNS server blocked by the firewall",
		Detail: fmt.Sprintf("%s (%s) gives containers the DNS server(s) %s, but %s lets sandboxes reach DNS only at %s: sandboxes could not resolve names. "+
			"Keep one list: set dns_servers = %s.docker_dns here, or add the missing servers to dns_servers.",
			n.Addr(), at(c, n.Addr()), strings.Join(missing, ", "), r.addr, strings.Join(r.s.DNSServers, ", "), n.Addr()),
		Subject: ptr(r.subject(c, "dns_servers"))}}
}

func (r *Firewall) checkLLM(c resources.Catalog, l resources.Resource) hcl.Diagnostics {
	v, ok := exported(l, "base_url")
	if !ok || v.IsNull() || v.Type() != cty.String {
		return nil
	}
	u, err := url.Parse(v.AsString())
	if err != nil {
		return nil
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil || a.IsLoopback() || a.IsUnspecified() {
		return nil // a name is not resolved at validate time; loopback is the sandbox's own
	}
	a = a.Unmap()
	if _, in := contains(append(append([]addrRange(nil), r.d.blocked4...), r.d.blocked6...), a); in {
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "LLM server reachable from sandboxes",
		Detail: fmt.Sprintf("%s's base_url points at %s, which is outside every range %s (%s) blocks: sandboxes can reach the LLM server directly. "+
			"Add %s to extra_blocked unless they should.", l.Addr(), a, r.addr, at(c, r.addr), a),
		Subject: ptr(c.Range(l.Addr()))}}
}
