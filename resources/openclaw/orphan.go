package openclaw

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// orphan is a contributing block removed from the manifest, rebuilt from
// what it recorded. Its plan entry lists the paths that go; the writer
// removes them (it keeps its own record of who owns what).
type orphan struct {
	addr   resources.Addr
	user   string
	leaves []leaf
}

var _ resources.Resource = (*orphan)(nil)

// orphanFrom rebuilds a removed block from its ownership record.
func orphanFrom(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var rec ownedPaths
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("%s: ownership record: %w", addr, err)
	}
	if rec.User == "" {
		rec.User = defaultUser
	}
	o := &orphan{addr: addr, user: rec.User}
	for _, p := range rec.Paths {
		o.leaves = append(o.leaves, leaf{path: p, owner: addr})
	}
	return o, nil
}

func (o *orphan) Addr() resources.Addr      { return o.addr }
func (o *orphan) Validate() hcl.Diagnostics { return nil }

func (o *orphan) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	return probeLeaves(h, o.user, o.leaves)
}

// Diff is Delete with each path that is still there going to null.
func (o *orphan) Diff(cur resources.State) (resources.Change, error) {
	st, ok := cur.Private.(*blockState)
	if !ok {
		return resources.Change{}, fmt.Errorf("%s: diff without a probe", o.addr)
	}
	ch := resources.Change{Addr: o.addr, Action: resources.NoOp}
	for i, lf := range o.leaves {
		if st.current[i] != nil {
			ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: lf.path.String(), Before: st.shown[i], Sensitive: st.sensitive[i]})
		}
	}
	if len(ch.Attrs) > 0 {
		ch.Action = resources.Delete
		ch.Notes = []string{fmt.Sprintf("the block was removed from the manifest: openclaw_config.%s removes its paths from %s and keeps everything else", o.user, st.file)}
	}
	return ch, nil
}

func (o *orphan) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: o.addr, Data: json.RawMessage(`{}`)}, nil
}

func (o *orphan) Apply(context.Context, *resources.Host, resources.Change) error     { return nil }
func (o *orphan) Restore(context.Context, *resources.Host, resources.Snapshot) error { return nil }

// kindBase is what the contributing kinds share: the orphan rebuild.
type kindBase struct{}

func (kindBase) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	return orphanFrom(addr, record)
}
