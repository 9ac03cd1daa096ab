package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/clawplan/clawplan/resources"
)

// Diff compares each named device's operator token scopes with the
// declared ones (both normalized as OpenClaw stores them).
func (d *devices) Diff(cur resources.State) (resources.Change, error) {
	st, _ := cur.Private.(deviceState)
	c := resources.Change{Addr: d.addr, Action: resources.NoOp}
	var rots []rotation
	for _, key := range sortedKeys(d.set.Scopes) {
		want := normalize(d.set.Scopes[key])
		dv, err := find(st.Devices, key)
		if err != nil {
			return c, err
		}
		if dv.ID == "" {
			c.Notes = append(c.Notes, fmt.Sprintf("device %q is not paired yet: clawplan cannot pair it (a loopback client with the gateway token pairs itself); its scopes are ensured by the first apply after it appears in `openclaw devices list`", key))
			continue
		}
		have := dv.Tokens["operator"]
		if slices.Equal(have, want) {
			continue
		}
		if !slices.Contains(dv.Approved, "operator.admin") && !subset(want, dv.Approved) {
			return c, fmt.Errorf("device_scopes[%q]: device %s was approved for %v only; OpenClaw rotates tokens within the approved scopes, so %v needs a new approval: `openclaw devices remove %s`, reconnect the client asking for those scopes, then `openclaw devices approve <requestId>`", key, dv.ID, dv.Approved, want, dv.ID)
		}
		rots = append(rots, rotation{Key: key, ID: dv.ID, Before: have, Scopes: want})
		c.Attrs = append(c.Attrs, resources.AttrChange{Path: fmt.Sprintf("device_scopes[%q] (%s, operator token)", key, short(dv.ID)), Before: anyList(have), After: anyList(want)})
	}
	if len(rots) > 0 {
		c.Action = resources.Update
		c.Notes = append(c.Notes, "applied with `openclaw devices rotate --role operator`: each device gets a new token and its connected clients are disconnected; a loopback client with the gateway token reconnects by itself, a remote one needs its token again")
		if !st.Up {
			c.Notes = append(c.Notes, fmt.Sprintf("the gateway does not listen on 127.0.0.1:%d now: the scope changes wait for it (apply waits up to %s after the gateway service starts)", d.set.Port, gatewayWait))
		}
	}
	c.Private = rots
	return c, nil
}

// Snapshot keeps each named device's current operator token scopes.
func (d *devices) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	st, err := d.Probe(ctx, h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	keep := map[string][]string{}
	for _, dv := range st.Private.(deviceState).Devices {
		if _, ok := d.set.Scopes[dv.ID]; ok || d.named(dv) {
			if s, ok := dv.Tokens["operator"]; ok {
				keep[dv.ID] = s
			}
		}
	}
	raw, err := json.Marshal(keep)
	return resources.Snapshot{Addr: d.addr, Data: raw}, err
}

func (d *devices) named(dv device) bool {
	_, a := d.set.Scopes[dv.DisplayName]
	_, b := d.set.Scopes[dv.Label]
	return (a && dv.DisplayName != "") || (b && dv.Label != "")
}

// Apply rotates every changed device through the gateway.
func (d *devices) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	rots, _ := c.Private.([]rotation)
	if len(rots) == 0 {
		return nil
	}
	acct, err := d.home(h)
	if err != nil {
		return err
	}
	if !listening(d.set.Port, gatewayWait) {
		return fmt.Errorf("the gateway does not listen on 127.0.0.1:%d: device scopes change only through it", d.set.Port)
	}
	for _, r := range rots {
		if err := rotate(ctx, h, acct, d.set, r.ID, r.Scopes); err != nil {
			return err
		}
		h.Log.Info("device token rotated", "addr", d.addr.String(), "device", short(r.ID), "scopes", r.Scopes)
	}
	return nil
}

// Restore rotates each device back to the scopes it had, when they differ.
func (d *devices) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var keep map[string][]string
	if err := json.Unmarshal(s.Data, &keep); err != nil {
		return err
	}
	acct, err := d.home(h)
	if err != nil {
		return err
	}
	devs, _, err := readDevices(h, dbPath(acct.Home))
	if err != nil {
		return err
	}
	for _, dv := range devs {
		want, ok := keep[dv.ID]
		if !ok || slices.Equal(dv.Tokens["operator"], want) {
			continue
		}
		if !listening(d.set.Port, gatewayWait) {
			return fmt.Errorf("the gateway does not listen on 127.0.0.1:%d: cannot restore device %s", d.set.Port, short(dv.ID))
		}
		if err := rotate(ctx, h, acct, d.set, dv.ID, want); err != nil {
			return err
		}
	}
	return nil
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
