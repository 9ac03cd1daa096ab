package firewall

import (
	"bytes"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// addrRange is an inclusive range of addresses of one family.
type addrRange struct{ From, To netip.Addr }

// parseBlock reads a CIDR ("10.0.0.0/8") or a single address ("1.2.3.4").
// Host bits must be zero, so what the manifest says is what is blocked.
func parseBlock(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR range", s)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR range", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
	}
	return p, nil
}

// prefixRange is the inclusive range a prefix covers.
func prefixRange(p netip.Prefix) addrRange {
	from := p.Masked().Addr()
	b := from.AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	to, _ := netip.AddrFromSlice(b)
	return addrRange{from, to}
}

// mergeRanges sorts rs and joins overlapping and adjacent ranges: the form
// a kernel interval set accepts (it refuses overlaps) and compares by.
func mergeRanges(rs []addrRange) []addrRange {
	sorted := append([]addrRange(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].From.Less(sorted[j].From) })
	var out []addrRange
	for _, r := range sorted {
		n := len(out)
		if n > 0 {
			last := &out[n-1]
			next := last.To.Next()
			if !next.IsValid() || !next.Less(r.From) {
				if last.To.Less(r.To) {
					last.To = r.To
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// contains reports whether a lies in one of rs.
func contains(rs []addrRange, a netip.Addr) (addrRange, bool) {
	for _, r := range rs {
		if a.BitLen() == r.From.BitLen() && !a.Less(r.From) && !r.To.Less(a) {
			return r, true
		}
	}
	return addrRange{}, false
}

// String writes a range as nft does: a CIDR when it is one, else FROM-TO.
func (r addrRange) String() string {
	for bits := 0; bits <= r.From.BitLen(); bits++ {
		p := netip.PrefixFrom(r.From, bits)
		if p.Masked().Addr() == r.From && prefixRange(p).To == r.To {
			if bits == r.From.BitLen() {
				return r.From.String()
			}
			return p.String()
		}
	}
	return r.From.String() + "-" + r.To.String()
}

// rangeStrings renders ranges for plans and the persisted file.
func rangeStrings(rs []addrRange) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

// element is one set element as the kernel holds it: a key, and for
// interval sets whether it closes a range (an "interval end").
type element struct {
	Key []byte
	End bool
}

// intervalElements encodes merged ranges as kernel interval-set elements:
// a start element per range and an end element one past its last address
// (none when the range runs to the top of the address space).
func intervalElements(rs []addrRange) []element {
	var out []element
	for _, r := range rs {
		out = append(out, element{Key: r.From.AsSlice()})
		if next := r.To.Next(); next.IsValid() {
			out = append(out, element{Key: next.AsSlice(), End: true})
		}
	}
	return out
}

// intervalRanges decodes interval-set elements, in any order, back into
// ranges. An end element without an open range (nft adds one at address
// zero) is ignored; an open range at the end runs to the top.
func intervalRanges(elems []element) []addrRange {
	sorted := append([]element(nil), elems...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if c := bytes.Compare(sorted[i].Key, sorted[j].Key); c != 0 {
			return c < 0
		}
		return sorted[i].End && !sorted[j].End
	})
	var out []addrRange
	var open *netip.Addr
	for _, e := range sorted {
		a, ok := netip.AddrFromSlice(e.Key)
		if !ok {
			continue
		}
		switch {
		case !e.End && open == nil:
			open = &a
		case e.End && open != nil:
			out = append(out, addrRange{*open, a.Prev()})
			open = nil
		}
	}
	if open != nil {
		out = append(out, addrRange{*open, lastAddr(*open)})
	}
	return mergeRanges(out)
}

// lastAddr is the highest address of a's family.
func lastAddr(a netip.Addr) netip.Addr {
	b := a.AsSlice()
	for i := range b {
		b[i] = 0xff
	}
	top, _ := netip.AddrFromSlice(b)
	return top
}
