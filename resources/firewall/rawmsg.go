package firewall

import (
	"fmt"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// rawMsg is one nftables object (table, set, set elements, chain, rule) as
// netlink attributes. Dumps are kept in this form so that a snapshot puts
// back exactly what the kernel held, expressions clawplan does not know
// included; it is plain JSON, so a new process can restore it.
type rawMsg struct {
	Type   uint16    `json:"type"` // NFT_MSG_NEW{TABLE,SET,SETELEM,CHAIN,RULE}
	Family uint8     `json:"family"`
	Attrs  []rawAttr `json:"attrs"`
}

// rawAttr is one attribute, its type with the nested flag kept.
type rawAttr struct {
	Type uint16 `json:"t"`
	Data []byte `json:"d"`
}

// kept lists, per object type, the attributes a snapshot replays: the
// object's definition, not the kernel's bookkeeping (handles, use counts,
// ids, positions, counters of chains).
var kept = map[uint16]map[uint16]bool{
	unix.NFT_MSG_NEWTABLE:   {unix.NFTA_TABLE_NAME: true, unix.NFTA_TABLE_FLAGS: true, nftaTableUserdata: true},
	unix.NFT_MSG_NEWSET:     {1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 11: true, 12: true, 13: true, 15: true, 17: true, 18: true},
	unix.NFT_MSG_NEWSETELEM: {unix.NFTA_SET_ELEM_LIST_TABLE: true, unix.NFTA_SET_ELEM_LIST_SET: true, unix.NFTA_SET_ELEM_LIST_ELEMENTS: true},
	unix.NFT_MSG_NEWCHAIN:   {unix.NFTA_CHAIN_TABLE: true, unix.NFTA_CHAIN_NAME: true, unix.NFTA_CHAIN_HOOK: true, unix.NFTA_CHAIN_POLICY: true, unix.NFTA_CHAIN_TYPE: true, nftaChainUserdata: true},
	unix.NFT_MSG_NEWRULE:    {unix.NFTA_RULE_TABLE: true, unix.NFTA_RULE_CHAIN: true, unix.NFTA_RULE_EXPRESSIONS: true, unix.NFTA_RULE_COMPAT: true, unix.NFTA_RULE_USERDATA: true},
}

// Attribute numbers x/sys/unix does not name.
const (
	nftaTableUserdata = 6
	nftaChainUserdata = 12
	nfnlBatchGenID    = 1 // NFNL_BATCH_GENID
	tableFlagDormant  = 1 // NFT_TABLE_F_DORMANT; owner and persist bits tie a table to a socket
)

// fromMessage reads a dumped or recorded netlink message.
func fromMessage(m netlink.Message) (rawMsg, error) {
	if len(m.Data) < 4 {
		return rawMsg{}, fmt.Errorf("short nftables message")
	}
	attrs, err := netlink.UnmarshalAttributes(m.Data[4:])
	if err != nil {
		return rawMsg{}, err
	}
	r := rawMsg{Type: uint16(m.Header.Type) & 0xff, Family: m.Data[0]}
	for _, a := range attrs {
		r.Attrs = append(r.Attrs, rawAttr{Type: a.Type, Data: a.Data})
	}
	return r, nil
}

// replayable keeps only the definition attributes of a dumped object.
func (r rawMsg) replayable() rawMsg {
	out := rawMsg{Type: r.Type, Family: r.Family}
	for _, a := range r.Attrs {
		if !kept[r.Type][a.Type&attrMask] {
			continue
		}
		if r.Type == unix.NFT_MSG_NEWTABLE && a.Type&attrMask == unix.NFTA_TABLE_FLAGS && len(a.Data) == 4 {
			a.Data = be32(be32val(a.Data) & tableFlagDormant)
		}
		out.Attrs = append(out.Attrs, a)
	}
	return out
}

const attrMask = 0x3fff // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER

// attr returns the data of the first attribute of type t.
func (r rawMsg) attr(t uint16) ([]byte, bool) {
	for _, a := range r.Attrs {
		if a.Type&attrMask == t {
			return a.Data, true
		}
	}
	return nil, false
}

// str returns a NUL-terminated string attribute.
func (r rawMsg) str(t uint16) string {
	b, _ := r.attr(t)
	return cstr(b)
}

// request turns r into a netlink request that creates the object.
func (r rawMsg) request() (netlink.Message, error) {
	attrs := make([]netlink.Attribute, len(r.Attrs))
	for i, a := range r.Attrs {
		attrs[i] = netlink.Attribute{Type: a.Type, Data: a.Data}
	}
	b, err := netlink.MarshalAttributes(attrs)
	if err != nil {
		return netlink.Message{}, err
	}
	flags := netlink.Request | netlink.Acknowledge
	switch r.Type {
	case unix.NFT_MSG_NEWTABLE, unix.NFT_MSG_NEWSET, unix.NFT_MSG_NEWSETELEM, unix.NFT_MSG_NEWCHAIN:
		flags |= netlink.Create
	case unix.NFT_MSG_NEWRULE:
		flags |= netlink.Create | unix.NLM_F_APPEND
	}
	return netlink.Message{
		Header: netlink.Header{Type: nftType(r.Type), Flags: flags},
		Data:   append(nfgen(r.Family), b...),
	}, nil
}

func nftType(msg uint16) netlink.HeaderType {
	return netlink.HeaderType(unix.NFNL_SUBSYS_NFTABLES<<8 | msg)
}

// nfgen is the nfgenmsg header every nftables message starts with.
func nfgen(family uint8) []byte { return []byte{family, unix.NFNETLINK_V0, 0, 0} }

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func be32val(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
