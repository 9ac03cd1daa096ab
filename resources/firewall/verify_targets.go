package firewall

import (
	"fmt"
	"math/big"
	"net/netip"
	"net/url"
	"strconv"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
	"github.com/zclconf/go-cty/cty"
)

// Target roles: what a sandbox must reach, and what it must not.
const (
	roleInternet = "internet"
	roleLAN      = "LAN"
	roleHost     = "host"
)

// defaultGatewayPort is OpenClaw's gateway port when no gateway block says.
const defaultGatewayPort = 18789

// target is one address a sandbox container dials, and why.
type target struct {
	role string
	addr netip.AddrPort
	from string // where the address comes from, for the evidence
}

// wantReach reports whether the sandbox should reach the target.
func (t target) wantReach() bool { return t.role == roleInternet }

// checkName is the check's short, stable name.
func (t target) checkName() string {
	if t.role == roleInternet {
		return "sandbox -> internet"
	}
	return fmt.Sprintf("sandbox -> %s %s", t.role, t.addr)
}

// verifyImage is the image the test container runs: verify.image, else
// the sandbox block's docker.image, else its image_tag, else the default
// tag the sandbox_image node builds.
func (r *Firewall) verifyImage() (image, from string) {
	if v := r.s.Verify; v != nil && v.Image != nil {
		return *v.Image, "verify.image"
	}
	if r.cat == nil {
		return "", ""
	}
	for _, sb := range r.cat.OfKind("sandbox") {
		if docker, ok := exported(sb, "docker"); ok && !docker.IsNull() && docker.Type().IsObjectType() {
			if s := attrString(docker, "image"); s != "" {
				return s, sb.Addr().String() + ".docker.image"
			}
		}
		if v, ok := exported(sb, "image_tag"); ok && !v.IsNull() && v.Type() == cty.String {
			return v.AsString(), sb.Addr().String() + ".image_tag"
		}
		return sandboximg.DefaultTag, sb.Addr().String() + " (default tag)"
	}
	return "", ""
}

// targets lists what the container dials: the internet address, the LAN
// addresses and the host's ports on the bridge address gw.
func (r *Firewall) targets(gw netip.Addr) []target {
	v := r.s.Verify
	if v == nil {
		v = &verifyConf{}
	}
	var out []target
	if v.Internet != nil {
		a, _ := parseDialAddr(*v.Internet)
		out = append(out, target{roleInternet, a, "verify.internet"})
	} else if len(r.s.DNSServers) > 0 {
		if a, err := netip.ParseAddr(r.s.DNSServers[0]); err == nil {
			out = append(out, target{roleInternet, netip.AddrPortFrom(a, 53), "dns_servers[0], tcp/53"})
		}
	}
	out = append(out, r.lanTargets(v)...)
	if !gw.IsValid() {
		return out
	}
	for _, p := range r.hostPorts(v) {
		out = append(out, target{roleHost, netip.AddrPortFrom(gw, uint16(p)), r.s.Interface + "'s own address"})
	}
	return out
}

// lanTargets are verify.lan, or each llm_provider whose base_url is an
// address this firewall blocks (the seed dials its LLM server).
func (r *Firewall) lanTargets(v *verifyConf) []target {
	var out []target
	if v.LAN != nil {
		for _, s := range v.LAN {
			a, _ := parseDialAddr(s)
			out = append(out, target{roleLAN, a, "verify.lan"})
		}
		return out
	}
	if r.cat == nil {
		return nil
	}
	seen := map[netip.AddrPort]bool{}
	for _, l := range r.cat.OfKind("llm_provider") {
		a, ok := urlAddr(l)
		if ok && r.blocks(a.Addr()) && !seen[a] {
			seen[a] = true
			out = append(out, target{roleLAN, a, l.Addr().String() + ".base_url"})
		}
	}
	return out
}

// urlAddr is an llm_provider's base_url as IP:PORT; names are skipped.
func urlAddr(l resources.Resource) (netip.AddrPort, bool) {
	v, ok := exported(l, "base_url")
	if !ok || v.IsNull() || v.Type() != cty.String {
		return netip.AddrPort{}, false
	}
	u, err := url.Parse(v.AsString())
	if err != nil {
		return netip.AddrPort{}, false
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil || a.Zone() != "" {
		return netip.AddrPort{}, false
	}
	port := map[string]uint16{"http": 80, "https": 443}[u.Scheme]
	if p, err := strconv.ParseUint(u.Port(), 10, 16); err == nil {
		port = uint16(p)
	}
	return netip.AddrPortFrom(a.Unmap(), port), port != 0
}

// hostPorts are verify.host_ports, or the gateway blocks' ports (OpenClaw's
// own 18789 without one), leaving out ports allow_host opens on purpose.
func (r *Firewall) hostPorts(v *verifyConf) []int {
	if v.HostPorts != nil {
		return v.HostPorts
	}
	ports := []int{}
	if r.cat != nil {
		for _, gw := range r.cat.OfKind("gateway") {
			if p, ok := exported(gw, "port"); ok && !p.IsNull() && p.Type() == cty.Number {
				if n, acc := p.AsBigFloat().Int64(); acc == big.Exact {
					ports = append(ports, int(n))
				}
			}
		}
	}
	if len(ports) == 0 {
		ports = []int{defaultGatewayPort}
	}
	var out []int
	for _, p := range ports {
		if !r.allowsHost(p) {
			out = append(out, p)
		}
	}
	return out
}

func (r *Firewall) allowsHost(port int) bool {
	for _, a := range r.d.allows {
		if a.Proto == "tcp" && int(a.Port) == port {
			return true
		}
	}
	return false
}

func attrString(v cty.Value, name string) string {
	if !v.Type().HasAttribute(name) {
		return ""
	}
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}
