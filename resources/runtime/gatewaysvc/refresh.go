package gatewaysvc

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

// StartTimeout bounds the wait for a (re)started gateway to listen. A
// fresh state directory takes about 8 s; migrations can take longer.
var StartTimeout = 2 * time.Minute

// SettleTime is how long a restarted gateway must stay up to count as
// started when its sockets cannot be read (no /proc under the root).
var SettleTime = 3 * time.Second

// Refresh restarts the gateway (starting it when stopped) and waits until
// it listens on the port its unit file names. The engine calls it once per
// apply, after every change succeeded, for all the changes that named this
// node in Triggers; after a rollback; and, when a restart failed, again
// after restoring the old state, where there may be no unit at all: then
// there is nothing to restart. On a --root tree without a user manager the
// unit starts at boot.
func (s *Service) Refresh(ctx context.Context, h *resources.Host) error {
	h.Forget("/etc/passwd")
	acct, err := account.Lookup(h, s.set.User)
	if err != nil || !acct.Exists {
		return errors.Join(err, errUserMissing(s.set.User))
	}
	defer h.ForgetMemo(memoKey(acct.UID))
	unit, err := fileSnapshot(h, s.paths(acct.Home).unit)
	if err != nil || !unit.Exists {
		h.Log.Info("no gateway unit: nothing to restart", "addr", s.addr.String())
		return err
	}
	m, err := s.liveManager(ctx, h, acct)
	if err != nil || m == nil {
		if m == nil && err == nil {
			h.Log.Info("no user manager under this root: the gateway starts at boot", "addr", s.addr.String())
		}
		return err
	}
	defer m.Close()
	return restart(ctx, h, m, acct.UID, unitPort(unit.Content))
}

// restart restarts the gateway and waits until it listens on port. A
// gateway that is still starting is left to finish first: OpenClaw killed
// during its startup maintenance leaves a database lease behind, and the
// next start then refuses with exit 78 until the lease expires.
func restart(ctx context.Context, h *resources.Host, m *systemd.Manager, uid, port int) error {
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil {
		return err
	}
	if st.Active() {
		waitListening(ctx, h, m, st, uid) // best effort: restart it either way
	}
	if st.NeedDaemonReload {
		if err := m.Reload(ctx); err != nil {
			return err
		}
	}
	if err := m.Restart(ctx, systemd.UnitName); err != nil {
		return err
	}
	return started(ctx, h, m, uid, port)
}

// start starts a stopped gateway and waits until it listens.
func start(ctx context.Context, h *resources.Host, m *systemd.Manager, uid, port int) error {
	if err := m.Start(ctx, systemd.UnitName); err != nil {
		return err
	}
	return started(ctx, h, m, uid, port)
}

func started(ctx context.Context, h *resources.Host, m *systemd.Manager, uid, port int) error {
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil {
		return err
	}
	if st, err = waitReady(ctx, h, m, uid, port, st.InvocationID); err != nil {
		return fmt.Errorf("the gateway did not come up: %w", err)
	}
	h.Log.Info("gateway started", "unit", systemd.UnitName, "invocation", st.InvocationID, "pid", st.MainPID, "port", port)
	return nil
}

// waitReady waits until the run of the unit identified by invocation is
// active and a socket of the service user (uid) listens on port: another
// program holding the port does not count. It fails when the run ends
// (exit 78 is "config incomplete": the unit does not restart it) or
// systemd restarts it after a crash.
func waitReady(ctx context.Context, h *resources.Host, m *systemd.Manager, uid, port int, invocation string) (systemd.Status, error) {
	deadline := time.Now().Add(StartTimeout)
	for {
		st, err := m.Status(ctx, systemd.UnitName)
		switch {
		case err != nil:
			return st, err
		case st.ActiveState == "failed" || st.ActiveState == "inactive" || st.InvocationID != invocation:
			return st, fmt.Errorf("%s stopped while starting (state %s, result %s, exit status %d); see `journalctl --user -u %s`",
				systemd.UnitName, st.ActiveState, st.Result, st.ExecMainStatus, systemd.UnitName)
		}
		socks, ok := liveListenersOf(h, uid, port)
		if !ok {
			return m.WaitSettled(ctx, systemd.UnitName, SettleTime)
		}
		if st.Active() && len(socks) > 0 {
			return st, nil
		}
		if time.Now().After(deadline) {
			return st, fmt.Errorf("%s is %s but it does not listen on port %d after %s%s; see `journalctl --user -u %s`",
				systemd.UnitName, st.ActiveState, port, StartTimeout, heldBy(h, port), systemd.UnitName)
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// heldBy says when another program listens on the port the gateway wants.
func heldBy(h *resources.Host, port int) string {
	if socks, _ := liveListeners(h, port); len(socks) > 0 {
		return fmt.Sprintf(" (another program listens on %s)", socks[0])
	}
	return ""
}

// waitListening waits, up to StartTimeout, until the running gateway
// listens (on whatever port its unit gave it: a socket of the service
// user), or its run ends.
func waitListening(ctx context.Context, h *resources.Host, m *systemd.Manager, st systemd.Status, uid int) {
	deadline := time.Now().Add(StartTimeout)
	for time.Now().Before(deadline) {
		listens, ok := uidListens(h, uid)
		if listens || !ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
		now, err := m.Status(ctx, systemd.UnitName)
		if err != nil || now.InvocationID != st.InvocationID || !now.Active() {
			return
		}
	}
}

var portEnv = regexp.MustCompile(`(?m)^Environment=OPENCLAW_GATEWAY_PORT=(\d+)$`)

// unitPort is the port a unit file starts the gateway on.
func unitPort(unit []byte) int {
	if m := portEnv.FindSubmatch(unit); m != nil {
		if p, err := strconv.Atoi(string(m[1])); err == nil {
			return p
		}
	}
	return DefaultPort
}
