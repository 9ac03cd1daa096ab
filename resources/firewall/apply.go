package firewall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// faultInjectBatch is fault injection for the real-kernel tests, nil in
// production: it may edit a transaction before it is sent, to make the
// kernel reject it midway (a failure no real input produces on demand).
var faultInjectBatch func([]netlink.Message) []netlink.Message

// Apply replaces the whole table in one netlink transaction (or deletes
// it), refusing when the table changed since the probe, then writes the
// persisted files.
func (r *Firewall) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	pend, ok := c.Private.(*pending)
	if !ok {
		fresh, err := r.replan(ctx, h)
		if err != nil {
			return err
		}
		pend = fresh
	}
	defer h.ForgetMemo(r.memoKey())
	if pend.replace || len(pend.drop) > 0 {
		var body []rawMsg
		if c.Action != resources.Delete {
			body = r.want
		}
		if err := r.replaceTable(pend, body); err != nil {
			return err
		}
	}
	for _, f := range pend.files {
		if err := writeFile(h, f); err != nil {
			return err
		}
	}
	return nil
}

// replan probes afresh and diffs, for an Apply given a Change whose
// private part was lost (a plan read back from disk).
func (r *Firewall) replan(ctx context.Context, h *resources.Host) (*pending, error) {
	h.ForgetMemo(r.memoKey())
	st, err := r.Probe(ctx, h)
	if err != nil {
		return nil, err
	}
	ch, err := r.Diff(st)
	if err != nil {
		return nil, err
	}
	return ch.Private.(*pending), nil
}

// replaceTable commits, as one transaction, the deletion of the block's
// stale tables and the change of its table to body (see transition), at
// the generation of a read that still shows what was probed. A commit that
// loses a race with an unrelated change (Docker's own rules) is retried
// after checking again; a change to the block's tables refuses.
func (r *Firewall) replaceTable(pend *pending, body []rawMsg) error {
	c, err := r.ns.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	for attempt := 0; attempt < 5; attempt++ {
		live, err := readTable(c, unix.NFPROTO_INET, r.s.Table, r.addr.String())
		if err != nil {
			return err
		}
		if live.digest() != pend.digest {
			return fmt.Errorf("nftables table inet %s changed since it was probed (someone edited it): nothing was applied; run plan again to see the change", r.s.Table)
		}
		var msgs []netlink.Message
		for _, name := range pend.drop {
			del, err := recreate(unix.NFPROTO_INET, name, nil)
			if err != nil {
				return err
			}
			msgs = append(msgs, del...)
		}
		if pend.replace {
			change, _, err := transition(unix.NFPROTO_INET, r.s.Table, live.Msgs, body)
			if err != nil {
				return err
			}
			msgs = append(msgs, change...)
		}
		if faultInjectBatch != nil {
			msgs = faultInjectBatch(msgs)
		}
		if err = commit(c, live.Gen, msgs); !errors.Is(err, errStale) {
			return err
		}
	}
	return fmt.Errorf("table inet %s: %w on every attempt; nothing was applied, try again", r.s.Table, errStale)
}

func writeFile(h *resources.Host, f fileChange) error {
	full, err := h.Path(f.Path)
	if err != nil {
		return err
	}
	defer h.Forget(f.Path)
	if f.Remove {
		return hostfs.Remove(full)
	}
	mode, owner := fs.FileMode(f.Mode), hostfs.Keep
	if f.Before.Exists {
		mode, owner = f.Before.Mode, hostfs.Owner{UID: f.Before.UID, GID: f.Before.GID}
	}
	if err := hostfs.WriteAtomic(full, f.After, mode, 0o755, owner); err != nil {
		return fmt.Errorf("write %s: %w", f.Path, err)
	}
	return nil
}

// snapshot is the block's tables as they were (their objects,
// replayable; a table that did not exist is recorded as such) and the
// files Apply may write, as plain JSON a new process can restore from.
type snapshot struct {
	NetNS  string        `json:"netns,omitempty"`
	Family uint8         `json:"family"`
	Tables []tableSnap   `json:"tables"`
	Files  []hostfs.File `json:"files"`
}

type tableSnap struct {
	Name    string   `json:"name"`
	Exists  bool     `json:"exists"`
	Objects []rawMsg `json:"objects,omitempty"`
}

func snapOf(name string, msgs []rawMsg) tableSnap {
	t := tableSnap{Name: name, Exists: len(msgs) > 0}
	for _, m := range msgs {
		t.Objects = append(t.Objects, m.replayable())
	}
	return t
}

// Snapshot reads the tables and the persisted files as they are now.
func (r *Firewall) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	live, err := r.readLive()
	if err != nil {
		return resources.Snapshot{}, err
	}
	s := snapshot{NetNS: string(r.ns), Family: unix.NFPROTO_INET, Tables: []tableSnap{snapOf(r.s.Table, live.Msgs)}}
	for _, name := range live.staleNames() {
		s.Tables = append(s.Tables, snapOf(name, live.Stale[name]))
	}
	confPath, err := h.Path(r.s.NftablesConf)
	if err != nil {
		return resources.Snapshot{}, err
	}
	conf, err := hostfs.Snapshot(confPath)
	if err != nil {
		return resources.Snapshot{}, err
	}
	s.Files = append(s.Files, conf)
	for _, p := range r.filePaths(conf.Content) {
		full, err := h.Path(p)
		if err != nil {
			return resources.Snapshot{}, err
		}
		f, err := hostfs.Snapshot(full)
		if err != nil {
			return resources.Snapshot{}, err
		}
		s.Files = append(s.Files, f)
	}
	data, err := json.Marshal(s)
	return resources.Snapshot{Addr: r.addr, Data: data}, err
}

// Restore puts the tables back as the snapshot found them (deleting those
// that did not exist) in one transaction, then the files.
func (r *Firewall) Restore(ctx context.Context, h *resources.Host, snap resources.Snapshot) error {
	var s snapshot
	if err := json.Unmarshal(snap.Data, &s); err != nil {
		return fmt.Errorf("read firewall snapshot: %w", err)
	}
	defer h.ForgetMemo(r.memoKey())
	if err := restoreTables(s); err != nil {
		return err
	}
	for i := len(s.Files) - 1; i >= 0; i-- {
		if err := hostfs.Restore(s.Files[i]); err != nil {
			return fmt.Errorf("restore %s: %w", s.Files[i].Path, err)
		}
	}
	return nil
}

// restoreTables takes every table of the snapshot back, in one
// transaction built (see transition) from a consistent read of them.
func restoreTables(s snapshot) error {
	c, err := netNS(s.NetNS).dial()
	if err != nil {
		return err
	}
	defer c.Close()
	for attempt := 0; attempt < 5; attempt++ {
		var msgs []netlink.Message
		gen, err := consistently(c, func() error {
			msgs = nil
			for _, t := range s.Tables {
				live, err := dumpTable(c, s.Family, t.Name)
				if err != nil {
					return err
				}
				if digest(modelOf(live)) == digest(modelOf(t.Objects)) {
					continue // already as it was
				}
				change, _, err := transition(s.Family, t.Name, live, t.Objects)
				if err != nil {
					return err
				}
				msgs = append(msgs, change...)
			}
			return nil
		})
		if err != nil || len(msgs) == 0 {
			return err
		}
		if err = commit(c, gen, msgs); !errors.Is(err, errStale) {
			return err
		}
	}
	return fmt.Errorf("restore the firewall tables: %w on every attempt", errStale)
}
