package runtime_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/clawplan/clawplan/resources/runtime/internal/sdbox"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// drManifest is examples/secure-gateway adapted for the test host; its
// comments say why each difference exists.
const drManifest = "../../testdata/dr/secure-gateway"

// drDir is where the manifest is mounted in the test host.
const drDir = "/etc/clawplan/dr"

// TestDisasterRecovery is issue 6's disaster-recovery test. On an empty
// test host (a Debian 12 systemd container on Docker's default bridge,
// with the host's Docker socket mounted for the sandbox image and
// verify's sandbox container, and the router of its own sandbox network:
// see sandboxRoute), one `clawplan apply` of the DR manifest builds
// everything; `clawplan verify` runs the functional tests, every one of
// which must pass; a second `plan` shows no changes; `clawplan import` of
// the host yields a manifest whose plan shows no changes.
//
// What the empty host is given: the static clawplan binary, the LLM
// stand-in (testdata/dr/llmstub, on loopback) and the cached Node 24 +
// OpenClaw at the manifest's install_prefix (read-only: the container
// has no npm registry). Everything else (packages through apt, the
// openclaw user, lingering, network files, the nftables table, secrets,
// openclaw.json, the unit, the sandbox image, the cron job) is clawplan's.
func TestDisasterRecovery(t *testing.T) {
	restest.NeedRoot(t)
	if testing.Short() {
		t.Skip("boots systemd, installs the seed's packages and runs the real gateway (minutes)")
	}
	dr := bootDR(t, sdbox.Sysctl("net.ipv4.ip_forward", "1"))
	r := dr.routeSandbox(t)
	dr.env = setEnv(dr.env, "CLAWPLAN_VAR_sandbox_bridge="+r.bridge, "CLAWPLAN_VAR_sandbox_network="+r.network,
		"CLAWPLAN_VAR_verify_internet="+r.internet, "CLAWPLAN_VAR_verify_lan="+r.lan)
	dr.standIns()
	dr.run(t, r)
}

