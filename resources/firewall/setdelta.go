package firewall

import (
	"encoding/hex"
	"sort"

	"github.com/google/nftables"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// elemID identifies a plain set element: its key, and whether it closes
// an interval.
type elemID struct {
	key string
	end bool
}

// plainElements reads the elements of a set's NEWSETELEM objects. ok is
// false when an element carries more than a key and an interval-end flag
// (map data, timeouts, comments): such a set is flushed and refilled.
func plainElements(objs []rawMsg, set string) (map[elemID]bool, bool) {
	out := map[elemID]bool{}
	for _, o := range objs {
		if o.Type != unix.NFT_MSG_NEWSETELEM || o.str(unix.NFTA_SET_ELEM_LIST_SET) != set {
			continue
		}
		list, _ := o.attr(unix.NFTA_SET_ELEM_LIST_ELEMENTS)
		items, _ := netlink.UnmarshalAttributes(list)
		for _, it := range items {
			attrs, _ := netlink.UnmarshalAttributes(it.Data)
			for _, a := range attrs {
				if t := a.Type & attrMask; t != unix.NFTA_SET_ELEM_KEY && t != unix.NFTA_SET_ELEM_FLAGS {
					return nil, false
				}
			}
		}
		for _, e := range setElements(o) {
			out[elemID{hex.EncodeToString(e.Key), e.End}] = true
		}
	}
	return out, true
}

// setDelta returns the objects that change a set's elements from live to
// want in place: remove the elements that go, add those that come, and
// leave the rest alone (an interval set never holds two copies of a key).
// ok is false when the elements are not plain.
func setDelta(family uint8, table, set string, live, want []rawMsg) ([]rawMsg, bool, error) {
	have, ok1 := plainElements(live, set)
	need, ok2 := plainElements(want, set)
	if !ok1 || !ok2 {
		return nil, false, nil
	}
	rec := &recorder{}
	conn, err := nftables.New(nftables.WithTestDial(rec.dial))
	if err != nil {
		return nil, false, err
	}
	s := &nftables.Set{Table: &nftables.Table{Name: table, Family: nftables.TableFamily(family)}, Name: set}
	if gone := minus(have, need); len(gone) > 0 {
		if err := conn.SetDeleteElements(s, gone); err != nil {
			return nil, false, err
		}
	}
	if come := minus(need, have); len(come) > 0 {
		if err := conn.SetAddElements(s, come); err != nil {
			return nil, false, err
		}
	}
	if err := conn.Flush(); err != nil {
		return nil, false, err
	}
	return rec.objects, true, nil
}

// minus returns the elements of a that b lacks, in ascending key order
// (an interval's start before its end), as the kernel's interval sets
// require: in any other order it may report a bogus overlap (EEXIST).
func minus(a, b map[elemID]bool) []nftables.SetElement {
	var ids []elemID
	for id := range a {
		if !b[id] {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if ids[i].key != ids[j].key {
			return ids[i].key < ids[j].key // same-length hex: byte order
		}
		return ids[i].end && !ids[j].end
	})
	out := make([]nftables.SetElement, len(ids))
	for i, id := range ids {
		key, _ := hex.DecodeString(id.key)
		out[i] = nftables.SetElement{Key: key, IntervalEnd: id.end}
	}
	return out
}
