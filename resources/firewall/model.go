package firewall

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/google/nftables/userdata"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// tableModel is a table reduced to what it does: the form probes compare
// and fingerprints hash. Handles, use counts, set ids and element order
// are gone; rules are nft-like text (see describe).
type tableModel struct {
	Exists  bool         `json:"exists"`
	Comment string       `json:"comment,omitempty"`
	Sets    []setModel   `json:"sets,omitempty"`
	Chains  []chainModel `json:"chains,omitempty"`
}

type setModel struct {
	Name     string   `json:"name"`
	Decl     string   `json:"decl"` // "type ipv4_addr; flags interval"
	Elements []string `json:"elements"`
}

type chainModel struct {
	Name  string      `json:"name"`
	Decl  string      `json:"decl"` // "type filter hook forward priority 0; policy accept"
	Rules []ruleModel `json:"rules"`
}

type ruleModel struct {
	// Name is the clawplan rule name from the "clawplan:NAME" comment, or "".
	Name    string `json:"name,omitempty"`
	Comment string `json:"comment,omitempty"`
	Text    string `json:"text"`
}

// rulePrefix starts the comment that names each of clawplan's rules.
const rulePrefix = "clawplan:"

// modelOf reduces a table's objects (dumped or rendered) to its model.
func modelOf(msgs []rawMsg) tableModel {
	m := tableModel{}
	elems := map[string][]element{}
	setKeys := map[string]bool{} // set name -> interval
	chainIdx := map[string]int{}
	for _, o := range msgs {
		switch o.Type {
		case unix.NFT_MSG_NEWTABLE:
			m.Exists = true
			ud, _ := o.attr(nftaTableUserdata)
			m.Comment, _ = userdata.GetString(ud, userdata.TypeComment)
		case unix.NFT_MSG_NEWSET:
			s, interval := setDecl(o)
			setKeys[s.Name] = interval
			m.Sets = append(m.Sets, s)
		case unix.NFT_MSG_NEWSETELEM:
			name := o.str(unix.NFTA_SET_ELEM_LIST_SET)
			elems[name] = append(elems[name], setElements(o)...)
		case unix.NFT_MSG_NEWCHAIN:
			chainIdx[o.str(unix.NFTA_CHAIN_NAME)] = len(m.Chains)
			m.Chains = append(m.Chains, chainModel{Name: o.str(unix.NFTA_CHAIN_NAME), Decl: chainDecl(o), Rules: []ruleModel{}})
		case unix.NFT_MSG_NEWRULE:
			if i, ok := chainIdx[o.str(unix.NFTA_RULE_CHAIN)]; ok {
				m.Chains[i].Rules = append(m.Chains[i].Rules, ruleOf(o))
			}
		}
	}
	for i, s := range m.Sets {
		m.Sets[i].Elements = elementStrings(elems[s.Name], setKeys[s.Name])
	}
	sort.Slice(m.Sets, func(i, j int) bool { return m.Sets[i].Name < m.Sets[j].Name })
	sort.Slice(m.Chains, func(i, j int) bool { return m.Chains[i].Name < m.Chains[j].Name })
	return m
}

var keyTypes = map[uint32]string{7: "ipv4_addr", 8: "ipv6_addr", 13: "inet_service", 12: "inet_proto", 9: "ether_addr", 19: "mark", 20: "ifname"}

