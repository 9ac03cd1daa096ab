package firewall

import (
	"reflect"
	"strings"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Why the table is changed in place.
//
// Deleting and re-adding a table in one transaction is atomic for the
// ruleset, but not for packets: the new table's base chains are hooked
// while the transaction is prepared, and at equal priority the kernel puts
// the new hook ahead of the old one. A packet can run the new chain just
// before the generation flips (no rules yet: accept) and the old chain
// just after (its rules gone: accept). The end-to-end test measured it:
// about one connection in 2,500 slipped through 50 replacements.
//
// So a table that stays clawplan's keeps its table and base chains (their
// hooks never change) and swaps their content in ONE transaction: every
// chain is flushed and refilled, changed sets are flushed and refilled (or
// recreated), so each chain runs either all its old rules or all its new
// ones. Only what cannot change in place recreates the table: creating or
// deleting it, a new owner comment (adopt, takeover; the kernel ignores a
// new table comment), or a base chain whose hook was changed by hand.

// transition returns the single transaction that takes the table from
// live to want (objects as dumped or rendered) and whether it recreates
// the table.
func transition(family uint8, name string, live, want []rawMsg) ([]netlink.Message, bool, error) {
	lm, wm := modelOf(live), modelOf(want)
	if !lm.Exists || !wm.Exists || lm.Comment != wm.Comment || !sameHooks(lm, wm) {
		msgs, err := recreate(family, name, want)
		return msgs, true, err
	}
	x := &txn{family: family, name: name, live: live, want: withSetIDs(want), lm: lm, wm: wm, delta: map[string]bool{}}
	x.flushChains()
	if err := x.changeSets(); err != nil {
		return nil, false, err
	}
	x.addWanted()
	msgs, err := requests(x.out)
	return msgs, false, err
}

// txn builds an in-place transaction.
type txn struct {
	family     uint8
	name       string
	live, want []rawMsg
	lm, wm     tableModel
	delta      map[string]bool // sets whose elements change by delta
	out        []rawMsg
}

func (x *txn) add(t uint16, attrs ...rawAttr) {
	x.out = append(x.out, rawMsg{Type: t, Family: x.family, Attrs: attrs})
}

func (x *txn) table(t uint16) rawAttr { return rawAttr{Type: t, Data: cstrBytes(x.name)} }

// flushChains empties every chain (which releases the sets its rules
// use) and deletes the chains that are not wanted.
func (x *txn) flushChains() {
	for _, c := range x.lm.Chains {
		x.add(unix.NFT_MSG_DELRULE, x.table(unix.NFTA_RULE_TABLE), rawAttr{unix.NFTA_RULE_CHAIN, cstrBytes(c.Name)})
		if _, keep := x.wm.chain(c.Name); !keep {
			x.add(unix.NFT_MSG_DELCHAIN, x.table(unix.NFTA_CHAIN_TABLE), rawAttr{unix.NFTA_CHAIN_NAME, cstrBytes(c.Name)})
		}
	}
}

// changeSets deletes the sets that go or change type, and changes the
// elements of the others: by delta when they are plain, else by flushing
// (addWanted then refills them).
func (x *txn) changeSets() error {
	for _, s := range x.lm.Sets {
		w, keep := x.wm.set(s.Name)
		switch {
		case isAnonymous(x.live, s.Name): // goes with the rule that used it
		case !keep || w.Decl != s.Decl:
			x.add(unix.NFT_MSG_DELSET, x.table(unix.NFTA_SET_TABLE), rawAttr{unix.NFTA_SET_NAME, cstrBytes(s.Name)})
		case !reflect.DeepEqual(w.Elements, s.Elements):
			objs, ok, err := setDelta(x.family, x.name, s.Name, x.live, x.want)
			if err != nil {
				return err
			}
			if ok {
				x.out, x.delta[s.Name] = append(x.out, objs...), true
				continue
			}
			x.add(unix.NFT_MSG_DELSETELEM, x.table(unix.NFTA_SET_ELEM_LIST_TABLE), rawAttr{unix.NFTA_SET_ELEM_LIST_SET, cstrBytes(s.Name)})
		}
	}
	return nil
}

// addWanted sends the wanted objects that are not in place: new sets and
// their elements, refills, new chains or a kept chain's policy, and every
// rule (its chain was flushed).
func (x *txn) addWanted() {
	for _, o := range x.want {
		switch {
		case o.Type == unix.NFT_MSG_NEWCHAIN && hasChain(x.lm, o):
			if policy, ok := o.attr(unix.NFTA_CHAIN_POLICY); ok { // same hook: only the policy may differ
				x.add(unix.NFT_MSG_NEWCHAIN, x.table(unix.NFTA_CHAIN_TABLE), rawAttr{unix.NFTA_CHAIN_NAME, cstrBytes(o.str(unix.NFTA_CHAIN_NAME))},
					rawAttr{unix.NFTA_CHAIN_POLICY, policy})
			}
		case !x.inPlace(o):
			x.out = append(x.out, o)
		}
	}
}

func hasChain(m tableModel, o rawMsg) bool {
	_, ok := m.chain(o.str(unix.NFTA_CHAIN_NAME))
	return ok
}

// inPlace reports whether a wanted table, set or set-elements object is
// already there: the table (kept), a set of the same type, its elements
// when they did not change or changed by delta.
func (x *txn) inPlace(o rawMsg) bool {
	switch o.Type {
	case unix.NFT_MSG_NEWTABLE:
		return true
	case unix.NFT_MSG_NEWSET, unix.NFT_MSG_NEWSETELEM:
		setName := o.str(unix.NFTA_SET_NAME) // the same attribute number in both
		l, ok := x.lm.set(setName)
		w, _ := x.wm.set(setName)
		if !ok || isAnonymous(x.live, setName) || l.Decl != w.Decl {
			return false
		}
		return o.Type == unix.NFT_MSG_NEWSET || x.delta[setName] || reflect.DeepEqual(l.Elements, w.Elements)
	}
	return false
}

// sameHooks reports whether every chain both tables have is hooked alike
// (type, hook, device, priority); a policy can change in place.
func sameHooks(a, b tableModel) bool {
	hook := func(decl string) string { return strings.SplitN(decl, " policy ", 2)[0] }
	for _, c := range a.Chains {
		if w, ok := b.chain(c.Name); ok && hook(w.Decl) != hook(c.Decl) {
			return false
		}
	}
	return true
}

// isAnonymous reports whether a live set is anonymous (bound to a rule).
func isAnonymous(objs []rawMsg, name string) bool {
	for _, o := range objs {
		if o.Type == unix.NFT_MSG_NEWSET && o.str(unix.NFTA_SET_NAME) == name {
			fl, _ := o.attr(unix.NFTA_SET_FLAGS)
			return be32val(fl)&unix.NFT_SET_ANONYMOUS != 0
		}
	}
	return false
}

// recreate is delete-if-present + define, in one transaction.
func recreate(family uint8, name string, want []rawMsg) ([]netlink.Message, error) {
	body, err := requests(withSetIDs(want))
	if err != nil {
		return nil, err
	}
	return replaceMessages(family, name, body)
}

func cstrBytes(s string) []byte { return []byte(s + "\x00") }
