package network

import (
	"fmt"
	"net/netip"
)

// parsePrefix reads a host address with its prefix length ("192.0.2.10/24").
// problem, when not empty, completes a sentence about the value and says
// how to fix it.
func parsePrefix(s string) (p netip.Prefix, problem string) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil && a.Zone() == "" {
			return p, fmt.Sprintf("%q has no prefix length: write it with the subnet's size, e.g. %q.", s, a.String()+defaultBits(a))
		}
		return p, fmt.Sprintf("%q is not an address in CIDR notation (address/prefix length), e.g. \"192.168.1.50/24\" or \"2001:db8::50/64\".", s)
	}
	if p.Bits() == 0 {
		return p, fmt.Sprintf("%q has prefix length 0, which is not a host address; use the subnet's size, e.g. /24.", s)
	}
	return p, usable(p.Addr(), s)
}

// parseAddr reads a plain IP address ("192.0.2.1").
func parseAddr(s string) (a netip.Addr, problem string) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		if p, perr := netip.ParsePrefix(s); perr == nil {
			return a, fmt.Sprintf("%q has a prefix length; write the address alone: %q.", s, p.Addr().String())
		}
		return a, fmt.Sprintf("%q is not an IP address, e.g. \"192.168.1.1\" or \"2001:db8::1\".", s)
	}
	if a.Zone() != "" {
		return a, fmt.Sprintf("%q has an interface zone (%%%s); leave it out: %q.", s, a.Zone(), a.WithZone("").String())
	}
	return a, usable(a, s)
}

// usable rejects addresses no host, router or resolver can have.
func usable(a netip.Addr, s string) string {
	switch {
	case a.Is4In6():
		return fmt.Sprintf("%q is an IPv4-mapped IPv6 address; write the IPv4 form %q.", s, a.Unmap().String())
	case a.IsUnspecified():
		return fmt.Sprintf("%q is the unspecified address, which no host has.", s)
	case a.IsMulticast():
		return fmt.Sprintf("%q is a multicast address, which no host has as its own.", s)
	}
	return ""
}

func defaultBits(a netip.Addr) string {
	if a.Is4() {
		return "/24"
	}
	return "/64"
}
