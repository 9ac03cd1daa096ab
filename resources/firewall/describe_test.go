package firewall

import (
	"reflect"
	"testing"

	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// toRaw serializes expressions as the kernel stores them.
func toRaw(t *testing.T, exprs ...expr.Any) []rawExpr {
	t.Helper()
	var out []rawExpr
	for _, e := range exprs {
		b, err := expr.Marshal(unix.NFPROTO_INET, e)
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		buf = append(buf, byte(len(b)+4), byte((len(b)+4)>>8), 1, 0x80) // NFTA_LIST_ELEM | NLA_F_NESTED
		buf = append(buf, b...)
		for len(buf)%4 != 0 {
			buf = append(buf, 0)
		}
		got, err := ruleExprs(buf)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got...)
	}
	return out
}

func TestDescribe(t *testing.T) {
	nh16 := &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4}
	cases := []struct {
		exprs []expr.Any
		want  string
	}{
		{cat(daddrIn(false, "private_ipv4", 0), drop), "ip daddr @private_ipv4 drop"},
		{cat(daddrIn(true, "private_ipv6", 0), drop), "ip6 daddr @private_ipv6 drop"},
		// Without the family check the same load is a different rule in inet.
		{cat(nh16, &expr.Lookup{SourceRegister: 1, SetName: "s"}, drop), "@nh,128,32 @s drop"},
		{cat(nfproto(unix.NFPROTO_IPV4), nh16, &expr.Cmp{Register: 1, Data: []byte{10, 0, 0, 1}}, accept), "ip daddr 10.0.0.1 accept"},
		{cat(nfproto(unix.NFPROTO_IPV4), nh16, &expr.Lookup{SourceRegister: 1, SetName: "s", Invert: true}), "ip daddr != @s"},
		{cat(ifname(expr.MetaKeyIIFNAME, "docker0"), ifname(expr.MetaKeyOIFNAME, "docker0"), accept), `iifname "docker0" oifname "docker0" accept`},
		{cat(&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1}, &expr.Cmp{Register: 1, Data: []byte("veth")}), `iifname "veth*"`},
		{cat(dport(unix.IPPROTO_TCP, 53), drop), "tcp dport 53 drop"},
		{cat(dport(unix.IPPROTO_UDP, 8080)[2:], accept), "th dport 8080 accept"},
		{cat(dport(unix.IPPROTO_TCP, 53)[:2]), "meta l4proto tcp"},
		{cat(ctReply(), accept), "ct direction reply accept"},
		{cat(icmpv6Type(135), accept), "icmpv6 type nd-neighbor-solicit accept"},
		{cat(icmpv6Type(135)[2:], accept), "meta l4proto ipv6-icmp @th,0,8 0x87 accept"},
		{cat(&expr.Counter{Packets: 7}, &expr.Verdict{Kind: expr.VerdictJump, Chain: "x"}), "counter jump x"},
		{cat(&expr.Cmp{Register: 3, Data: []byte{1}}), "reg 3 0x01"},
	}
	for _, c := range cases {
		if got := describe(unix.NFPROTO_INET, toRaw(t, c.exprs...)); got != c.want {
			t.Errorf("describe = %q, want %q", got, c.want)
		}
	}
	// An expression clawplan does not render keeps its bytes in the text,
	// so two different ones never compare equal.
	a := describe(unix.NFPROTO_INET, toRaw(t, &expr.Limit{Rate: 1, Unit: expr.LimitTimeSecond}))
	b := describe(unix.NFPROTO_INET, toRaw(t, &expr.Limit{Rate: 2, Unit: expr.LimitTimeSecond}))
	if a == b || a[:6] != "limit(" {
		t.Errorf("unknown expressions not kept apart: %q vs %q", a, b)
	}
}

// TestRenderedRules pins the table a block renders: the seed's forward
// chain with the fixes, the input chain, allow_host and IPv6 DNS.
func TestRenderedRules(t *testing.T) {
	r := decode(t, `firewall "sandbox" {
  interface   = "br-sbx"
  dns_servers = ["1.1.1.1", "2606:4700:4700::1111"]
  allow_host  = [{ port = 11434 }, { protocol = "udp", port = 5353 }]
}`)
	var got []string
	for _, c := range r.wantM.Chains {
		for _, rule := range c.Rules {
			got = append(got, c.Name+"/"+rule.Name+": "+rule.Text)
		}
	}
	want := []string{
		`forward/bridge_internal: iifname "br-sbx" oifname "br-sbx" accept`,
		`forward/drop_private_ipv4: iifname "br-sbx" ip daddr @private_ipv4 drop`,
		`forward/drop_private_ipv6: iifname "br-sbx" ip6 daddr @private_ipv6 drop`,
		`forward/dns_tcp: iifname "br-sbx" ip daddr @dns_servers tcp dport 53 accept`,
		`forward/dns_udp: iifname "br-sbx" ip daddr @dns_servers udp dport 53 accept`,
		`forward/dns6_tcp: iifname "br-sbx" ip6 daddr @dns_servers_v6 tcp dport 53 accept`,
		`forward/dns6_udp: iifname "br-sbx" ip6 daddr @dns_servers_v6 udp dport 53 accept`,
		`forward/drop_other_dns_tcp: iifname "br-sbx" tcp dport 53 drop`,
		`forward/drop_other_dns_udp: iifname "br-sbx" udp dport 53 drop`,
		`forward/allow_internet: iifname "br-sbx" accept`,
		`input/replies_to_host: iifname "br-sbx" ct direction reply accept`,
		`input/ipv6_neighbor_solicit: iifname "br-sbx" icmpv6 type nd-neighbor-solicit accept`,
		`input/ipv6_neighbor_advert: iifname "br-sbx" icmpv6 type nd-neighbor-advert accept`,
		`input/allow_host_tcp_11434: iifname "br-sbx" tcp dport 11434 accept`,
		`input/allow_host_udp_5353: iifname "br-sbx" udp dport 5353 accept`,
		`input/drop_to_host: iifname "br-sbx" drop`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules:\n%q\nwant\n%q", got, want)
	}
	dns6, _ := r.wantM.set(setDNS6)
	if !reflect.DeepEqual(dns6.Elements, []string{"2606:4700:4700::1111"}) || r.wantM.Comment != "managed by clawplan: firewall.sandbox" {
		t.Errorf("dns_servers_v6 = %v, comment %q", dns6.Elements, r.wantM.Comment)
	}
	for _, c := range r.wantM.Chains {
		if want := "type filter hook " + c.Name + " priority 0; policy accept;"; c.Decl != want {
			t.Errorf("chain %s: %q, want %q", c.Name, c.Decl, want)
		}
	}
}
