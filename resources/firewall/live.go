package firewall

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// liveTable is a block's table as the kernel holds it, read at one
// ruleset generation. Msgs is empty when the table does not exist. Stale
// holds other tables whose comment names the same block: what is left of
// it after its table was renamed, which it deletes.
type liveTable struct {
	Gen   uint32
	Msgs  []rawMsg
	Stale map[string][]rawMsg
}

// readTable reads the table (and, when owner is set, the stale tables of
// that owner) consistently: it reads the generation before and after the
// dumps and retries when a commit landed in between.
func readTable(c *netlink.Conn, family uint8, name, owner string) (liveTable, error) {
	var l liveTable
	gen, err := consistently(c, func() error {
		var err error
		l = liveTable{Stale: map[string][]rawMsg{}}
		if l.Msgs, err = dumpTable(c, family, name); err != nil || owner == "" {
			return err
		}
		tables, err := get(c, unix.NFT_MSG_GETTABLE, family, true)
		for _, t := range tables {
			other := t.str(unix.NFTA_TABLE_NAME)
			if other != name && modelOf([]rawMsg{t}).Comment == ownerComment(owner) && err == nil {
				l.Stale[other], err = dumpTable(c, family, other)
			}
		}
		return err
	})
	l.Gen = gen
	return l, err
}

// consistently runs read between two reads of the ruleset generation and
// retries until no commit landed in between; it returns that generation.
func consistently(c *netlink.Conn, read func() error) (uint32, error) {
	for attempt := 0; attempt < 5; attempt++ {
		before, err := generation(c)
		if err != nil {
			return 0, err
		}
		if err := read(); err != nil {
			return 0, err
		}
		after, err := generation(c)
		if err != nil {
			return 0, err
		}
		if before == after {
			return before, nil
		}
	}
	return 0, errors.New("the nftables ruleset kept changing while clawplan read it; try again")
}

// digest identifies what a block owns in the kernel: its table's model
// and its stale tables'. Apply compares it with the probed one.
func (l liveTable) digest() string {
	stale := map[string]tableModel{}
	for name, msgs := range l.Stale {
		stale[name] = modelOf(msgs)
	}
	b, _ := json.Marshal(struct {
		Table tableModel            `json:"table"`
		Stale map[string]tableModel `json:"stale,omitempty"`
	}{modelOf(l.Msgs), stale})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// staleNames lists the stale tables, sorted.
func (l liveTable) staleNames() []string {
	var out []string
	for name := range l.Stale {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// dumpTable returns the table, its sets with their elements, its chains
// and its rules (in chain order), or nothing when the table is absent.
func dumpTable(c *netlink.Conn, family uint8, name string) ([]rawMsg, error) {
	named := func(t uint16, s string) netlink.Attribute {
		return netlink.Attribute{Type: t, Data: []byte(s + "\x00")}
	}
	tables, err := get(c, unix.NFT_MSG_GETTABLE, family, false, named(unix.NFTA_TABLE_NAME, name))
	if err != nil || len(tables) == 0 {
		return nil, err
	}
	out := tables[:1]
	sets, err := get(c, unix.NFT_MSG_GETSET, family, true, named(unix.NFTA_SET_TABLE, name))
	if err != nil {
		return nil, err
	}
	for _, s := range ofTable(sets, unix.NFTA_SET_TABLE, name) {
		out = append(out, s)
		elems, err := get(c, unix.NFT_MSG_GETSETELEM, family, true,
			named(unix.NFTA_SET_ELEM_LIST_TABLE, name), named(unix.NFTA_SET_ELEM_LIST_SET, s.str(unix.NFTA_SET_NAME)))
		if err != nil {
			return nil, err
		}
		out = append(out, elems...)
	}
	for _, q := range []struct {
		msg, attr uint16
	}{{unix.NFT_MSG_GETCHAIN, unix.NFTA_CHAIN_TABLE}, {unix.NFT_MSG_GETRULE, unix.NFTA_RULE_TABLE}} {
		objs, err := get(c, q.msg, family, true, named(q.attr, name))
		if err != nil {
			return nil, err
		}
		out = append(out, ofTable(objs, q.attr, name)...)
	}
	return out, nil
}

// ofTable keeps the objects of one table (older kernels ignore the filter).
func ofTable(objs []rawMsg, tableAttr uint16, name string) []rawMsg {
	var out []rawMsg
	for _, o := range objs {
		if o.str(tableAttr) == name {
			out = append(out, o)
		}
	}
	return out
}

// withSetIDs gives every set that has none a transaction-local id: the
// kernel requires one to create a set, and dumps carry none.
func withSetIDs(objs []rawMsg) []rawMsg {
	out := make([]rawMsg, len(objs))
	id := uint32(0)
	for i, o := range objs {
		out[i] = o
		if _, ok := o.attr(unix.NFTA_SET_ID); o.Type == unix.NFT_MSG_NEWSET && !ok {
			id++
			out[i].Attrs = append(append([]rawAttr(nil), o.Attrs...), rawAttr{Type: unix.NFTA_SET_ID, Data: be32(id)})
		}
	}
	return out
}

// replaceMessages is the transaction that replaces the table with body
// (or just deletes it when body is empty): create-if-absent, delete, then
// the new definition. Either the old table or the new one is in force at
// every moment, never neither.
func replaceMessages(family uint8, name string, body []netlink.Message) ([]netlink.Message, error) {
	nameAttr, err := netlink.MarshalAttributes([]netlink.Attribute{{Type: unix.NFTA_TABLE_NAME, Data: []byte(name + "\x00")}})
	if err != nil {
		return nil, err
	}
	hdr := func(t uint16, f netlink.HeaderFlags) netlink.Message {
		return netlink.Message{Header: netlink.Header{Type: nftType(t), Flags: netlink.Request | netlink.Acknowledge | f},
			Data: append(nfgen(family), nameAttr...)}
	}
	out := []netlink.Message{hdr(unix.NFT_MSG_NEWTABLE, netlink.Create), hdr(unix.NFT_MSG_DELTABLE, 0)}
	return append(out, body...), nil
}
