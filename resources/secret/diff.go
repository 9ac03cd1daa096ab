package secret

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
)

const (
	fileMode = 0o600
	dirMode  = 0o700
)

// applyPlan is what Apply takes from Diff (Change.Private, never rendered):
// the value to deliver, or nil when Apply generates it.
type applyPlan struct {
	value  []byte
	rotate bool
}

var errNoProbe = errors.New("diff without a probe of this resource")

// Diff compares the probed sinks with the value they should hold. Values
// show only as keyed fingerprints, files only as "changed".
func (s *Secret) Diff(st resources.State) (resources.Change, error) {
	if s.orphan != nil {
		return s.diffOrphan(st)
	}
	pr, ok := st.Private.(*probed)
	if !ok {
		return resources.Change{}, errNoProbe
	}
	return s.diff(pr, pr.val.bytes, false), nil
}

// Replace is `-replace secret.NAME`: a generated secret gets a new value,
// and every sink, .env lines included, is rewritten with it.
func (s *Secret) Replace(st resources.State) (resources.Change, error) {
	pr, ok := st.Private.(*probed)
	if !ok || s.orphan != nil {
		return resources.Change{}, errNoProbe
	}
	s.mu.Lock()
	s.rotate = true
	s.mu.Unlock()
	if s.src.Generate == nil {
		ch := s.diff(pr, pr.val.bytes, true)
		ch.Notes = append(ch.Notes, fmt.Sprintf("-replace reads %s again and rewrites every sink: rotate the value at its source", pr.val.origin))
		return ch, nil
	}
	nv := generate(*s.src.Generate)
	pr.addSecret(string(nv))
	ch := s.diff(pr, nv, true)
	ch.Notes = append(ch.Notes, "rotates: a new value is generated and written to every sink")
	return ch, nil
}

// differ builds one Change.
type differ struct {
	pr      *probed
	want    []byte // nil: unknown until apply
	ch      *resources.Change
	content bool // a sink's bytes change: the gateway must restart
	stored  bool // the stored generated value changes
}

func (s *Secret) diff(pr *probed, want []byte, rotate bool) resources.Change {
	ch := resources.Change{Addr: s.addr, Action: resources.NoOp, Notes: append([]string(nil), pr.notes...),
		Private: &applyPlan{value: want, rotate: rotate}}
	d := &differ{pr: pr, want: want, ch: &ch}
	d.storedValue(s, rotate)
	d.dir()
	for i := range pr.files {
		d.file(i)
	}
	if rotate {
		d.envLines(s)
	}
	d.value(s)
	switch {
	case len(ch.Attrs) == 0 && len(ch.Files) == 0 && !d.stored && !rotate:
		return ch
	case rotate:
		ch.Action = resources.Replace
	case !pr.exists():
		ch.Action = resources.Create
	default:
		ch.Action = resources.Update
	}
	if d.content {
		ch.Triggers = s.triggers()
	}
	return ch
}

func (d *differ) storedValue(s *Secret, rotate bool) {
	if s.src.Generate == nil || (d.pr.val.known && !rotate) {
		return
	}
	d.stored = true
}

func (d *differ) dir() {
	ds := d.pr.dir
	if ds == nil {
		return
	}
	if !ds.Exists {
		d.attr(ds.Host+":mode", nil, resources.ModeString(dirMode))
		d.owner(ds.Host, nil)
		return
	}
	if ds.Mode != dirMode {
		d.attr(ds.Host+":mode", resources.ModeString(ds.Mode), resources.ModeString(dirMode))
	}
	d.owner(ds.Host, []int{ds.UID, ds.GID})
}

func (d *differ) file(i int) {
	f, p := d.pr.files[i], d.pr.paths[i]
	if !f.Exists {
		d.ch.Files = append(d.ch.Files, resources.FileDiff{Path: p, Sensitive: true})
		d.attr(p+":mode", nil, resources.ModeString(fileMode))
		d.owner(p, nil)
		d.content = true
		return
	}
	if d.want == nil || !bytes.Equal(f.Content, d.want) {
		d.ch.Files = append(d.ch.Files, resources.FileDiff{Path: p, Sensitive: true})
		d.content = true
	}
	if f.Mode != fileMode {
		d.attr(p+":mode", resources.ModeString(f.Mode), resources.ModeString(fileMode))
	}
	d.owner(p, []int{f.UID, f.GID})
}

// envLines shows a rotation's .env lines: the variable names and the
// fingerprints of their old and new values.
func (d *differ) envLines(s *Secret) {
	for _, k := range s.envNames() {
		var before any
		if v, ok := currentValue(d.pr.env, k); ok {
			before = d.pr.fp([]byte(v))
		}
		d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: "env." + k, Before: before, After: d.after(), Unknown: d.unknown(), Sensitive: true})
		d.content = true
	}
	if len(s.envNames()) > 0 {
		d.ch.Files = append(d.ch.Files, resources.FileDiff{Path: envFilePath(d.pr.user.Home), Sensitive: true})
	}
}

// value adds the "value" attribute when the delivered value changes.
func (d *differ) value(s *Secret) {
	if !d.content && !d.stored {
		return
	}
	var before any
	for _, f := range d.pr.files {
		if f.Exists {
			before = d.pr.fp(f.Content)
			break
		}
	}
	if len(d.pr.files) == 0 && d.pr.val.stored.Exists {
		before = d.pr.fp(d.pr.val.stored.Content)
	}
	d.ch.Attrs = append([]resources.AttrChange{{Path: "value", Before: before, After: d.after(), Unknown: d.unknown(), Sensitive: true}}, d.ch.Attrs...)
}

func (d *differ) after() any {
	if d.want == nil {
		return nil
	}
	return d.pr.fp(d.want)
}

func (d *differ) unknown() string {
	if d.want == nil {
		return d.pr.val.why
	}
	return ""
}

func (d *differ) attr(p string, before, after any) {
	d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: p, Before: before, After: after})
}

// owner adds p's owner change; cur is nil for a path that does not exist.
func (d *differ) owner(p string, cur []int) {
	want, unknown := ownerString(d.pr.user)
	var before any
	if cur != nil {
		before = fmt.Sprintf("%d:%d", cur[0], cur[1])
		if before == want || unknown != "" {
			return
		}
	}
	if unknown != "" {
		d.ch.Attrs = append(d.ch.Attrs, resources.AttrChange{Path: p + ":owner", Before: before, Unknown: unknown})
		return
	}
	d.attr(p+":owner", before, want)
}

// ownerString is "UID:GID" of the service user, or why it is unknown.
func ownerString(u account.User) (string, string) {
	if !u.Exists {
		return "", fmt.Sprintf("user %s is not created yet: apply fails unless a block creates it first", u.Name)
	}
	return fmt.Sprintf("%d:%d", u.UID, u.GID), ""
}
