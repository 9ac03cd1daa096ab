package firewall

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// pending is what Diff hands to Apply.
type pending struct {
	// digest is what the block owned in the kernel when probed: Apply
	// refuses when it changed since.
	digest string
	// replace is set when the block's table is replaced (deleted, when
	// the change deletes the block).
	replace bool
	// drop lists the block's other tables (left by a rename) to delete.
	drop  []string
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
	ch.Attrs = append(compareTables(r.wantM, p.model), staleAttrs(p.live)...)
	pend := &pending{digest: p.digest, replace: len(ch.Attrs) > 0, drop: p.live.staleNames(), files: r.fileChanges(p)}
	ch.Files = fileDiffs(pend.files)
	switch {
	case !p.model.Exists:
		ch.Action = resources.Create
	case pend.replace || len(pend.files) > 0:
		ch.Action = resources.Update
	default:
		ch.Action = resources.NoOp
	}
	ch.Notes = r.notes(p, owner, owned)
	ch.Private = pend
	return ch, nil
}

// staleAttrs reports the block's other tables, which go.
func staleAttrs(l liveTable) []resources.AttrChange {
	var out []resources.AttrChange
	for _, name := range l.staleNames() {
		out = append(out, resources.AttrChange{Path: "stale_table." + name, Before: "inet " + name, After: nil})
	}
	return out
}

// fileChanges lists what happens to the persisted files: the block's own
// file is written (when persisting) and included from the main file;
// files it persisted before under another name, or all of them when it no
// longer persists, are removed with their include lines. A main file that
// clawplan created and that is left with nothing is removed.
func (r *Firewall) fileChanges(p *probed) []fileChange {
	want := ""
	if r.s.Persist && !r.orphan {
		want = *r.s.PersistFile
	}
	var out []fileChange
	conf, onlyHeader := p.conf.Content, false
	paths := make([]string, 0, len(p.files))
	for path := range p.files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		if f := p.files[path]; path != want && f.Exists && bytes.Contains(f.Content, []byte(ownerComment(r.addr.String()))) {
			out = append(out, fileChange{Path: path, Before: f, Remove: true})
		}
		if path != want && hasInclude(conf, path) {
			conf, onlyHeader = withoutInclude(conf, r.addr.String(), path)
		}
	}
	if want != "" {
		text := persistText(r.addr.String(), r.wantM, r.s.Table)
		if f := p.files[want]; !f.Exists || !bytes.Equal(f.Content, text) {
			out = append(out, fileChange{Path: want, Before: f, After: text, Mode: 0o644})
		}
		conf, onlyHeader = withInclude(conf, p.conf.Exists, r.addr.String(), want), false
	}
	switch {
	case onlyHeader && p.conf.Exists:
		out = append(out, fileChange{Path: r.s.NftablesConf, Before: p.conf, Remove: true})
	case !bytes.Equal(conf, p.conf.Content) || (want != "" && !p.conf.Exists):
		out = append(out, fileChange{Path: r.s.NftablesConf, Before: p.conf, After: conf, Mode: 0o755})
	}
	return out
}

func fileDiffs(fs []fileChange) []resources.FileDiff {
	var out []resources.FileDiff
	for _, f := range fs {
		out = append(out, resources.FileDiff{Path: f.Path, Before: string(f.Before.Content), After: string(f.After)})
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
	if p.model.Exists && (p.model.Comment != r.wantM.Comment || !sameHooks(p.model, r.wantM)) {
		n = append(n, "table inet "+r.s.Table+" is recreated, not changed in place (its owner comment or a chain's hook changes): "+
			"while that one transaction commits, a packet may for microseconds slip between the old and the new chains. Ordinary changes are made in place.")
	}
	for _, name := range p.live.staleNames() {
		n = append(n, "table inet "+name+" is this block's table under its previous name; it is deleted in the same transaction.")
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
// still names it as owner (and any other table that does), its persisted
// files and its include lines.
func (r *Firewall) diffOrphan(p *probed) resources.Change {
	ch := resources.Change{Addr: r.addr, Action: resources.NoOp}
	pend := &pending{digest: p.digest, drop: p.live.staleNames()}
	owner, owned := ownerOf(p.model.Comment)
	switch {
	case owned && owner == r.addr.String():
		pend.replace = true
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "table", Before: "inet " + r.s.Table, After: nil})
	case p.model.Exists:
		ch.Notes = append(ch.Notes, fmt.Sprintf("table inet %s is not %s's any more (comment %q); it is left alone.", r.s.Table, r.addr, p.model.Comment))
	}
	ch.Attrs = append(ch.Attrs, staleAttrs(p.live)...)
	pend.files = r.fileChanges(p)
	ch.Files = fileDiffs(pend.files)
	if pend.replace || len(pend.drop) > 0 || len(pend.files) > 0 {
		ch.Action = resources.Delete
	}
	ch.Private = pend
	return ch
}
