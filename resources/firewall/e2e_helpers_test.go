package firewall

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
)

// lab is the end-to-end setup: a busybox image with the dialer, a "LAN"
// test host in a namespace on a private address, an "internet" test host
// on a documentation address, and a service on the host bound to all
// interfaces. Everything it creates carries the cpt-fw prefix and is
// removed when the test ends, also on failure.
type lab struct {
	t      *testing.T
	id     string
	image  string
	dialer string
	lan    string // LAN host ip:port (10.250.N.2)
	lanGW  string // the host's own address on the LAN side (10.250.N.1)
	inet   string // internet host ip:port (203.0.113.N)
	port   int    // the host service's port
}

func newLab(t *testing.T) *lab {
	needTools(t, "ip", "nft", "docker")
	restest.Need(t, exec.Command("docker", "info").Run() == nil, "a running Docker engine (docker info)")
	_, err := net.InterfaceByName("docker0")
	restest.Need(t, err == nil, "the docker0 bridge")
	busybox := findBusybox(t)
	l := &lab{t: t, id: randHex(4)}
	l.dialer = l.buildDialer()
	l.image = l.importImage(busybox)
	n := 2 + rand.IntN(250)
	l.lanGW = fmt.Sprintf("10.250.%d.1", n)
	l.lan = l.testHost("l", l.lanGW+"/24", fmt.Sprintf("10.250.%d.2/24", n), "via "+l.lanGW)
	inetIP := fmt.Sprintf("203.0.113.%d", 150+rand.IntN(100)) // never .80, the machine's real egress
	l.inet = l.testHost("i", fmt.Sprintf("10.251.%d.1/32", n), inetIP+"/32", "")
	l.port = l.hostService()
	return l
}

// findBusybox returns a statically linked busybox (no ELF interpreter).
func findBusybox(t *testing.T) string {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		static := true
		for _, prog := range f.Progs {
			static = static && prog.Type != elf.PT_INTERP
		}
		f.Close()
		if static {
			return p
		}
	}
	restest.Need(t, false, "busybox-static")
	return ""
}

// buildDialer builds testdata/dialer as a static binary.
func (l *lab) buildDialer() string {
	out := filepath.Join(l.t.TempDir(), "dialer")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-ldflags=-s -w", "-o", out, "./testdata/dialer")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		l.t.Fatalf("build the dialer: %v\n%s", err, b)
	}
	return out
}

// importImage makes a tiny image from a root filesystem (no registry):
// busybox, its shell, and the dialer.
func (l *lab) importImage(busybox string) string {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, src string }{{"bin/busybox", busybox}, {"dialer", l.dialer}} {
		b, err := os.ReadFile(f.src)
		if err != nil {
			l.t.Fatal(err)
		}
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg})
		tw.Write(b)
	}
	tw.WriteHeader(&tar.Header{Name: "bin/sh", Linkname: "busybox", Typeflag: tar.TypeSymlink, Mode: 0o777})
	tw.Close()
	image := "cpt-fw-" + l.id + ":latest"
	cmd := exec.Command("docker", "import", "-", image)
	cmd.Stdin = &buf
	if b, err := cmd.CombinedOutput(); err != nil {
		l.t.Fatalf("docker import: %v\n%s", err, b)
	}
	l.t.Cleanup(func() { exec.Command("docker", "rmi", "-f", image).Run() })
	return image
}