// setDecl describes a set's type and flags.
func setDecl(o rawMsg) (setModel, bool) {
	key, _ := o.attr(unix.NFTA_SET_KEY_TYPE)
	klen, _ := o.attr(unix.NFTA_SET_KEY_LEN)
	typ, ok := keyTypes[be32val(key)]
	if !ok {
		typ = fmt.Sprintf("0x%x/%d", be32val(key), be32val(klen))
	}
	fl, _ := o.attr(unix.NFTA_SET_FLAGS)
	flags := be32val(fl)
	var names []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{{unix.NFT_SET_CONSTANT, "constant"}, {unix.NFT_SET_INTERVAL, "interval"}, {unix.NFT_SET_TIMEOUT, "timeout"}, {unix.NFT_SET_EVAL, "dynamic"}, {unix.NFT_SET_MAP, "map"}, {unix.NFT_SET_ANONYMOUS, "anonymous"}} {
		if flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	decl := "type " + typ
	if len(names) > 0 {
		decl += "; flags " + strings.Join(names, ",")
	}
	return setModel{Name: o.str(unix.NFTA_SET_NAME), Decl: decl}, flags&unix.NFT_SET_INTERVAL != 0
}

// setElements reads the elements of one NEWSETELEM object.
func setElements(o rawMsg) []element {
	list, _ := o.attr(unix.NFTA_SET_ELEM_LIST_ELEMENTS)
	items, _ := netlink.UnmarshalAttributes(list)
	var out []element
	for _, it := range items {
		attrs, _ := netlink.UnmarshalAttributes(it.Data)
		var e element
		for _, a := range attrs {
			switch a.Type & attrMask {
			case unix.NFTA_SET_ELEM_KEY:
				if vals, _ := netlink.UnmarshalAttributes(a.Data); len(vals) > 0 {
					e.Key = vals[0].Data
				}
			case unix.NFTA_SET_ELEM_FLAGS:
				e.End = be32val(a.Data)&unix.NFT_SET_ELEM_INTERVAL_END != 0
			}
		}
		out = append(out, e)
	}
	return out
}

// elementStrings writes a set's content: merged ranges for interval sets,
// sorted values otherwise.
func elementStrings(elems []element, interval bool) []string {
	if interval {
		return rangeStrings(intervalRanges(elems))
	}
	out := []string{}
	for _, e := range elems {
		out = append(out, keyString(e.Key))
	}
	sort.Strings(out)
	return out
}

func keyString(k []byte) string {
	if a, ok := netip.AddrFromSlice(k); ok {
		return a.String()
	}
	if len(k) == 2 {
		return strconv.Itoa(int(binary.BigEndian.Uint16(k)))
	}
	return "0x" + hex.EncodeToString(k)
}

var hookNames = map[uint32]string{unix.NF_INET_PRE_ROUTING: "prerouting", unix.NF_INET_LOCAL_IN: "input",
	unix.NF_INET_FORWARD: "forward", unix.NF_INET_LOCAL_OUT: "output", unix.NF_INET_POST_ROUTING: "postrouting"}

// chainDecl describes a base chain's hook as nft writes it; "" for a
// regular chain.
func chainDecl(o rawMsg) string {
	hook, ok := o.attr(unix.NFTA_CHAIN_HOOK)
	if !ok {
		return ""
	}
	attrs, _ := netlink.UnmarshalAttributes(hook)
	var num, prio uint32
	var dev string
	for _, a := range attrs {
		switch a.Type & attrMask {
		case unix.NFTA_HOOK_HOOKNUM:
			num = be32val(a.Data)
		case unix.NFTA_HOOK_PRIORITY:
			prio = be32val(a.Data)
		case unix.NFTA_HOOK_DEV:
			dev = cstr(a.Data)
		}
	}
	name := hookNames[num]
	if name == "" {
		name = strconv.Itoa(int(num))
	}
	decl := fmt.Sprintf("type %s hook %s", o.str(unix.NFTA_CHAIN_TYPE), name)
	if dev != "" {
		decl += " device " + strconv.Quote(dev)
	}
	decl += fmt.Sprintf(" priority %d;", int32(prio))
	if pol, ok := o.attr(unix.NFTA_CHAIN_POLICY); ok {
		decl += map[uint32]string{0: " policy drop;", 1: " policy accept;"}[be32val(pol)]
	}
	return decl
}

// ruleOf describes one rule and reads its comment.
func ruleOf(o rawMsg) ruleModel {
	b, _ := o.attr(unix.NFTA_RULE_EXPRESSIONS)
	exprs, err := ruleExprs(b)
	r := ruleModel{Text: describe(o.Family, exprs)}
	if err != nil {
		r.Text = "unreadable(" + hex.EncodeToString(b) + ")"
	}
	ud, _ := o.attr(unix.NFTA_RULE_USERDATA)
	r.Comment, _ = userdata.GetString(ud, userdata.TypeComment)
	if name, ok := strings.CutPrefix(r.Comment, rulePrefix); ok {
		r.Name = name
	}
	return r
}

// chain returns the chain of that name, if the table has it.
func (m tableModel) chain(name string) (chainModel, bool) {
	for _, c := range m.Chains {
		if c.Name == name {
			return c, true
		}
	}
	return chainModel{}, false
}

// set returns the set of that name, if the table has it.
func (m tableModel) set(name string) (setModel, bool) {
	for _, s := range m.Sets {
		if s.Name == name {
			return s, true
		}
	}
	return setModel{}, false
}
