package gatewaysvc

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// snapshot is the gateway's state before an apply, as plain JSON so a new
// process can restore it: the unit file's bytes, mode and owner; whether
// it was enabled (its [Install] link) and running; and the linger file.
// The installed runtime is not part of it: installs go into a prefix per
// version that nothing else touches, and the unit names the prefix.
type snapshot struct {
	User    string      `json:"user"`
	UID     int         `json:"uid"`
	GID     int         `json:"gid"`
	Home    string      `json:"home"`
	Unit    hostfs.File `json:"unit"`
	Wants   bool        `json:"wants"`
	Linger  hostfs.File `json:"linger"`
	Managed bool        `json:"managed"` // the user manager answered; Active is real
	Active  bool        `json:"active"`
	// WantsDirCreated is set when the [Install] link's directory did not
	// exist, so restoring "not enabled" removes it too.
	WantsDirCreated bool `json:"wants_dir_created,omitempty"`
}

// Snapshot records what Apply (or a delete) will touch.
func (s *Service) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	h.Forget("/etc/passwd")
	acct, err := account.Lookup(h, s.set.User)
	if err != nil {
		return resources.Snapshot{}, err
	}
	h.ForgetMemo(memoKey(acct.UID))
	o, err := s.observe(ctx, h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	snap := snapshot{User: acct.Name, UID: acct.UID, GID: acct.GID, Home: acct.Home, Wants: o.wants,
		Managed: o.mgrErr == nil, Active: o.mgrErr == nil && o.status.Active()}
	if snap.Unit, err = fileSnapshot(h, o.paths.unit); err != nil {
		return resources.Snapshot{}, err
	}
	if snap.Linger, err = fileSnapshot(h, lingerPath(acct.Name)); err != nil {
		return resources.Snapshot{}, err
	}
	if dir, err := h.Path(o.paths.wants); err == nil {
		snap.WantsDirCreated = len(hostfs.MissingDirs(dir)) > 0
	}
	b, err := json.Marshal(snap)
	return resources.Snapshot{Addr: s.addr, Data: b}, err
}

func fileSnapshot(h *resources.Host, p string) (hostfs.File, error) {
	full, err := h.Path(p)
	if err != nil {
		return hostfs.File{}, err
	}
	return hostfs.Snapshot(full)
}

func readSnapshot(s resources.Snapshot) (snapshot, error) {
	var snap snapshot
	if err := json.Unmarshal(s.Data, &snap); err != nil {
		return snap, fmt.Errorf("snapshot of %s: %w", s.Addr, err)
	}
	return snap, nil
}
