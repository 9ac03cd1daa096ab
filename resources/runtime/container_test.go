package runtime_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/clawplan/clawplan/resources/runtime/internal/sdbox"
	"github.com/clawplan/clawplan/schema"
)

// insideEnv marks the run of this test binary inside the systemd container.
const insideEnv = "CLAWPLAN_RUNTIME_INSIDE_SYSTEMD"

// OpenClawCache is Node 24 + the pinned openclaw, installed by
// scripts/test-deps.sh.
var OpenClawCache = "/var/cache/clawplan/openclaw-current"

// TestGatewayInSystemdContainer boots systemd in a container (Debian
// bookworm from debootstrap, cached; no --privileged, no host cgroups, no
// network but loopback), creates the openclaw user, mounts the cached real
// Node 24 + OpenClaw at the gateway's default install prefix (so the plan
// finds the pinned version installed) and runs this same test binary
// inside, as root, where TestInsideSystemdContainer drives the container's
// user manager through the real engine.
func TestGatewayInSystemdContainer(t *testing.T) {
	if os.Getenv(insideEnv) != "" {
		t.Skip("this is the inside run")
	}
	restest.NeedRoot(t)
	if testing.Short() {
		t.Skip("boots systemd and the real gateway (about a minute)")
	}
	ctx := context.Background()
	e, err := docker.Connect(ctx)
	restest.Need(t, err == nil, "a Docker engine")
	oc := openClawCache(t)
	if _, err := os.Stat(filepath.Join(sdbox.CacheDir, "debian-systemd.tar")); err != nil {
		_, err := exec.LookPath("debootstrap")
		restest.Need(t, err == nil, "debootstrap (to build the systemd test image once)")
	}
	img := sdbox.Import(t, e.Client(), sdbox.Tarball(t))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	prefix := "/home/openclaw/.openclaw/runtime/" + schema.OpenClawVersion
	box := sdbox.Start(t, e.Client(), img, []string{oc + ":" + prefix + ":ro", self + ":/usr/local/bin/runtime.test:ro"})
	box.MustExec(t, "useradd", "-m", "-s", "/bin/bash", "openclaw")
	box.MustExec(t, "sh", "-c", "chown openclaw:openclaw /home/openclaw /home/openclaw/.openclaw /home/openclaw/.openclaw/runtime && chmod 700 /home/openclaw/.openclaw")
	out, code, err := box.ExecEnv(ctx, []string{insideEnv + "=1", "CI=" + os.Getenv("CI")}, func(l string) { t.Log("| " + l) },
		"/usr/local/bin/runtime.test", "-test.run", "^TestInsideSystemdContainer$", "-test.v", "-test.timeout", "5m")
	if err != nil || code != 0 {
		t.Fatalf("the test inside %s failed: exit %d, %v", box, code, err)
	}
	if !strings.Contains(out, "--- PASS: TestInsideSystemdContainer") {
		t.Fatal("the inside test did not run")
	}
}

// openClawCache is the real directory of the cached install, checked to
// hold the pinned version.
func openClawCache(t *testing.T) string {
	dir, err := filepath.EvalSymlinks(OpenClawCache)
	var pkg struct{ Version string }
	if err == nil {
		var b []byte
		if b, err = os.ReadFile(filepath.Join(dir, "node_modules/openclaw/package.json")); err == nil {
			err = json.Unmarshal(b, &pkg)
		}
	}
	restest.Need(t, err == nil && pkg.Version == schema.OpenClawVersion,
		"Node 24 + openclaw "+schema.OpenClawVersion+" in "+OpenClawCache)
	return dir
}
