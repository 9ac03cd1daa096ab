package secret

import (
	"bytes"
	"fmt"

	"github.com/clawplan/clawplan/resources"
)

// Diff shows the .env change as variables with fingerprints, the file as
// changed (sensitive), and notes for lines taken over or removed.
func (e *EnvFile) Diff(st resources.State) (resources.Change, error) {
	pr, ok := st.Private.(*envProbed)
	if !ok {
		return resources.Change{}, errNoProbe
	}
	m, err := mergeEnv(pr.lines, pr.want, true)
	if err != nil {
		return resources.Change{}, fmt.Errorf("%s: %w", e.addr, err)
	}
	ch := resources.Change{Addr: e.addr, Action: resources.NoOp}
	d := &differ{pr: &probed{user: pr.user, fp: pr.fp}, ch: &ch}
	unknown := e.diffValues(pr, d)
	e.diffRemoved(pr, m, d)
	out := render(m.lines)
	changed := unknown || !bytes.Equal(out, pr.file.Content)
	if e.orphan != nil && blank(m.lines) {
		changed = pr.file.Exists
	}
	e.diffFile(pr, d, changed)
	for _, k := range m.adopted {
		ch.Notes = append(ch.Notes, fmt.Sprintf("takes over the existing %s line, which clawplan did not write", k))
	}
	for _, k := range m.dropped {
		ch.Notes = append(ch.Notes, fmt.Sprintf("removes a later %s line that would override the managed one", k))
	}
	ch.Action = e.action(pr, len(ch.Attrs) > 0 || changed)
	if changed && e.orphan == nil {
		ch.Triggers = e.gateways
	}
	return ch, nil
}

func (e *EnvFile) action(pr *envProbed, changes bool) resources.Action {
	switch {
	case e.orphan != nil:
		return resources.Delete
	case !changes:
		return resources.NoOp
	case !pr.file.Exists:
		return resources.Create
	}
	return resources.Update
}

// diffValues adds env.KEY for every wanted variable whose value changes,
// and reports whether any is unknown until apply.
func (e *EnvFile) diffValues(pr *envProbed, d *differ) bool {
	unknown := false
	for _, w := range pr.want {
		var before any
		cur, found := currentValue(pr.lines, w.Key)
		if found {
			before = pr.fp([]byte(cur))
		}
		switch {
		case w.Value == nil:
			unknown = true
			d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: "env." + w.Key, Before: before, Unknown: "secret." + w.Owner + ": " + pr.why[w.Key], Sensitive: true})
		case !found || cur != string(w.Value):
			d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: "env." + w.Key, Before: before, After: pr.fp(w.Value), Sensitive: true})
		}
	}
	return unknown
}

// diffRemoved shows owned lines that no secret delivers any more.
func (e *EnvFile) diffRemoved(pr *envProbed, m merged, d *differ) {
	for _, l := range pr.lines {
		if l.marker || l.owner == "" || l.key == "" || wants(pr.want, l.key) {
			continue
		}
		cur, _ := currentValue([]envLine{l}, l.key)
		d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: "env." + l.key, Before: pr.fp([]byte(cur)), After: nil, Sensitive: true})
	}
	for _, r := range m.removed {
		d.ch.Notes = append(d.ch.Notes, "removes "+r+": no secret delivers it any more")
	}
}

// diffFile adds the file itself: changed (never its contents), its mode
// and its owner.
func (e *EnvFile) diffFile(pr *envProbed, d *differ, changed bool) {
	f := pr.file
	if changed {
		d.ch.Files = append(d.ch.Files, resources.FileDiff{Path: pr.path, Sensitive: true})
	}
	if e.orphan != nil {
		return
	}
	if !f.Exists {
		d.attr(pr.path+":mode", nil, resources.ModeString(fileMode))
		d.owner(pr.path, nil)
		return
	}
	if f.Mode != fileMode {
		d.attr(pr.path+":mode", resources.ModeString(f.Mode), resources.ModeString(fileMode))
	}
	d.owner(pr.path, []int{f.UID, f.GID})
}

func wants(want []entry, key string) bool {
	for _, w := range want {
		if w.Key == key {
			return true
		}
	}
	return false
}