// testHost makes a namespace joined to the host by a veth pair, serving
// TCP, and returns its ip:port. hostAddr goes on the host's end; a /32
// host end gets host routes both ways instead of a shared subnet.
func (l *lab) testHost(tag, hostAddr, nsAddr, nsRoute string) string {
	ns, veth := "cpt-fw-"+l.id+tag, "cpf"+l.id+tag
	run(l.t, "ip", "netns", "add", ns)
	l.t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	run(l.t, "ip", "link", "add", veth+"h", "type", "veth", "peer", "name", veth+"n")
	l.t.Cleanup(func() { exec.Command("ip", "link", "del", veth+"h").Run() })
	run(l.t, "ip", "link", "set", veth+"n", "netns", ns)
	run(l.t, "ip", "addr", "add", hostAddr, "dev", veth+"h")
	run(l.t, "ip", "link", "set", veth+"h", "up")
	run(l.t, "ip", "-n", ns, "addr", "add", nsAddr, "dev", veth+"n")
	run(l.t, "ip", "-n", ns, "link", "set", veth+"n", "up")
	run(l.t, "ip", "-n", ns, "link", "set", "lo", "up")
	hostIP, nsIP := strings.Split(hostAddr, "/")[0], strings.Split(nsAddr, "/")[0]
	if nsRoute == "" {
		run(l.t, "ip", "route", "add", nsIP+"/32", "dev", veth+"h")
		run(l.t, "ip", "-n", ns, "route", "add", hostIP+"/32", "dev", veth+"n")
		nsRoute = "via " + hostIP
	}
	run(l.t, "ip", append([]string{"-n", ns, "route", "add", "default"}, strings.Fields(nsRoute)...)...)
	addr := net.JoinHostPort(nsIP, "8080")
	srv := exec.Command("ip", "netns", "exec", ns, l.dialer, "serve", addr)
	if err := srv.Start(); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	l.waitReachable(addr)
	return addr
}

// waitReachable dials addr from the host until it answers: the server is
// up, and the host reaches the test host.
func (l *lab) waitReachable(addr string) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("test host %s never answered: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hostService listens on all the host's interfaces, as an LLM server,
// sshd or a metrics port would, and returns the port.
func (l *lab) hostService() int {
	ln, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// containerCmd is a docker run of the dialer in a container on docker0,
// removed when it exits (and when the test ends, whatever happened).
// With stdin set, the container's stdin is attached.
func (l *lab) containerCmd(t *testing.T, stdin bool, args ...string) *exec.Cmd {
	name := "cpt-fw-" + l.id + "-" + randHex(2)
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", name).Run() })
	run := []string{"run", "--rm", "--name", name, "--network", "bridge"}
	if stdin {
		run = append(run, "-i")
	}
	return exec.Command("docker", append(append(run, l.image, "/dialer"), args...)...)
}

// waitQuietBridge waits (30 s at most) until no container but this test's
// is on the default bridge: the table the test applies in the machine's
// namespace cuts every docker0 container off the LAN and the host, and
// other tests' containers should not pay for it.
func (l *lab) waitQuietBridge(t *testing.T) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command("docker", "ps", "--filter", "network=bridge", "--format", "{{.Names}}").Output()
		var others []string
		for _, name := range strings.Fields(string(out)) {
			if !strings.HasPrefix(name, "cpt-fw-"+l.id) {
				others = append(others, name)
			}
		}
		if err != nil || len(others) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Logf("containers %v stay on docker0; applying the test table anyway", others)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// container runs the dialer in a container and returns its output.
func (l *lab) container(t *testing.T, args ...string) string {
	out, err := l.containerCmd(t, false, args...).Output()
	if err != nil {
		t.Fatalf("docker run %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// probeAll dials every target from a container and from the host.
func (l *lab) probeAll(t *testing.T) (fromContainer, fromHost string) {
	service := strconv.Itoa(l.port)
	fromContainer = l.container(t, "probe", "1s",
		"lan="+l.lan, "host_via_docker0=172.17.0.1:"+service, "host_via_lan_side="+l.lanGW+":"+service, "internet="+l.inet)
	fromHost = "lan=blocked"
	if c, err := net.DialTimeout("tcp", l.lan, time.Second); err == nil {
		c.Close()
		fromHost = "lan=ok"
	}
	return fromContainer, fromHost
}

// parseCounts reads the loop mode's key=value output.
func parseCounts(t *testing.T, out string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, f := range strings.Fields(out) {
		k, v, ok := strings.Cut(f, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			t.Fatalf("dialer output %q", out)
		}
		m[k] = n
	}
	return m
}
