package network

import (
	"net/netip"

	"github.com/hashicorp/hcl/v2"
)

// addresses checks each address: an IP with its prefix length, usable by a
// host, and not listed twice.
func (v *validator) addresses() {
	seen := map[netip.Addr]int{}
	for i, s := range v.cfg.Addresses {
		at := v.at.elem("addresses", i)
		p, problem := parsePrefix(s)
		if problem != "" {
			v.errorf(at, "Invalid address", "addresses[%d] %s", i, problem)
			continue
		}
		if j, dup := seen[p.Addr()]; dup {
			v.errorf(at, "Duplicate address", "%s is listed twice (addresses[%d] and addresses[%d]); remove one.", p.Addr(), j, i)
			continue
		}
		seen[p.Addr()] = i
		v.hostPart(p, at)
	}
}

// hostPart warns about an IPv4 address that is its subnet's network or
// broadcast address: legal, but almost always a typo for a host address.
func (v *validator) hostPart(p netip.Prefix, at *hcl.Range) {
	if !p.Addr().Is4() || p.Bits() > 30 {
		return
	}
	network := p.Masked().Addr()
	last := lastAddr(p)
	if p.Addr() == network || p.Addr() == last {
		v.warnf(at, "Address is not a host address",
			"%s is the network or broadcast address of %s; a host address lies between %s and %s.", p, p.Masked(), network.Next(), last.Prev())
	}
}

// gateway checks that the default route's next hop is an address the host
// can reach on-link: same family as one of its addresses, inside its subnet.
func (v *validator) gateway() {
	if v.cfg.Gateway == "" {
		return
	}
	at := v.at.at("gateway")
	gw, problem := parseAddr(v.cfg.Gateway)
	if problem != "" {
		v.errorf(at, "Invalid gateway", "gateway %s", problem)
		return
	}
	prefixes := v.prefixes(gw.Is4())
	if len(prefixes) == 0 {
		v.errorf(at, "Gateway of the wrong IP family",
			"gateway %s is %s, but addresses has no %s address, so the host could not reach it. Add one to addresses, or use the router's %s address.", gw, family(gw), family(gw), familyOther(gw))
		return
	}
	for _, p := range prefixes {
		if p.Addr() == gw {
			v.errorf(at, "Gateway is this host", "gateway %s is one of this host's own addresses; the gateway is the router's address, for example the .1 of your subnet.", gw)
			return
		}
	}
	v.onLink(gw, prefixes, at)
}

// onLink checks that gw lies in one of the host's subnets. An IPv6 router
// is often link-local (fe80::1), which is always on-link.
func (v *validator) onLink(gw netip.Addr, prefixes []netip.Prefix, at *hcl.Range) {
	for _, p := range prefixes {
		if p.Masked().Contains(gw) {
			return
		}
	}
	if gw.Is6() && gw.IsLinkLocalUnicast() {
		return
	}
	msg := "gateway %s is outside every %s subnet in addresses (%s), so the kernel cannot reach it directly. Use the router's address inside your subnet, or widen the prefix length."
	if gw.Is4() {
		v.errorf(at, "Gateway outside the subnet", msg, gw, family(gw), joinPrefixes(prefixes))
		return
	}
	v.warnf(at, "Gateway outside the subnet", msg, gw, family(gw), joinPrefixes(prefixes))
}

// nameservers checks the host's resolvers; one of a family the host has no
// address in is only reachable through addresses it learns elsewhere.
func (v *validator) nameservers() {
	v.ipList("nameservers", v.cfg.Nameservers, func(a netip.Addr, at *hcl.Range) {
		if !a.IsLoopback() && len(v.prefixes(a.Is4())) == 0 {
			v.warnf(at, "Nameserver of another IP family",
				"nameserver %s is %s, but addresses has no %s address: the host reaches it only if it learns a route some other way (router advertisements). Prefer an %s resolver.", a, family(a), family(a), familyOther(a))
		}
	})
}

// dockerDNS checks the DNS servers containers get. Loopback is the
// container itself there, so it is wrong on Docker's default bridge.
func (v *validator) dockerDNS() {
	if len(v.cfg.DockerDNS) == 0 {
		v.errorf(v.at.at("docker_dns"), "Empty docker_dns",
			"docker_dns = [] would leave containers with no DNS server. List the resolvers containers should use, e.g. [\"1.1.1.1\", \"8.8.8.8\"], or remove docker_dns to leave daemon.json alone.")
		return
	}
	v.ipList("docker_dns", v.cfg.DockerDNS, func(a netip.Addr, at *hcl.Range) {
		if a.IsLoopback() {
			v.warnf(at, "Loopback DNS server for containers",
				"%s is loopback: inside a container on the default bridge that is the container itself, not the host, so name lookups fail there. Use resolvers containers can reach, e.g. 1.1.1.1 and 8.8.8.8.", a)
		}
	})
}

// ipList checks a list of plain IP addresses, then runs extra on each
// valid, distinct one.
func (v *validator) ipList(name string, list []string, extra func(netip.Addr, *hcl.Range)) {
	seen := map[netip.Addr]int{}
	for i, s := range list {
		at := v.at.elem(name, i)
		a, problem := parseAddr(s)
		if problem != "" {
			v.errorf(at, "Invalid IP address", "%s[%d] %s", name, i, problem)
			continue
		}
		if j, dup := seen[a]; dup {
			v.errorf(at, "Duplicate IP address", "%s is listed twice in %s ([%d] and [%d]); remove one.", a, name, j, i)
			continue
		}
		seen[a] = i
		extra(a, at)
	}
}

// prefixes returns the valid addresses of one family (IPv4 when v4).
func (v *validator) prefixes(v4 bool) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range v.cfg.Addresses {
		if p, problem := parsePrefix(s); problem == "" && p.Addr().Is4() == v4 {
			out = append(out, p)
		}
	}
	return out
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

func familyOther(a netip.Addr) string {
	if a.Is4() {
		return "IPv6"
	}
	return "IPv4"
}

func joinPrefixes(ps []netip.Prefix) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.String()
	}
	return s
}

// lastAddr is the highest address of p's subnet (IPv4 broadcast).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}
