package gatewaysvc

import (
	"bytes"
	"context"
	"os"
	"path"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

// Restore returns the gateway to a snapshot: the unit file byte for byte
// (or gone), its [Install] link, lingering, and the running state: a
// gateway that did not run is stopped, one that ran and stopped is
// started. A running gateway is not restarted here (see restoreRunning).
func (s *Service) Restore(ctx context.Context, h *resources.Host, sn resources.Snapshot) error {
	snap, err := readSnapshot(sn)
	if err != nil {
		return err
	}
	acct := account.User{Name: snap.User, UID: snap.UID, GID: snap.GID, Home: snap.Home, Exists: snap.UID >= 0}
	p := s.paths(snap.Home)
	defer s.forget(h, acct, p)
	cur, err := fileSnapshot(h, p.unit)
	if err != nil {
		return err
	}
	changed := cur.Exists != snap.Unit.Exists || !bytes.Equal(cur.Content, snap.Unit.Content)
	m := connectIfUp(ctx, h, acct)
	if m != nil {
		defer m.Close()
	}
	if err := s.restoreUnit(ctx, h, m, acct, p, snap, changed); err != nil {
		return err
	}
	if err := restoreRunning(ctx, h, m, snap); err != nil {
		return err
	}
	return restoreLinger(ctx, h, acct, snap)
}

// restoreUnit puts back the unit file and its [Install] link, stopping
// and disabling a unit that is going away first.
func (s *Service) restoreUnit(ctx context.Context, h *resources.Host, m *systemd.Manager, acct account.User, p paths, snap snapshot, changed bool) error {
	wants, err := linkExists(h, p.wants)
	if err != nil {
		return err
	}
	if m != nil && (!snap.Unit.Exists || (snap.Managed && !snap.Active)) {
		if err := stopIfLoaded(ctx, m); err != nil {
			return err
		}
	}
	if wants && !snap.Wants {
		if err := unlinkWants(ctx, h, m, p, snap.WantsDirCreated); err != nil {
			return err
		}
	}
	if changed {
		if err := hostfs.Restore(snap.Unit); err != nil {
			return err
		}
	}
	if m != nil {
		if err := m.Reload(ctx); err != nil {
			return err
		}
		if !snap.Unit.Exists {
			m.ResetFailed(ctx, systemd.UnitName) // a unit that failed to start stays listed as failed until reset
		}
	}
	if snap.Wants && !wants {
		if m != nil {
			return m.Enable(ctx, systemd.UnitName)
		}
		return linkWants(h, acct, p)
	}
	return nil
}

// restoreRunning starts a gateway that ran before the apply and is
// stopped now. It does not restart one that runs: the engine refreshes
// after a rollback (on the restored files, config included), and after a
// failed apply the running gateway never saw the new files.
func restoreRunning(ctx context.Context, h *resources.Host, m *systemd.Manager, snap snapshot) error {
	if m == nil || !snap.Managed || !snap.Active || !snap.Unit.Exists {
		return nil
	}
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil || st.Active() {
		return err
	}
	return start(ctx, h, m, snap.UID, unitPort(snap.Unit.Content))
}

// restoreLinger turns lingering back to what it was, last: turning it off
// stops the user's manager and with it the gateway.
func restoreLinger(ctx context.Context, h *resources.Host, acct account.User, snap snapshot) error {
	cur, err := h.ReadFile(lingerPath(acct.Name))
	if err != nil || cur.Exists == snap.Linger.Exists || !acct.Exists {
		return err
	}
	return setLinger(ctx, h, acct, snap.Linger.Exists)
}

// unlinkWants disables the unit: through the manager when there is one
// (while the unit file still exists), else by removing the link.
func unlinkWants(ctx context.Context, h *resources.Host, m *systemd.Manager, p paths, dirCreated bool) error {
	if m != nil {
		// A link whose unit file is already gone cannot be disabled by
		// name; removing the link below does the same.
		if err := m.Disable(ctx, systemd.UnitName); err != nil {
			h.Log.Debug("disable through the user manager failed; removing the link", "err", err)
		}
	}
	dir, err := h.Path(path.Dir(p.wants))
	if err != nil {
		return err
	}
	if err := hostfs.Remove(path.Join(dir, path.Base(p.wants))); err != nil {
		return err
	}
	if dirCreated {
		os.Remove(dir) // only when empty; anything else put there stays
	}
	return nil
}

// stopIfLoaded stops the unit when the manager knows it and it is not
// stopped: running, or waiting to restart after a failed start.
func stopIfLoaded(ctx context.Context, m *systemd.Manager) error {
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil || st.LoadState == "not-found" || st.ActiveState == "inactive" || st.ActiveState == "failed" {
		return err
	}
	return m.Stop(ctx, systemd.UnitName)
}

// connectIfUp connects to the user's manager when its socket exists now,
// without waiting for one.
func connectIfUp(ctx context.Context, h *resources.Host, acct account.User) *systemd.Manager {
	if !acct.Exists {
		return nil
	}
	m, err := dialManager(ctx, h, acct.UID)
	if err != nil {
		return nil
	}
	return m
}

func (s *Service) forget(h *resources.Host, acct account.User, p paths) {
	h.Forget(p.unit)
	h.Forget(lingerPath(acct.Name))
	h.ForgetMemo(memoKey(acct.UID))
}
