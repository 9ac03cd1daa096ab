package sdbox

import (
	"context"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
)

// StartOnBridge is Start on Docker's default bridge network instead of
// none, for a test host that installs packages through apt from the
// Debian mirror (the disaster-recovery test). Everything else is Start's:
// the same capabilities, private cgroup namespace and tmpfs mounts; the
// container is removed when the test ends. Options adjust the container
// at creation (Sysctl).
func StartOnBridge(t testing.TB, c *client.Client, img string, binds []string, opts ...Option) *Box {
	t.Helper()
	return start(t, c, img, binds, "bridge", opts...)
}

// Option changes the box's container before it is created.
type Option func(*container.HostConfig)

// Sysctl sets a namespaced kernel parameter of the box at creation, such
// as net.ipv4.ip_forward=1 for a box that routes (/proc/sys is read-only
// inside the container).
func Sysctl(key, value string) Option {
	return func(hc *container.HostConfig) {
		if hc.Sysctls == nil {
			hc.Sysctls = map[string]string{}
		}
		hc.Sysctls[key] = value
	}
}

// Connect attaches the running box to the Docker network name as well and
// returns its IPv4 address there; the box is disconnected when the test
// ends, before cleanups registered earlier (such as the network's removal)
// run.
func (b *Box) Connect(t testing.TB, name string) string {
	t.Helper()
	ctx := context.Background()
	if err := b.c.NetworkConnect(ctx, name, b.ID, &network.EndpointSettings{}); err != nil {
		t.Fatalf("connect %s to network %s: %v", b, name, err)
	}
	t.Cleanup(func() { b.c.NetworkDisconnect(context.Background(), name, b.ID, true) })
	ins, err := b.c.ContainerInspect(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	ep := ins.NetworkSettings.Networks[name]
	if ep == nil || ep.IPAddress == "" {
		t.Fatalf("%s has no address on network %s", b, name)
	}
	return ep.IPAddress
}
