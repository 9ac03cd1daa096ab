package firewall

import (
	"errors"
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// pending is what Diff hands to Apply.
type pending struct {
	// digest is the table as probed: Apply refuses when it changed since.
	digest string
	// table is set when the table is replaced (or, for Delete, deleted).
	table bool
	files []fileChange
}

// fileChange is one persisted file to write or remove.
type fileChange struct {
	Path   string
	Before hostfs.File
	After  []byte
	Remove bool
	Mode   uint32
}

// Diff compares the probed table and files with the block. It refuses a
// table of that name that clawplan does not own, unless adopt is set.
func (r *Firewall) Diff(st resources.State) (resources.Change, error) {
	p, ok := st.Private.(*probed)
	if !ok {
		return resources.Change{}, errors.New("firewall: Diff needs the state Probe returned")
	}
	if r.orphan {
		return r.diffOrphan(p), nil
	}
	ch := resources.Change{Addr: r.addr}
	owner, owned := ownerOf(p.model.Comment)
	if p.model.Exists && !owned && !r.s.Adopt {
		return ch, fmt.Errorf("nftables table inet %s exists and is not clawplan's (no %q comment): clawplan never replaces a table it does not own. "+
			"Pick another name with `table = ...`, delete it (`nft delete table inet %s`) if it is the seed's hand-made table, or set `adopt = true` to take it over",
			r.s.Table, ownerComment(r.addr.String()), r.s.Table)
	}
	ch.Attrs = compareTables(r.wantM, p.model)
	pend := &pending{digest: p.digest, table: len(ch.Attrs) > 0}
	pend.files = r.fileChanges(p)
	for _, f := range pend.files {
		ch.Files = append(ch.Files, resources.FileDiff{Path: f.Path, Before: string(f.Before.Content), After: string(f.After)})
	}
	switch {
	case !p.model.Exists:
		ch.Action = resources.Create
	case pend.table || len(pend.files) > 0:
		ch.Action = resources.Update
	default:
		ch.Action = resources.NoOp
	}
	ch.Notes = r.notes(p, owner, owned)
	ch.Private = pend
	return ch, nil
}

// fileChanges lists the persisted files that differ from what the block wants.
func (r *Firewall) fileChanges(p *probed) []fileChange {
	if !r.s.Persist {
		return nil
	}
	var out []fileChange
	text := persistText(r.addr.String(), r.wantM, r.s.Table)
	if !p.persist.Exists || string(p.persist.Content) != string(text) {
		out = append(out, fileChange{Path: *r.s.PersistFile, Before: p.persist, After: text, Mode: 0o644})
	}
	conf := withInclude(p.conf.Content, p.conf.Exists, r.addr.String(), *r.s.PersistFile)
	if !p.conf.Exists || string(conf) != string(p.conf.Content) {
		out = append(out, fileChange{Path: r.s.NftablesConf, Before: p.conf, After: conf, Mode: 0o755})
	}
	return out
}

func (r *Firewall) notes(p *probed, owner string, owned bool) []string {
	var n []string
	if r.ns != "" {
		n = append(n, "operating on the network namespace "+string(r.ns)+" (set by "+NetNSEnv+" or a test), not the caller's.")
	}
	switch {
	case p.model.Exists && !owned:
		n = append(n, "adopt = true: the existing table inet "+r.s.Table+", which clawplan did not create, is replaced.")
	case owned && owner != r.addr.String():
		n = append(n, "table inet "+r.s.Table+" was created by "+owner+"; "+r.addr.String()+" takes it over.")
	}
	if !r.s.Persist {
		return append(n, "persist = false: the table is not saved and is gone after a reboot.")
	}
	n = append(n, p.service)
	if flushesRuleset(p.conf.Content) {
		n = append(n, r.s.NftablesConf+" runs `flush ruleset`: reloading nftables.service wipes Docker's own tables (NAT, isolation) until Docker restarts. "+
			"Replace it with `delete table` lines for the tables that file defines.")
	}
	return n
}

// diffOrphan deletes what a removed block owned: its table when the table
// still names it as owner, its persisted file and its include line.
func (r *Firewall) diffOrphan(p *probed) resources.Change {
	ch := resources.Change{Addr: r.addr, Action: resources.NoOp}
	pend := &pending{digest: p.digest}
	owner, owned := ownerOf(p.model.Comment)
	switch {
	case owned && owner == r.addr.String():
		pend.table = true
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "table", Before: "inet " + r.s.Table, After: nil})
	case p.model.Exists:
		ch.Notes = append(ch.Notes, fmt.Sprintf("table inet %s is not %s's any more (comment %q); it is left alone.", r.s.Table, r.addr, p.model.Comment))
	}
	if p.persist.Exists && strings.Contains(string(p.persist.Content), ownerComment(r.addr.String())) {
		pend.files = append(pend.files, fileChange{Path: *r.s.PersistFile, Before: p.persist, Remove: true})
	}
	if p.conf.Exists && hasInclude(p.conf.Content, *r.s.PersistFile) {
		out, remove := withoutInclude(p.conf.Content, r.addr.String(), *r.s.PersistFile)
		pend.files = append(pend.files, fileChange{Path: r.s.NftablesConf, Before: p.conf, After: out, Remove: remove, Mode: 0o755})
	}
	for _, f := range pend.files {
		ch.Files = append(ch.Files, resources.FileDiff{Path: f.Path, Before: string(f.Before.Content), After: string(f.After)})
	}
	if pend.table || len(pend.files) > 0 {
		ch.Action = resources.Delete
	}
	ch.Private = pend
	return ch
}
