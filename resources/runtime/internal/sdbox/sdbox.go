package sdbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// Packages debootstrap installs beyond minbase.
const Packages = "systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,sudo,iproute2,procps,ca-certificates"

// CacheDir holds the root filesystem tarball across runs.
var CacheDir = "/var/cache/clawplan"

// Tarball returns the cached Debian systemd root filesystem, making it
// with debootstrap (about a minute, once) when it is missing. A lock file
// keeps concurrent test runs from building it twice.
func Tarball(t testing.TB) string {
	t.Helper()
	tarball := filepath.Join(CacheDir, "debian-systemd.tar")
	if _, err := os.Stat(tarball); err == nil {
		return tarball
	}
	if err := os.MkdirAll(CacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(tarball+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tarball); err == nil {
		return tarball // another run built it while we waited
	}
	build(t, tarball)
	return tarball
}

// build runs debootstrap into a tmpfs directory and tars the result.
func build(t testing.TB, tarball string) {
	mirror := Mirror()
	dir, err := os.MkdirTemp(tmpfsDir(), "cpt-debootstrap-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t.Logf("debootstrap bookworm from %s into %s (once; cached as %s)", mirror, dir, tarball)
	run(t, "debootstrap", "--variant=minbase", "--include="+Packages, "bookworm", dir, mirror)
	tmp := tarball + ".tmp"
	run(t, "tar", "-C", dir, "-cf", tmp, ".")
	if err := os.Rename(tmp, tarball); err != nil {
		t.Fatal(err)
	}
}

func tmpfsDir() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// Mirror is the Debian mirror this host's apt uses (deb822 sources first).
func Mirror() string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "URIs:"); ok && strings.Contains(v, "debian") && !strings.Contains(v, "security") {
				return strings.Fields(v)[0]
			}
		}
	}
	if b, err := os.ReadFile("/etc/apt/sources.list"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "deb" && !strings.Contains(f[1], "security") {
				return f[1]
			}
		}
	}
	return "http://deb.debian.org/debian"
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out))
	}
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// Import imports the tarball as a uniquely named image, removed when the
// test ends (re-importing takes about a second).
func Import(t testing.TB, c *client.Client, tarball string) string {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := "cpt-" + randomHex() + "-debian-systemd:bookworm"
	ctx := context.Background()
	rc, err := c.ImageImport(ctx, image.ImportSource{Source: f, SourceName: "-"}, ref, image.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, rc)
	rc.Close()
	t.Cleanup(func() {
		c.ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return ref
}

func randomHex() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Box is one running systemd container.
type Box struct {
	c  *client.Client
	ID string
}

// Start runs systemd in a new container of img, with no network (loopback
// only) and the given read-only binds ("SRC:DST:ro"), and waits until it
// has booted. The container is removed when the test ends.
func Start(t testing.TB, c *client.Client, img string, binds []string) *Box {
	t.Helper()
	return start(t, c, img, binds, "none")
}

// start is Start on the given Docker network mode, with opts applied.
func start(t testing.TB, c *client.Client, img string, binds []string, network string, opts ...Option) *Box {
	t.Helper()
	ctx := context.Background()
	cfg := &container.Config{Image: img, Cmd: []string{"/lib/systemd/systemd"}, Env: []string{"container=docker"},
		StopSignal: "SIGRTMIN+3", Tty: true}
	hc := &container.HostConfig{CapAdd: []string{"SYS_ADMIN", "NET_ADMIN"}, CgroupnsMode: "private", NetworkMode: container.NetworkMode(network),
		Tmpfs: map[string]string{"/run": "", "/run/lock": "", "/tmp": ""}, Binds: binds}
	for _, o := range opts {
		o(hc)
	}
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

// waitBooted waits for systemd to finish booting (running or degraded).
func (b *Box) waitBooted(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, _, _ := b.Exec(context.Background(), nil, "systemctl", "is-system-running")
		state := strings.TrimSpace(out)
		if state == "running" || state == "degraded" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("systemd in the container did not boot: %q", state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Exec runs cmd as root in the box and returns its combined output and
// exit code; lines also go to each, when it is set, as they come.
func (b *Box) Exec(ctx context.Context, each func(string), cmd ...string) (string, int, error) {
	return b.ExecEnv(ctx, nil, each, cmd...)
}

// ExecEnv is Exec with extra environment variables.
func (b *Box) ExecEnv(ctx context.Context, env []string, each func(string), cmd ...string) (string, int, error) {
	ex, err := b.c.ContainerExecCreate(ctx, b.ID, container.ExecOptions{Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true, Tty: true})
	if err != nil {
		return "", -1, err
	}
	att, err := b.c.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{Tty: true})
	if err != nil {
		return "", -1, err
	}
	defer att.Close()
	var out bytes.Buffer
	sc := bufio.NewScanner(att.Reader)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		out.WriteString(line + "\n")
		if each != nil {
			each(line)
		}
	}
	ins, err := b.c.ContainerExecInspect(ctx, ex.ID)
	if err != nil {
		return out.String(), -1, err
	}
	return out.String(), ins.ExitCode, nil
}

// MustExec is Exec that fails the test on a non-zero exit.
func (b *Box) MustExec(t testing.TB, cmd ...string) string {
	t.Helper()
	out, code, err := b.Exec(context.Background(), nil, cmd...)
	if err != nil || code != 0 {
		t.Fatalf("%s: exit %d, %v\n%s", strings.Join(cmd, " "), code, err, out)
	}
	return out
}

// String names the box for messages.
func (b *Box) String() string { return fmt.Sprintf("container %.12s", b.ID) }
