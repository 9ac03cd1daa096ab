package sdbox

import (
	"testing"

	"github.com/docker/docker/client"
)

// StartOnBridge is Start on Docker's default bridge network instead of
// none, for a test host that installs packages through apt from the
// Debian mirror (the disaster-recovery test). Everything else is Start's:
// the same capabilities, private cgroup namespace and tmpfs mounts; the
// container is removed when the test ends.
func StartOnBridge(t testing.TB, c *client.Client, img string, binds []string) *Box {
	t.Helper()
	return start(t, c, img, binds, "bridge")
}
