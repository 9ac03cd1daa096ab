package firewall

import (
	"reflect"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/google/nftables/expr"
)

// liveWith renders r's table after edit, as a stand-in for a live table
// someone changed by hand.
func liveWith(t *testing.T, r *Firewall, edit func(*tableSpec)) tableModel {
	t.Helper()
	spec := wantTable(r.s.Table, r.addr.String(), r.s.Interface, r.d)
	edit(&spec)
	objs, err := spec.objects()
	if err != nil {
		t.Fatal(err)
	}
	return modelOf(objs)
}

func paths(cs []resources.AttrChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Path)
	}
	return out
}

func ruleIndex(spec *tableSpec, name string) int {
	for i, r := range spec.Rules {
		if r.Name == name {
			return i
		}
	}
	panic(name)
}

func TestCompareNamesWhatDiffers(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	cases := []struct {
		name string
		edit func(*tableSpec)
		want []string
	}{
		{"identical", func(*tableSpec) {}, nil},
		{"drop turned into accept", func(s *tableSpec) {
			i := ruleIndex(s, "drop_private_ipv4")
			s.Rules[i].Exprs[len(s.Rules[i].Exprs)-1] = accept
		}, []string{"rule.forward.drop_private_ipv4"}},
		{"rule replaced without its comment", func(s *tableSpec) {
			s.Rules[ruleIndex(s, "dns_udp")].Name = "" // no comment at all
		}, []string{"rule.forward.dns_udp"}},
		{"rule missing", func(s *tableSpec) {
			i := ruleIndex(s, "drop_to_host")
			s.Rules = append(s.Rules[:i], s.Rules[i+1:]...)
		}, []string{"rule.input.drop_to_host"}},
		{"foreign rule inserted first", func(s *tableSpec) {
			s.Rules = append([]ruleSpec{{Chain: chainFwd, Name: "", Exprs: cat(ifname(expr.MetaKeyIIFNAME, "docker0"), accept)}}, s.Rules...)
		}, []string{"rule.forward[0]"}},
		{"rules reordered", func(s *tableSpec) {
			i, j := ruleIndex(s, "dns_tcp"), ruleIndex(s, "dns_udp")
			s.Rules[i], s.Rules[j] = s.Rules[j], s.Rules[i]
		}, []string{"rule.forward.order"}},
		{"element removed", func(s *tableSpec) {
			s.Sets[0].Elems = s.Sets[0].Elems[2:]
		}, []string{"set.private_ipv4.elements"}},
		{"set missing", func(s *tableSpec) { s.Sets = s.Sets[:3] }, []string{"set.dns_servers_v6"}},
		{"owner comment gone", func(s *tableSpec) { s.Comment = "" }, []string{"table"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := compareTables(r.wantM, liveWith(t, r, c.edit))
			if !reflect.DeepEqual(paths(got), c.want) {
				t.Errorf("changes %v, want %v: %+v", paths(got), c.want, got)
			}
		})
	}
}

func TestCompareShowsBeforeAndAfter(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	live := liveWith(t, r, func(s *tableSpec) {
		i := ruleIndex(s, "drop_private_ipv4")
		s.Rules[i].Exprs[len(s.Rules[i].Exprs)-1] = accept
		s.Sets[0].Elems = s.Sets[0].Elems[2:] // 10.0.0.0/8 gone
	})
	got := compareTables(r.wantM, live)
	want := []resources.AttrChange{
		{Path: "set.private_ipv4.elements",
			Before: []any{"100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"},
			After:  []any{"10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"}},
		{Path: "rule.forward.drop_private_ipv4",
			Before: `iifname "docker0" ip daddr @private_ipv4 accept`,
			After:  `iifname "docker0" ip daddr @private_ipv4 drop`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

func TestCompareChainHook(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	live := r.wantM
	live.Chains = append([]chainModel(nil), live.Chains...)
	live.Chains[0].Decl = "type filter hook forward priority 10; policy drop;"
	if got := paths(compareTables(r.wantM, live)); !reflect.DeepEqual(got, []string{"chain.forward.hook"}) {
		t.Errorf("changes %v", got)
	}
	live.Chains = r.wantM.Chains[:1]
	if got := paths(compareTables(r.wantM, live)); !reflect.DeepEqual(got, []string{"chain.input"}) {
		t.Errorf("changes %v", got)
	}
}
