package systemd

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"
)

// PrivateSocket is the user manager's private D-Bus socket for uid.
func PrivateSocket(uid int) string { return fmt.Sprintf("/run/user/%d/systemd/private", uid) }

// Manager is a connection to one user's systemd manager.
type Manager struct {
	conn *sdbus.Conn
}

// Status is what the manager says about one unit.
type Status struct {
	LoadState     string `json:"load_state"`
	ActiveState   string `json:"active_state"`
	SubState      string `json:"sub_state"`
	UnitFileState string `json:"unit_file_state"`
	// InvocationID changes on every start: two probes with the same ID saw
	// the same run of the service.
	InvocationID     string `json:"invocation_id"`
	NeedDaemonReload bool   `json:"need_daemon_reload"`
	MainPID          uint32 `json:"main_pid"`
	// ExecMainStartTimestamp is in microseconds since the epoch.
	ExecMainStartTimestamp uint64 `json:"exec_main_start_timestamp"`
	ExecMainStatus         int32  `json:"exec_main_status"`
	Result                 string `json:"result"`
}

// Active reports whether the unit is running.
func (s Status) Active() bool { return s.ActiveState == "active" || s.ActiveState == "reloading" }

// Dial connects to the user manager listening on socket (the full path of
// PrivateSocket, under the run's root) as this process's uid.
func Dial(ctx context.Context, socket string) (*Manager, error) {
	if _, err := os.Stat(socket); err != nil {
		return nil, fmt.Errorf("user manager socket: %w", err)
	}
	conn, err := sdbus.NewConnection(func() (*dbus.Conn, error) { return dialPrivate(ctx, socket) })
	if err != nil {
		return nil, fmt.Errorf("connecting to the user manager at %s: %w", socket, err)
	}
	return &Manager{conn: conn}, nil
}

// dialPrivate opens a peer-to-peer connection: EXTERNAL auth, no Hello.
func dialPrivate(ctx context.Context, socket string) (*dbus.Conn, error) {
	c, err := dbus.Dial("unix:path="+socket, dbus.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if err := c.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(os.Getuid()))}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// WaitSocket waits until socket exists (a user manager that lingering just
// started), up to timeout.
func WaitSocket(ctx context.Context, socket string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if _, err := os.Stat(socket); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the user manager did not come up: %s missing after %s", socket, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close ends the connection.
func (m *Manager) Close() { m.conn.Close() }

// Reload is `systemctl --user daemon-reload`.
func (m *Manager) Reload(ctx context.Context) error { return m.conn.ReloadContext(ctx) }

// Enable links name into the targets its [Install] section names.
func (m *Manager) Enable(ctx context.Context, name string) error {
	_, _, err := m.conn.EnableUnitFilesContext(ctx, []string{name}, false, true)
	return err
}

// Disable removes name's [Install] links.
func (m *Manager) Disable(ctx context.Context, name string) error {
	_, err := m.conn.DisableUnitFilesContext(ctx, []string{name}, false)
	return err
}

// ResetFailed is `systemctl --user reset-failed name`: a failed unit is
// forgotten (a unit whose file is gone then disappears).
func (m *Manager) ResetFailed(ctx context.Context, name string) error {
	return m.conn.ResetFailedUnitContext(ctx, name)
}

// Start starts name and waits for the job.
func (m *Manager) Start(ctx context.Context, name string) error {
	return m.job(ctx, "start", name, m.conn.StartUnitContext)
}

// Restart restarts name (starting it when stopped) and waits for the job.
func (m *Manager) Restart(ctx context.Context, name string) error {
	return m.job(ctx, "restart", name, m.conn.RestartUnitContext)
}

// Stop stops name and waits for the job.
func (m *Manager) Stop(ctx context.Context, name string) error {
	return m.job(ctx, "stop", name, m.conn.StopUnitContext)
}

type jobFunc func(ctx context.Context, name, mode string, ch chan<- string) (int, error)

func (m *Manager) job(ctx context.Context, what, name string, fn jobFunc) error {
	ch := make(chan string, 1)
	if _, err := fn(ctx, name, "replace", ch); err != nil {
		return fmt.Errorf("%s %s: %w", what, name, err)
	}
	select {
	case res := <-ch:
		if res != "done" {
			return fmt.Errorf("%s %s: job %s; see `journalctl --user -u %s`", what, name, res, name)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s %s: %w", what, name, ctx.Err())
	}
}

// Status reads name's unit and service properties. An unknown unit is
// LoadState "not-found", not an error.
func (m *Manager) Status(ctx context.Context, name string) (Status, error) {
	u, err := m.conn.GetUnitPropertiesContext(ctx, name)
	if err != nil {
		return Status{}, err
	}
	st := Status{LoadState: str(u["LoadState"]), ActiveState: str(u["ActiveState"]), SubState: str(u["SubState"]),
		UnitFileState: str(u["UnitFileState"]), NeedDaemonReload: u["NeedDaemonReload"] == true}
	if id, ok := u["InvocationID"].([]byte); ok {
		st.InvocationID = hex.EncodeToString(id)
	}
	if st.LoadState == "not-found" {
		return st, nil
	}
	s, err := m.conn.GetUnitTypePropertiesContext(ctx, name, "Service")
	if err != nil {
		return st, err
	}
	st.MainPID, _ = s["MainPID"].(uint32)
	st.ExecMainStartTimestamp, _ = s["ExecMainStartTimestamp"].(uint64)
	st.ExecMainStatus, _ = s["ExecMainStatus"].(int32)
	st.Result = str(s["Result"])
	return st, nil
}

// WaitSettled polls name until it is active for settle, or fails: a unit
// whose process exits at once (78: config incomplete) is not "started".
func (m *Manager) WaitSettled(ctx context.Context, name string, settle time.Duration) (Status, error) {
	deadline := time.Now().Add(settle)
	for {
		st, err := m.Status(ctx, name)
		if err != nil {
			return st, err
		}
		if st.ActiveState == "failed" || (st.ActiveState == "inactive" && time.Now().After(deadline)) {
			return st, fmt.Errorf("%s stopped right after starting (result %s, exit status %d); see `journalctl --user -u %s`", name, st.Result, st.ExecMainStatus, name)
		}
		if time.Now().After(deadline) && st.Active() {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }
