package sdbox

import (
	"context"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// StartOnBridge is Start on Docker's default bridge network instead of
// none, for a test host that installs packages through apt from the
// Debian mirror (the disaster-recovery test). Everything else is Start's:
// the same capabilities, private cgroup namespace and tmpfs mounts; the
// container is removed when the test ends.
func StartOnBridge(t testing.TB, c *client.Client, img string, binds []string) *Box {
	t.Helper()
	ctx := context.Background()
	cfg := &container.Config{Image: img, Cmd: []string{"/lib/systemd/systemd"}, Env: []string{"container=docker"},
		StopSignal: "SIGRTMIN+3", Tty: true}
	hc := &container.HostConfig{CapAdd: []string{"SYS_ADMIN", "NET_ADMIN"}, CgroupnsMode: "private", NetworkMode: "bridge",
		Tmpfs: map[string]string{"/run": "", "/run/lock": "", "/tmp": ""}, Binds: binds}
	name := "cpt-" + randomHex() + "-systemd"
	resp, err := c.ContainerCreate(ctx, cfg, hc, nil, nil, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.ContainerRemove(context.Background(), resp.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
	})
	if err := c.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &Box{c: c, ID: resp.ID}
	b.waitBooted(t)
	return b
}