// setEnv replaces (or adds) each KEY=VALUE of kvs in env.
func setEnv(env []string, kvs ...string) []string {
	out := append([]string(nil), env...)
	for _, kv := range kvs {
		k, _, _ := strings.Cut(kv, "=")
		i := slices.IndexFunc(out, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		if i < 0 {
			out = append(out, kv)
		} else {
			out[i] = kv
		}
	}
	return out
}

// drBoot is a booted empty test host and the run's names on the shared
// Docker engine: id is in every name the run creates there.
type drBoot struct {
	*drHost
	engine                    *docker.Engine
	id, base, sandboxTag, bin string // bin holds the static clawplan and llmstub
}

// bootDR starts the empty test host TestDisasterRecovery describes, with
// the binaries, the manifest and the OpenClaw cache mounted, and opts for
// its container; everything is removed when the test ends.
func bootDR(t *testing.T, opts ...sdbox.Option) *drBoot {
	ctx := context.Background()
	e, err := docker.Connect(ctx)
	restest.Need(t, err == nil, "a Docker engine")
	oc := openClawCache(t)
	if _, err := os.Stat(filepath.Join(sdbox.CacheDir, "debian-systemd.tar")); err != nil {
		_, err := exec.LookPath("debootstrap")
		restest.Need(t, err == nil, "debootstrap (to build the systemd test image once)")
	}
	id := drRandom()
	bin := t.TempDir()
	goBuild(t, filepath.Join(bin, "clawplan"), "../../cmd/clawplan")
	goBuild(t, filepath.Join(bin, "llmstub"), "../../testdata/dr/llmstub")
	base := importBusybox(t, e.Client(), "cpt-"+id+"-drbase:latest")
	sandboxTag := "cpt-" + id + "-drsandbox:custom"
	t.Cleanup(func() {
		e.Client().ImageRemove(context.Background(), sandboxTag, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	manifest, err := filepath.Abs(drManifest)
	if err != nil {
		t.Fatal(err)
	}
	img := sdbox.Import(t, e.Client(), sdbox.Tarball(t))
	box := sdbox.StartOnBridge(t, e.Client(), img, []string{
		oc + ":/opt/openclaw/current:ro",
		filepath.Join(bin, "clawplan") + ":/usr/local/bin/clawplan:ro",
		filepath.Join(bin, "llmstub") + ":/usr/local/bin/llmstub:ro",
		manifest + ":" + drDir + ":ro",
		"/var/run/docker.sock:/run/docker.sock",
	}, opts...)
	ip := boxAddr(t, e.Client(), box.ID)
	dr := &drHost{t: t, box: box, env: drEnv(t, manifest, base, sandboxTag, ip)}
	return &drBoot{drHost: dr, engine: e, id: id, base: base, sandboxTag: sandboxTag, bin: bin}
}

// drRandom is a short random id for names on the shared Docker engine.
func drRandom() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// goBuild builds a static binary of pkg (relative to this package).
func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// importBusybox imports a busybox-static root filesystem as ref: the
// sandbox image's base (nothing can be pulled). Removed when the test ends.
func importBusybox(t *testing.T, c *client.Client, ref string) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	restest.Need(t, err == nil, "busybox-static")
	b, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg})
	tw.Write(b)
	for _, l := range []string{"sh", "nc", "mkdir", "timeout", "sleep", "cat"} {
		tw.WriteHeader(&tar.Header{Name: "bin/" + l, Linkname: "busybox", Typeflag: tar.TypeSymlink, Mode: 0o777})
	}
	tw.Close()
	rc, err := c.ImageImport(context.Background(), image.ImportSource{Source: &buf, SourceName: "-"}, ref, image.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	t.Cleanup(func() {
		c.ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return ref
}

// boxAddr is the test host's address on Docker's default bridge.
func boxAddr(t *testing.T, c *client.Client, id string) string {
	t.Helper()
	ins, err := c.ContainerInspect(context.Background(), id)
	if err != nil || ins.NetworkSettings == nil || ins.NetworkSettings.IPAddress == "" {
		t.Fatalf("the test host's address: %v", err)
	}
	return ins.NetworkSettings.IPAddress
}

// drEnv is clawplan's environment in the test host: the secrets named in
// .env.example, each given a random value of the same shape (the audit
// requires a strong gateway token; random values are the canaries that
// drCanary looks for), and the per-run variables.
func drEnv(t *testing.T, manifest, base, sandboxTag, ip string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(manifest, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, _, _ := strings.Cut(l, "=")
		switch k {
		case "CLAWPLAN_GATEWAY_TOKEN":
			l = k + "=" + drRandom() + drRandom() + drRandom() + drRandom() + drRandom() + drRandom()
		case "CLAWPLAN_LMSTUDIO_KEY":
			l = k + "=lm-canary-" + drRandom() + drRandom()
		case "CLAWPLAN_TELEGRAM_BOT_TOKEN":
			l = k + "=123456789:canary" + drRandom() + drRandom()
		}
		env = append(env, l)
	}
	return append(env, "CLAWPLAN_VAR_sandbox_base_image="+base, "CLAWPLAN_VAR_sandbox_image_tag="+sandboxTag,
		"CLAWPLAN_VAR_verify_internet="+ip+":18081", "CLAWPLAN_VAR_verify_lan="+ip+":18082", "CLAWPLAN_LOG=info")
}

// drHost runs clawplan in the test host.
type drHost struct {
	t       *testing.T
	box     *sdbox.Box
	env     []string
	outputs []string // every clawplan output, for the canary sweep
}

// standIns starts the LLM stand-in on loopback, and the two listeners
// verify's sandbox container dials (its "internet" and "LAN" targets), on
// the test host's bridge address, as transient system units.
func (d *drHost) standIns() {
	d.box.MustExec(d.t, "systemd-run", "--unit=cpt-llm", "/usr/local/bin/llmstub", "127.0.0.1:18080", "qwen/qwen3-32b")
	d.box.MustExec(d.t, "systemd-run", "--unit=cpt-internet", "/usr/local/bin/llmstub", "0.0.0.0:18081")
	d.box.MustExec(d.t, "systemd-run", "--unit=cpt-lan", "/usr/local/bin/llmstub", "0.0.0.0:18082")
}

// clawplan runs the CLI in the test host with env and returns its output
// and exit code, logging both and the time it took.
func (d *drHost) clawplan(env []string, args ...string) (string, int) {
	d.t.Helper()
	start := time.Now()
	out, code, err := d.box.ExecEnv(context.Background(), env, nil, append([]string{"/usr/local/bin/clawplan"}, args...)...)
	if err != nil {
		d.t.Fatalf("clawplan %s: %v", strings.Join(args, " "), err)
	}
	d.t.Logf("$ clawplan %s  -> exit %d in %s\n%s", strings.Join(args, " "), code, time.Since(start).Round(100*time.Millisecond), out)
	d.outputs = append(d.outputs, out)
	return out, code
}
