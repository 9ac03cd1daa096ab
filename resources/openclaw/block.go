package openclaw

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
)

// base is what every contributing block shares: its address, the leaves
// it claims, and the service user whose file they go to. Its plan entry
// shows its own paths; the writer does the writing, so Snapshot, Apply and
// Restore have nothing to do.
type base struct {
	addr   resources.Addr
	body   hcl.Body
	claims []claim
	leaves []leaf
	user   string
}

// contributor is a block of this package, as the writer sees it.
type contributor interface {
	resources.Resource
	openclawLeaves() []leaf
	setUser(user string)
}

var (
	_ contributor            = (*base)(nil)
	_ resources.Fragmenter   = (*base)(nil)
	_ resources.Owner        = (*base)(nil)
	_ resources.SourceHolder = (*base)(nil)
)

// init flattens the claims; a failure is a bug in the kind, reported as a
// diagnostic rather than a panic.
func (b *base) init(addr resources.Addr, body hcl.Body, cs []claim) hcl.Diagnostics {
	b.addr, b.body, b.claims, b.user = addr, body, cs, defaultUser
	var err error
	if b.leaves, err = flatten(addr, cs); err != nil {
		r := body.MissingItemRange()
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot render openclaw.json values", Detail: err.Error(), Subject: &r}}
	}
	return nil
}

// ReleaseSource drops the block body once the manifest is validated.
func (b *base) ReleaseSource() { b.body = nil }

func (b *base) Addr() resources.Addr      { return b.addr }
func (b *base) Validate() hcl.Diagnostics { return nil }
func (b *base) openclawLeaves() []leaf    { return b.leaves }
func (b *base) setUser(user string)       { b.user = user }

// Fragments returns the claims as the vocabulary's fragments; a claim
// inside an array element selected by fields is given as the element.
func (b *base) Fragments() []resources.Fragment {
	var out []resources.Fragment
	for _, c := range b.claims {
		keys, val := fragmentOf(c)
		out = append(out, resources.Fragment{Doc: docName, Path: keys, Value: val})
	}
	return out
}

func fragmentOf(c claim) ([]string, any) {
	var keys []string
	for i, s := range c.path {
		if s.Where == nil {
			keys = append(keys, s.Key)
			continue
		}
		elem := map[string]any{}
		for _, cond := range s.Where {
			setNested(elem, cond.Field, cond.Value)
		}
		rest := c.path[i+1:]
		if len(rest) == 0 {
			if m, ok := c.value.(map[string]any); ok {
				for k, x := range m {
					elem[k] = x
				}
			}
		} else {
			var fields []string
			for _, r := range rest {
				fields = append(fields, r.Key)
			}
			setNested(elem, fields, c.value)
		}
		return keys, []any{elem}
	}
	return keys, c.value
}

// setNested puts v at the key path in m, creating maps on the way.
func setNested(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// blockState is what a contributing block found at its paths.
type blockState struct {
	file      string
	paths     []doc.Path
	current   []*doc.Value // per leaf; nil when absent
	shown     []any        // per leaf that changes: its current value as a plan shows it
	sensitive []bool
	parseErr  error
	notes     []string
	// gone counts the trailing entries that are paths the block set before
	// and no longer claims.
	gone int
}

// Probe reads the block's paths, and the paths it set before (the
// writer's record) that it no longer claims: those go, and show as such.
func (b *base) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	gone, err := dropped(h, b.user, b.addr, b.leaves)
	if err != nil {
		return resources.State{}, err
	}
	st, err := probeLeaves(h, b.user, append(append([]leaf(nil), b.leaves...), gone...))
	if err != nil {
		return st, err
	}
	st.Private.(*blockState).gone = len(gone)
	return st, nil
}

// dropped returns, as valueless leaves, the paths the writer's record
// says addr set and that addr no longer claims.
func dropped(h *resources.Host, user string, addr resources.Addr, leaves []leaf) ([]leaf, error) {
	_, rec, err := recordOf(h, user)
	if err != nil {
		return nil, err
	}
	claimed := map[string]bool{}
	for _, lf := range leaves {
		claimed[lf.path.String()] = true
	}
	var out []leaf
	for _, p := range rec.Owners[addr.String()] {
		if !claimed[p.String()] {
			out = append(out, leaf{path: p, owner: addr})
		}
	}
	return out, nil
}

// probeLeaves reads the current values at the leaves' paths.
func probeLeaves(h *resources.Host, user string, leaves []leaf) (resources.State, error) {
	l, err := load(h, user)
	if err != nil {
		return resources.State{}, err
	}
	st := &blockState{file: l.path, parseErr: l.parseErr}
	for _, lf := range leaves {
		st.paths = append(st.paths, lf.path)
	}
	var parts [][]byte
	exists := false
	for _, lf := range leaves {
		var cur *doc.Value
		if l.doc != nil {
			cur, _ = doc.Get(l.doc.Root, lf.path)
		}
		var shown any
		sens := false
		if cur != nil && (lf.value == nil || !doc.Equal(cur, lf.value)) {
			shown, sens = display(h, lf.path, cur) // only a changing value is shown
		}
		st.current, st.shown, st.sensitive = append(st.current, cur), append(st.shown, shown), append(st.sensitive, sens)
		exists = exists || cur != nil
		parts = append(parts, []byte(lf.path.String()), nil)
		if cur != nil {
			parts[len(parts)-1] = doc.EncodeValue(cur)
		}
	}
	return resources.State{Exists: exists, Fingerprint: h.Fingerprint(parts...), Private: st}, nil
}

func (b *base) Diff(cur resources.State) (resources.Change, error) {
	return diffLeaves(b.addr, b.leaves, cur)
}

// diffLeaves lists the leaves whose value will change, path by path.
func diffLeaves(addr resources.Addr, leaves []leaf, cur resources.State) (resources.Change, error) {
	st, ok := cur.Private.(*blockState)
	if !ok {
		return resources.Change{}, fmt.Errorf("%s: diff without a probe", addr)
	}
	ch := resources.Change{Addr: addr, Action: resources.NoOp, Notes: st.notes}
	if st.parseErr != nil {
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s does not parse (%v); the openclaw_config writer will refuse to change it until it is fixed by hand", st.file, st.parseErr))
	}
	for i, lf := range leaves {
		if doc.Equal(st.current[i], lf.value) {
			continue
		}
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: lf.path.String(), Before: st.shown[i], After: doc.ToGo(lf.value), Sensitive: st.sensitive[i]})
	}
	for i := len(leaves); i < len(st.current); i++ {
		if st.current[i] != nil {
			ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: st.paths[i].String(), Before: st.shown[i], Sensitive: st.sensitive[i]})
		}
	}
	switch {
	case len(ch.Attrs) == 0:
	case !cur.Exists:
		ch.Action = resources.Create
	default:
		ch.Action = resources.Update
	}
	return ch, nil
}

func (b *base) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: b.addr, Data: json.RawMessage(`{}`)}, nil
}

// Apply does nothing: openclaw_config.<user> writes these values.
func (b *base) Apply(context.Context, *resources.Host, resources.Change) error { return nil }

func (b *base) Restore(context.Context, *resources.Host, resources.Snapshot) error { return nil }

// ownedPaths is what a contributing block records, so that when its block
// is removed the plan can show which paths go.
type ownedPaths struct {
	User  string     `json:"user"`
	Paths []doc.Path `json:"paths"`
}

func (b *base) Ownership() (json.RawMessage, error) {
	rec := ownedPaths{User: b.user}
	for _, lf := range b.leaves {
		rec.Paths = append(rec.Paths, lf.path)
	}
	return json.Marshal(rec)
}
