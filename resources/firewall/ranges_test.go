package firewall

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func ranges(t *testing.T, cidrs ...string) []addrRange {
	t.Helper()
	var out []addrRange
	for _, c := range cidrs {
		if from, to, ok := strings.Cut(c, "-"); ok {
			out = append(out, addrRange{netip.MustParseAddr(from), netip.MustParseAddr(to)})
			continue
		}
		p, err := parseBlock(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, prefixRange(p))
	}
	return out
}

func TestParseBlock(t *testing.T) {
	for in, want := range map[string]string{"10.0.0.0/8": "10.0.0.0/8", "1.2.3.4": "1.2.3.4/32", "fc00::/7": "fc00::/7", " 8.8.8.8 ": "8.8.8.8/32"} {
		p, err := parseBlock(in)
		if err != nil || p.String() != want {
			t.Errorf("parseBlock(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"10.1.2.3/8", "10.0.0.0/33", "example.com", "fe80::1%eth0", ""} {
		if _, err := parseBlock(in); err == nil {
			t.Errorf("parseBlock(%q) accepted", in)
		}
	}
	if _, err := parseBlock("10.1.2.3/8"); !strings.Contains(err.Error(), "10.0.0.0/8") {
		t.Errorf("host-bits error does not suggest the masked prefix: %v", err)
	}
}

func TestMergeRanges(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"10.0.0.0/8", "10.1.2.3"}, []string{"10.0.0.0/8"}},                                               // contained
		{[]string{"10.0.0.0/8", "11.0.0.0/8"}, []string{"10.0.0.0/7"}},                                             // adjacent, aligned
		{[]string{"11.0.0.0/8", "12.0.0.0/8"}, []string{"11.0.0.0-12.255.255.255"}},                                // adjacent, not a prefix
		{[]string{"192.168.0.0/16", "10.0.0.0/8", "1.1.1.1"}, []string{"1.1.1.1", "10.0.0.0/8", "192.168.0.0/16"}}, // sorted
		{[]string{"240.0.0.0/4", "255.255.255.255"}, []string{"240.0.0.0/4"}},                                      // top of the space
		{[]string{"fe80::/10", "fc00::/7", "fd00::/8"}, []string{"fc00::/7", "fe80::/10"}},
	}
	for _, c := range cases {
		if got := rangeStrings(mergeRanges(ranges(t, c.in...))); !reflect.DeepEqual(got, c.want) {
			t.Errorf("merge %v = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestIntervalElementsRoundTrip checks the kernel encoding both ways, with
// what nft itself adds: an interval end at address zero.
func TestIntervalElementsRoundTrip(t *testing.T) {
	for _, in := range [][]string{
		{"10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"},
		{"0.0.0.0/8", "240.0.0.0/4"},
		{"fc00::/7", "fe80::/10"},
		{"1.2.3.4"},
	} {
		rs := mergeRanges(ranges(t, in...))
		elems := intervalElements(rs)
		reversed := append([]element{{Key: make([]byte, len(elems[0].Key)), End: true}}, elems...)
		for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
			reversed[i], reversed[j] = reversed[j], reversed[i]
		}
		if got := rangeStrings(intervalRanges(reversed)); !reflect.DeepEqual(got, rangeStrings(rs)) {
			t.Errorf("round trip of %v = %v", in, got)
		}
	}
	top := intervalElements(ranges(t, "240.0.0.0/4"))
	if len(top) != 1 || top[0].End {
		t.Errorf("a range to the top of the space has no end element, got %v", top)
	}
}

func TestContains(t *testing.T) {
	rs := mergeRanges(ranges(t, "10.0.0.0/8", "fc00::/7"))
	for addr, want := range map[string]bool{"10.250.1.2": true, "11.0.0.1": false, "fd00::1": true, "2001:db8::1": false} {
		if _, got := contains(rs, netip.MustParseAddr(addr)); got != want {
			t.Errorf("contains(%s) = %v", addr, got)
		}
	}
}
