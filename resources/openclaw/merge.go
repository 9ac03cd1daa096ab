package openclaw

import (
	"errors"
	"fmt"
	"sort"

	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
)

// merged is the document the writer will write, and the record to keep.
type merged struct {
	next    *doc.Document
	rec     record
	changed bool // the document's value changes
	dropped int  // comments inside replaced or removed values
	diags   hcl.Diagnostics
}

// merge applies the leaves to a copy of the current document: first it
// removes what the record says clawplan set and no block claims any more
// (and the containers clawplan created that became empty), then it sets
// every leaf. Everything else stays as it was, comments included.
func merge(cur *doc.Document, old record, leaves []leaf) merged {
	m := merged{rec: record{Version: 1, User: old.User, File: old.File, CreatedFile: old.CreatedFile, Owners: map[string][]doc.Path{}}}
	if cur != nil {
		m.next = cur.Clone()
	} else {
		m.next = &doc.Document{Root: doc.NewObject()}
	}
	created := old.createdSet()
	wanted := map[string]bool{}
	for _, lf := range leaves {
		wanted[lf.path.String()] = true
	}
	m.remove(old, wanted, created)
	m.set(leaves, created)
	for k, p := range created {
		if _, ok := doc.Get(m.next.Root, p); ok {
			m.rec.Created = append(m.rec.Created, p)
		} else {
			delete(created, k)
		}
	}
	m.changed = cur == nil || !doc.Equal(cur.Root, m.next.Root)
	if !m.changed {
		m.next = cur // the same document: keep one copy, not two, for the rest of the run
	}
	return m
}

// remove deletes the recorded paths no leaf claims any more.
func (m *merged) remove(old record, wanted map[string]bool, created map[string]doc.Path) {
	owners := make([]string, 0, len(old.Owners))
	for o := range old.Owners {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for _, o := range owners {
		for _, p := range old.Owners[o] {
			if wanted[p.String()] || len(p) == 0 {
				continue
			}
			if !selectorLeaf(p) {
				_, ed := doc.Delete(m.next.Root, p)
				m.dropped += ed.Dropped
			}
			m.prune(p, created)
		}
	}
}

// prune removes the containers above p that clawplan created and that
// hold nothing of their own any more.
func (m *merged) prune(p doc.Path, created map[string]doc.Path) {
	for i := len(p) - 1; i > 0; i-- {
		anc := p[:i]
		v, ok := doc.Get(m.next.Root, anc)
		if !ok {
			continue
		}
		if _, mine := created[anc.String()]; !mine || !doc.Hollow(v, anc[i-1].Where) {
			continue
		}
		_, ed := doc.Delete(m.next.Root, anc)
		m.dropped += ed.Dropped
	}
}

// set puts every leaf in place and records its owner.
func (m *merged) set(leaves []leaf, created map[string]doc.Path) {
	for _, lf := range leaves {
		key := lf.owner.String()
		m.rec.Owners[key] = append(m.rec.Owners[key], lf.path)
		if cur, ok := doc.Get(m.next.Root, lf.path); ok && doc.Equal(cur, lf.value) {
			continue
		}
		ed, err := doc.Set(m.next.Root, lf.path, lf.value.Clone(), lf.root)
		if err != nil {
			m.diags = append(m.diags, inTheWay(lf, err))
			continue
		}
		m.dropped += ed.Dropped
		for _, p := range ed.Created {
			created[p.String()] = p
		}
	}
}

func inTheWay(lf leaf, err error) *hcl.Diagnostic {
	detail := err.Error()
	if errors.Is(err, doc.ErrInTheWay) {
		detail = fmt.Sprintf("openclaw.json holds a value of another shape where %s needs %s (%v). clawplan does not overwrite what it does not own: change that value by hand, or remove %s from %s.", lf.owner, lf.path, err, lf.attr, lf.owner)
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "openclaw.json is in the way", Detail: detail, Subject: lf.rng.Ptr()}
}
