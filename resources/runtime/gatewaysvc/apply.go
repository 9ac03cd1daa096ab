package gatewaysvc

import (
	"context"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

// ManagerTimeout bounds the wait for a user manager that lingering starts.
var ManagerTimeout = 15 * time.Second

// Apply installs OpenClaw if needed, writes the unit, turns lingering on
// and enables the unit. It does not start or restart the gateway: Refresh
// does, once, after the whole apply succeeded.
func (s *Service) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	if c.Action == resources.Delete {
		return s.applyDelete(ctx, h)
	}
	h.Forget("/etc/passwd") // a block of this apply may have created the user
	acct, err := account.Lookup(h, s.set.User)
	if err != nil {
		return err
	}
	if !acct.Exists {
		return errUserMissing(s.set.User)
	}
	defer h.ForgetMemo(memoKey(acct.UID))
	o, err := s.observe(ctx, h)
	if err != nil {
		return err
	}
	w := s.work(o)
	if w.install {
		if err := s.install(ctx, h, acct, o.paths.prefix); err != nil {
			return err
		}
	}
	if w.unit {
		if err := s.writeUnit(h, acct, o.paths.unit); err != nil {
			return err
		}
	}
	if w.linger {
		if err := setLinger(ctx, h, acct, true); err != nil {
			return err
		}
	}
	return s.enable(ctx, h, acct, o.paths)
}

// writeUnit writes the rendered unit, 0644, owned by the user (so are the
// directories it creates).
func (s *Service) writeUnit(h *resources.Host, acct account.User, p string) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer h.Forget(p)
	return hostfs.WriteAtomic(full, s.desiredUnit(acct.Home), 0o644, 0o755, hostfs.Owner{UID: acct.UID, GID: acct.GID})
}

// enable reloads the user manager and enables the unit. Without a manager
// (a --root tree being prepared), it links the unit the way `systemctl
// --user enable` would, so the gateway starts when the user manager does.
func (s *Service) enable(ctx context.Context, h *resources.Host, acct account.User, p paths) error {
	m, err := s.liveManager(ctx, h, acct)
	if err != nil {
		return err
	}
	if m == nil {
		return linkWants(h, acct, p)
	}
	defer m.Close()
	if err := m.Reload(ctx); err != nil {
		return fmt.Errorf("daemon-reload of %s's manager: %w", acct.Name, err)
	}
	if err := m.Enable(ctx, systemd.UnitName); err != nil {
		return fmt.Errorf("enabling %s: %w", systemd.UnitName, err)
	}
	return startIfStopped(ctx, h, m, acct.UID, s.set.Port)
}

// startIfStopped starts a gateway that is not running, and waits until it
// listens. On a first install nothing runs yet, and blocks that talk to
// the gateway (cron jobs, paired devices) apply after this one in the same
// apply: they must find it up. A running gateway is left to Refresh,
// which restarts it once after every change.
func startIfStopped(ctx context.Context, h *resources.Host, m *systemd.Manager, uid, port int) error {
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil || st.Active() {
		return err
	}
	if err := restart(ctx, h, m, uid, port); err != nil {
		return fmt.Errorf("starting %s: %w", systemd.UnitName, err)
	}
	return nil
}

// liveManager connects to the user's manager, waiting for one lingering
// just started. On a --root tree (Root is not "/") a missing manager is
// not an error: it returns nil and the caller works on files only.
func (s *Service) liveManager(ctx context.Context, h *resources.Host, acct account.User) (*systemd.Manager, error) {
	sock, err := h.Path(systemd.PrivateSocket(acct.UID))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(sock); err != nil && h.Root != "/" && h.Root != "" {
		return nil, nil
	}
	if err := systemd.WaitSocket(ctx, sock, ManagerTimeout); err != nil {
		return nil, fmt.Errorf("%w: is systemd running, and lingering on for %s (%s)?", err, acct.Name, lingerPath(acct.Name))
	}
	return systemd.Dial(ctx, sock)
}

// linkWants creates the [Install] link by hand: WantedBy=default.target.
func linkWants(h *resources.Host, acct account.User, p paths) error {
	dir, err := h.Path(path.Dir(p.wants))
	if err != nil {
		return err
	}
	if err := hostfs.EnsureDir(dir, 0o755, hostfs.Owner{UID: acct.UID, GID: acct.GID}); err != nil {
		return err
	}
	link := path.Join(dir, path.Base(p.wants))
	if _, err := os.Lstat(link); err == nil {
		return nil
	}
	if err := os.Symlink(p.unit, link); err != nil {
		return err
	}
	return os.Lchown(link, acct.UID, acct.GID)
}

// setLinger turns lingering on or off: through logind when the system bus
// answers (which also starts or stops the user's manager at once), else by
// writing or removing the linger file, which logind reads at boot.
func setLinger(ctx context.Context, h *resources.Host, acct account.User, on bool) error {
	defer h.Forget(lingerPath(acct.Name))
	bus, err := h.Path(systemd.SystemBusSocket)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bus); err == nil {
		return systemd.SetLinger(ctx, bus, acct.UID, on)
	}
	full, err := h.Path(lingerPath(acct.Name))
	if err != nil {
		return err
	}
	if !on {
		return hostfs.Remove(full)
	}
	return hostfs.WriteAtomic(full, nil, 0o644, 0o755, hostfs.Keep)
}
