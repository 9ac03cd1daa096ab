package systemd

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/godbus/dbus/v5"
)

// LingerDir holds one empty file per user whose manager starts at boot.
const LingerDir = "/var/lib/systemd/linger"

// SystemBusSocket is the system bus, where logind listens.
const SystemBusSocket = "/run/dbus/system_bus_socket"

// SetLinger asks logind, on the system bus at socket (a full path under the
// run's root), to turn lingering for uid on or off: what `loginctl
// enable-linger` does. logind writes the linger file and starts (or stops)
// the user's manager at once.
func SetLinger(ctx context.Context, socket string, uid int, enable bool) error {
	if _, err := os.Stat(socket); err != nil {
		return fmt.Errorf("system bus: %w", err)
	}
	c, err := dbus.Dial("unix:path="+socket, dbus.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("system bus: %w", err)
	}
	defer c.Close()
	if err := c.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(os.Getuid()))}); err != nil {
		return fmt.Errorf("system bus: %w", err)
	}
	if err := c.Hello(); err != nil {
		return fmt.Errorf("system bus: %w", err)
	}
	obj := c.Object("org.freedesktop.login1", "/org/freedesktop/login1")
	call := obj.CallWithContext(ctx, "org.freedesktop.login1.Manager.SetUserLinger", 0, uint32(uid), enable, false)
	if call.Err != nil {
		return fmt.Errorf("logind SetUserLinger(%d, %t): %w", uid, enable, call.Err)
	}
	return nil
}
