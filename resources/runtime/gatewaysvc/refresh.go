package gatewaysvc

import (
	"context"
	"fmt"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

// SettleTime is how long a restarted gateway must stay up to count as
// started: a config it cannot use makes it exit within a second or two
// (exit 78, which the unit does not restart).
var SettleTime = 3 * time.Second

// Refresh restarts the gateway (starting it when stopped) and waits until
// it stays up. The engine calls it once per apply, after every change
// succeeded, for all the changes that named this node in Triggers. On a
// --root tree without a user manager there is nothing to restart: the unit
// starts at boot.
func (s *Service) Refresh(ctx context.Context, h *resources.Host) error {
	h.Forget("/etc/passwd")
	acct, err := account.Lookup(h, s.set.User)
	if err != nil {
		return err
	}
	if !acct.Exists {
		return errUserMissing(s.set.User)
	}
	defer h.ForgetMemo(memoKey(acct.UID))
	m, err := s.liveManager(ctx, h, acct)
	if err != nil || m == nil {
		if m == nil && err == nil {
			h.Log.Info("no user manager under this root: the gateway starts at boot", "addr", s.addr.String())
		}
		return err
	}
	defer m.Close()
	return restart(ctx, h, m)
}

// restart reloads units if needed, restarts the gateway and waits for it
// to settle.
func restart(ctx context.Context, h *resources.Host, m *systemd.Manager) error {
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil {
		return err
	}
	if st.NeedDaemonReload {
		if err := m.Reload(ctx); err != nil {
			return err
		}
	}
	if err := m.Restart(ctx, systemd.UnitName); err != nil {
		return err
	}
	after, err := m.WaitSettled(ctx, systemd.UnitName, SettleTime)
	if err != nil {
		return fmt.Errorf("the gateway did not stay up after its restart: %w", err)
	}
	h.Log.Info("gateway restarted", "unit", systemd.UnitName, "invocation", after.InvocationID, "pid", after.MainPID)
	return nil
}
