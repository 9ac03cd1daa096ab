package firewall

import "golang.org/x/sys/unix"

// nhAliases name network-header fields once the rule has checked the
// family (nft's implicit dependency): "meta nfproto ipv4 @nh,128,32" is
// "ip daddr".
var nhAliases = map[byte]map[string]string{
	unix.NFPROTO_IPV4: {"@nh,96,32": "ip saddr", "@nh,128,32": "ip daddr"},
	unix.NFPROTO_IPV6: {"@nh,64,128": "ip6 saddr", "@nh,192,128": "ip6 daddr"},
}

// elide folds the protocol checks nft adds implicitly into the names it
// prints: "meta l4proto tcp th dport 53" is "tcp dport 53", and "meta
// nfproto ipv6 meta l4proto ipv6-icmp @th,0,8 135" is "icmpv6 type
// nd-neighbor-solicit". A field read without its check keeps its raw
// name, so the text stays unambiguous.
func elide(ts []token) []token {
	var out []token
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		next := func(k int) token {
			if i+k < len(ts) {
				return ts[i+k]
			}
			return token{}
		}
		if fam, ok := t.eqByte("meta nfproto"); ok {
			n := next(1)
			if alias := nhAliases[fam][n.sel]; alias != "" && n.stmt == "" {
				n.sel = alias
				out = append(out, n)
				i++
				continue
			}
			if l4, ok := n.eqByte("meta l4proto"); ok && fam == unix.NFPROTO_IPV6 && l4 == unix.IPPROTO_ICMPV6 && next(2).sel == "@th,0,8" {
				n = next(2)
				n.sel = "icmpv6 type"
				out = append(out, n)
				i += 2
				continue
			}
		}
		if l4, ok := t.eqByte("meta l4proto"); ok && (l4 == unix.IPPROTO_TCP || l4 == unix.IPPROTO_UDP) {
			if n := next(1); (n.sel == "th dport" || n.sel == "th sport") && n.stmt == "" {
				n.sel = l4Names[l4] + n.sel[2:]
				out = append(out, n)
				i++
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// eqByte reports the one-byte value t requires of sel, if t is exactly that.
func (t token) eqByte(sel string) (byte, bool) {
	if t.sel != sel || t.op != "" || t.set != "" || t.stmt != "" || len(t.val) != 1 {
		return 0, false
	}
	return t.val[0], true
}
