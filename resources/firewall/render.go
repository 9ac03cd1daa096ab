package firewall

import (
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Names of the table's sets and chains.
const (
	setPrivate4 = "private_ipv4"
	setPrivate6 = "private_ipv6"
	setDNS4     = "dns_servers"
	setDNS6     = "dns_servers_v6"
	chainFwd    = "forward"
	chainInput  = "input"
)

// ownerComment is the table comment that marks it as clawplan's.
func ownerComment(owner string) string { return "managed by clawplan: " + owner }

// ownerOf returns the clawplan address a table comment names, if any.
func ownerOf(comment string) (string, bool) {
	const p = "managed by clawplan: "
	if len(comment) > len(p) && comment[:len(p)] == p {
		return comment[len(p):], true
	}
	return "", false
}

type setSpec struct {
	Name     string
	V6       bool
	Interval bool
	Elems    []element
}

type ruleSpec struct {
	Chain, Name string
	Exprs       []expr.Any
}

// tableSpec is the table a firewall block wants.
type tableSpec struct {
	Name    string
	Comment string
	Sets    []setSpec
	Rules   []ruleSpec
}

// wantTable builds the seed's table with the fixes from peers.md: inet,
// interval sets, IPv6, DNS only to the listed resolvers, and an input
// chain so sandboxes cannot reach the host itself.
func wantTable(table, owner, iface string, d derived) tableSpec {
	t := tableSpec{Name: table, Comment: ownerComment(owner), Sets: []setSpec{
		{Name: setPrivate4, Interval: true, Elems: intervalElements(d.blocked4)},
		{Name: setPrivate6, V6: true, Interval: true, Elems: intervalElements(d.blocked6)},
		{Name: setDNS4, Elems: addrElements(d.dns4)},
		{Name: setDNS6, V6: true, Elems: addrElements(d.dns6)},
	}}
	in := ifname(expr.MetaKeyIIFNAME, iface)
	add := func(chain, name string, parts ...any) {
		t.Rules = append(t.Rules, ruleSpec{chain, name, cat(append([]any{in}, parts...)...)})
	}
	tcp, udp := byte(unix.IPPROTO_TCP), byte(unix.IPPROTO_UDP)
	add(chainFwd, "bridge_internal", ifname(expr.MetaKeyOIFNAME, iface), accept)
	add(chainFwd, "drop_private_ipv4", daddrIn(false, setPrivate4, 0), drop)
	add(chainFwd, "drop_private_ipv6", daddrIn(true, setPrivate6, 0), drop)
	add(chainFwd, "dns_tcp", daddrIn(false, setDNS4, 0), dport(tcp, 53), accept)
	add(chainFwd, "dns_udp", daddrIn(false, setDNS4, 0), dport(udp, 53), accept)
	add(chainFwd, "dns6_tcp", daddrIn(true, setDNS6, 0), dport(tcp, 53), accept)
	add(chainFwd, "dns6_udp", daddrIn(true, setDNS6, 0), dport(udp, 53), accept)
	add(chainFwd, "drop_other_dns_tcp", dport(tcp, 53), drop)
	add(chainFwd, "drop_other_dns_udp", dport(udp, 53), drop)
	add(chainFwd, "allow_internet", accept)
	add(chainInput, "replies_to_host", ctReply(), accept)
	add(chainInput, "ipv6_neighbor_solicit", icmpv6Type(135), accept)
	add(chainInput, "ipv6_neighbor_advert", icmpv6Type(136), accept)
	for _, a := range d.allows {
		add(chainInput, fmt.Sprintf("allow_host_%s_%d", a.Proto, a.Port), dport(map[string]byte{"tcp": tcp, "udp": udp}[a.Proto], a.Port), accept)
	}
	add(chainInput, "drop_to_host", drop)
	return t
}

func addrElements(as []netip.Addr) []element {
	var out []element
	for _, a := range as {
		out = append(out, element{Key: a.AsSlice()})
	}
	return out
}

// objects renders the table as nftables objects: the table (with its
// owner comment), sets with elements, the two base chains, the rules.
func (t tableSpec) objects() ([]rawMsg, error) {
	rec := &recorder{}
	conn, err := nftables.New(nftables.WithTestDial(rec.dial))
	if err != nil {
		return nil, err
	}
	tbl := &nftables.Table{Name: t.Name, Family: nftables.TableFamilyINet}
	for _, s := range t.Sets {
		set := &nftables.Set{Table: tbl, Name: s.Name, KeyType: nftables.TypeIPAddr, Interval: s.Interval}
		if s.V6 {
			set.KeyType = nftables.TypeIP6Addr
		}
		var elems []nftables.SetElement
		for _, e := range s.Elems {
			elems = append(elems, nftables.SetElement{Key: e.Key, IntervalEnd: e.End})
		}
		if err := conn.AddSet(set, elems); err != nil {
			return nil, err
		}
	}
	chains := map[string]*nftables.Chain{}
	for _, c := range []struct {
		name string
		hook *nftables.ChainHook
	}{{chainFwd, nftables.ChainHookForward}, {chainInput, nftables.ChainHookInput}} {
		chains[c.name] = conn.AddChain(&nftables.Chain{Name: c.name, Table: tbl, Type: nftables.ChainTypeFilter,
			Hooknum: c.hook, Priority: nftables.ChainPriorityFilter, Policy: ptr(nftables.ChainPolicyAccept)})
	}
	for _, r := range t.Rules {
		rule := &nftables.Rule{Table: tbl, Chain: chains[r.Chain], Exprs: r.Exprs}
		if r.Name != "" {
			rule.UserData = userdata.AppendString(nil, userdata.TypeComment, rulePrefix+r.Name)
		}
		conn.AddRule(rule)
	}
	if err := conn.Flush(); err != nil {
		return nil, err
	}
	head := rawMsg{Type: unix.NFT_MSG_NEWTABLE, Family: unix.NFPROTO_INET, Attrs: []rawAttr{
		{Type: unix.NFTA_TABLE_NAME, Data: []byte(t.Name + "\x00")},
		{Type: unix.NFTA_TABLE_FLAGS, Data: be32(0)},
		{Type: nftaTableUserdata, Data: userdata.AppendString(nil, userdata.TypeComment, t.Comment)},
	}}
	return append([]rawMsg{head}, rec.objects...), nil
}

// recorder stands in for the kernel while the nftables library serializes
// the table: it keeps the messages (not the batch markers) and acks them.
type recorder struct{ objects []rawMsg }

func (r *recorder) dial(req []netlink.Message) ([]netlink.Message, error) {
	var acks []netlink.Message
	for _, m := range req {
		if t := m.Header.Type; t == unix.NFNL_MSG_BATCH_BEGIN || t == unix.NFNL_MSG_BATCH_END {
			continue
		}
		o, err := fromMessage(m)
		if err != nil {
			return nil, err
		}
		r.objects = append(r.objects, o)
		if m.Header.Flags&netlink.Acknowledge != 0 {
			acks = append(acks, netlink.Message{Header: netlink.Header{Type: netlink.Error, Sequence: m.Header.Sequence, PID: m.Header.PID}, Data: make([]byte, 4)})
		}
	}
	return acks, nil
}

// requests turns rendered objects into the messages that create them.
func requests(objs []rawMsg) ([]netlink.Message, error) {
	out := make([]netlink.Message, 0, len(objs))
	for _, o := range objs {
		m, err := o.request()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
