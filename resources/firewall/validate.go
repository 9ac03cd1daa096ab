package firewall

import (
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

var (
	tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	ifName    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)
)

// allow is a parsed allow_host entry.
type allow struct {
	Proto string // "tcp" or "udp"
	Port  uint16
}

// derived is what the table is built from: the block's lists parsed,
// split by family and merged.
type derived struct {
	blocked4, blocked6 []addrRange
	dns4, dns6         []netip.Addr
	allows             []allow
}

// checker collects diagnostics that point at the block's attributes.
type checker struct {
	rng   func(string) hcl.Range
	diags hcl.Diagnostics
}

func (c *checker) add(sev hcl.DiagnosticSeverity, attr, summary, detail string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: sev, Summary: summary,
		Detail: fmt.Sprintf(detail, args...), Subject: ptr(c.rng(attr))})
}

// check validates s statically (no host I/O) and derives the table's content.
func (s settings) check(rng func(string) hcl.Range) (derived, hcl.Diagnostics) {
	c := &checker{rng: rng}
	var d derived
	if !tableName.MatchString(s.Table) {
		c.add(hcl.DiagError, "table", "Invalid table name", "Table name %q must start with a letter or underscore and contain only letters, digits and underscores (at most 64).", s.Table)
	}
	if !ifName.MatchString(s.Interface) {
		c.add(hcl.DiagError, "interface", "Invalid interface name", "Interface %q is not a Linux interface name (1-15 letters, digits, '.', '-', '_'); the sandbox bridge is usually docker0.", s.Interface)
	}
	d.blocked4 = c.blocks("private_ipv4", s.PrivateIPv4, 4)
	d.blocked6 = c.blocks("private_ipv6", s.PrivateIPv6, 6)
	extra := c.blocks("extra_blocked", s.ExtraBlocked, 0)
	for _, r := range extra {
		if r.From.Is4() {
			d.blocked4 = append(d.blocked4, r)
		} else {
			d.blocked6 = append(d.blocked6, r)
		}
	}
	d.blocked4, d.blocked6 = mergeRanges(d.blocked4), mergeRanges(d.blocked6)
	c.coverage("private_ipv4", d.blocked4, defaultPrivateIPv4)
	c.coverage("private_ipv6", d.blocked6, defaultPrivateIPv6)
	d.dns4, d.dns6 = c.dns(s.DNSServers, append(append([]addrRange(nil), d.blocked4...), d.blocked6...))
	d.allows = c.allows(s.AllowHost)
	c.paths(s)
	return d, c.diags
}

// blocks parses a list of CIDRs of family fam (4, 6, or 0 for either).
func (c *checker) blocks(attr string, list []string, fam int) []addrRange {
	var out []addrRange
	for _, s := range list {
		p, err := parseBlock(s)
		switch {
		case err != nil:
			c.add(hcl.DiagError, attr, "Invalid address range", "%s: %v. Write CIDR ranges such as 10.0.0.0/8 or fc00::/7.", attr, err)
			continue
		case fam == 4 && !p.Addr().Is4(), fam == 6 && !p.Addr().Is6(), p.Addr().Is4In6():
			c.add(hcl.DiagError, attr, "Wrong address family", "%s lists %s; put IPv4 ranges in private_ipv4, IPv6 ranges in private_ipv6, either in extra_blocked.", attr, s)
			continue
		}
		out = append(out, prefixRange(p))
	}
	return out
}

// coverage warns when a list replaced the defaults and left one of the
// seed's private ranges reachable from sandboxes.
func (c *checker) coverage(attr string, have []addrRange, defaults []string) {
	for _, s := range defaults {
		r := prefixRange(netip.MustParsePrefix(s))
		if got, ok := contains(have, r.From); !ok || got.To.Less(r.To) {
			c.add(hcl.DiagWarning, attr, "Private range not blocked", "%s no longer blocks %s: sandboxes can reach hosts there. Add it back unless that is intended.", attr, s)
		}
	}
}

// dns parses the resolvers and refuses any inside a blocked range: the
// private drop comes first, so sandboxes could never reach it.
func (c *checker) dns(list []string, blocked []addrRange) (v4, v6 []netip.Addr) {
	seen := map[netip.Addr]bool{}
	for _, s := range list {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil || a.Zone() != "" || a.Is4In6() {
			c.add(hcl.DiagError, "dns_servers", "Invalid DNS server", "dns_servers lists %q, which is not an IPv4 or IPv6 address.", s)
			continue
		}
		if r, in := contains(blocked, a); in {
			c.add(hcl.DiagError, "dns_servers", "DNS server inside a blocked range", "DNS server %s is inside the blocked range %s, and private destinations are dropped before DNS is allowed: sandboxes could not resolve names. Use public resolvers (the seed uses 1.1.1.1 and 8.8.8.8).", a, r)
		}
		if seen[a] {
			c.add(hcl.DiagError, "dns_servers", "Duplicate DNS server", "dns_servers lists %s twice; list each resolver once.", a)
			continue
		}
		seen[a] = true
		if a.Is4() {
			v4 = append(v4, a)
		} else {
			v6 = append(v6, a)
		}
	}
	if len(list) == 0 {
		c.add(hcl.DiagWarning, "dns_servers", "No DNS for sandboxes", "dns_servers is empty, so sandboxes cannot resolve names. List the resolvers Docker hands to containers (the network block's docker_dns).")
	}
	return v4, v6
}

func (c *checker) allows(list []hostAllow) []allow {
	var out []allow
	seen := map[allow]bool{}
	for _, a := range list {
		p := strings.ToLower(*a.Protocol)
		if p != "tcp" && p != "udp" {
			c.add(hcl.DiagError, "allow_host", "Invalid protocol", "allow_host protocol %q: use \"tcp\" or \"udp\".", *a.Protocol)
			continue
		}
		if a.Port < 1 || a.Port > 65535 {
			c.add(hcl.DiagError, "allow_host", "Invalid port", "allow_host port %d is outside 1-65535.", a.Port)
			continue
		}
		e := allow{p, uint16(a.Port)}
		if seen[e] {
			c.add(hcl.DiagError, "allow_host", "Duplicate allow_host entry", "allow_host lists %s/%d twice.", p, a.Port)
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	return out
}

func (c *checker) paths(s settings) {
	for attr, p := range map[string]string{"persist_file": *s.PersistFile, "nftables_conf": s.NftablesConf} {
		if !path.IsAbs(p) || strings.Contains(p, "..") || strings.ContainsAny(p, "\"\n\\") {
			c.add(hcl.DiagError, attr, "Invalid path", "%s must be an absolute path without \"..\", quotes or backslashes; got %q.", attr, p)
		}
	}
	if path.Clean(*s.PersistFile) == path.Clean(s.NftablesConf) {
		c.add(hcl.DiagError, "persist_file", "persist_file is the main nftables file", "persist_file must be a file of its own that %s includes, not %s itself.", s.NftablesConf, s.NftablesConf)
	}
}
