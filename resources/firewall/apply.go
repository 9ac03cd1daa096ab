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
	if pend.table {
		var body []rawMsg
		if c.Action != resources.Delete {
			body = r.want
		}
		if err := r.replaceTable(pend.digest, body); err != nil {
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

// replaceTable commits delete-if-present + body as one transaction at the
// generation of a read that still shows the probed table. A commit that
// loses a race with an unrelated change (Docker's own rules) is retried
// after checking the table again; a change to the table itself refuses.
func (r *Firewall) replaceTable(probed string, body []rawMsg) error {
	c, err := r.ns.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	reqs, err := requests(body)
	if err != nil {
		return err
	}
	msgs, err := replaceMessages(unix.NFPROTO_INET, r.s.Table, reqs)
	if err != nil {
		return err
	}
	if faultInjectBatch != nil {
		msgs = faultInjectBatch(msgs)
	}
	for attempt := 0; attempt < 5; attempt++ {
		live, err := readTable(c, unix.NFPROTO_INET, r.s.Table)
		if err != nil {
			return err
		}
		if digest(modelOf(live.Msgs)) != probed {
			return fmt.Errorf("nftables table inet %s changed since it was probed (someone edited it): nothing was applied; run plan again to see the change", r.s.Table)
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

// snapshot is the table as it was (its objects, replayable) and the files
// Apply may write, as plain JSON a new process can restore from.
type snapshot struct {
	NetNS   string        `json:"netns,omitempty"`
	Family  uint8         `json:"family"`
	Table   string        `json:"table"`
	Exists  bool          `json:"exists"`
	Objects []rawMsg      `json:"objects,omitempty"`
	Files   []hostfs.File `json:"files"`
}

// Snapshot reads the table and the persisted files as they are now.
func (r *Firewall) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	live, err := r.readLive()
	if err != nil {
		return resources.Snapshot{}, err
	}
	s := snapshot{NetNS: string(r.ns), Family: unix.NFPROTO_INET, Table: r.s.Table, Exists: len(live.Msgs) > 0}
	for _, m := range live.Msgs {
		s.Objects = append(s.Objects, m.replayable())
	}
	for _, p := range []string{*r.s.PersistFile, r.s.NftablesConf} {
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

// Restore puts the table back as the snapshot found it (or deletes it
// when it did not exist) in one transaction, then the files.
func (r *Firewall) Restore(ctx context.Context, h *resources.Host, snap resources.Snapshot) error {
	var s snapshot
	if err := json.Unmarshal(snap.Data, &s); err != nil {
		return fmt.Errorf("read firewall snapshot: %w", err)
	}
	defer h.ForgetMemo(r.memoKey())
	if err := restoreTable(s); err != nil {
		return err
	}
	for _, f := range s.Files {
		if err := hostfs.Restore(f); err != nil {
			return fmt.Errorf("restore %s: %w", f.Path, err)
		}
	}
	return nil
}

func restoreTable(s snapshot) error {
	c, err := netNS(s.NetNS).dial()
	if err != nil {
		return err
	}
	defer c.Close()
	var body []netlink.Message
	if s.Exists {
		if body, err = replayMessages(s.Objects); err != nil {
			return err
		}
	}
	msgs, err := replaceMessages(s.Family, s.Table, body)
	if err != nil {
		return err
	}
	want := digest(modelOf(s.Objects))
	for attempt := 0; attempt < 5; attempt++ {
		live, err := readTable(c, s.Family, s.Table)
		if err != nil {
			return err
		}
		if digest(modelOf(live.Msgs)) == want {
			return nil // already as it was: nothing to put back
		}
		if err = commit(c, live.Gen, msgs); !errors.Is(err, errStale) {
			return err
		}
	}
	return fmt.Errorf("restore table %s: %w on every attempt", s.Table, errStale)
}
