package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
)

// targetPort is where the test's target host listens, on every address.
const targetPort = 18081

// sandboxRoute is the DR test's sandbox network, routed by the test host
// the way a real host routes its sandbox bridge: verify's dial container
// runs on it, its default route is the test host, and so its packets
// cross the firewall that clawplan loads in the test host.
//
//	dial container --(Docker network cpt-ID-sbx, bridge cptIDsbx)--> test host .1
//	   --(its eth0, masqueraded by the test's cpt_nat table)--> docker0
//	   --> the target host's netns: LAN 10.250.N.2, internet 203.0.113.M
type sandboxRoute struct {
	network, bridge string     // the Docker network and its Linux bridge: the firewall's interface
	gw              netip.Addr // .1: the test host's address on it, verify's "host" target
	lan, internet   string     // the target host's HOST:PORT on a private and a public address
}

// routeSandbox builds the topology sandboxRoute draws around the booted
// test host (started with net.ipv4.ip_forward=1) and proves, before
// clawplan runs, that a container on the network reaches the LAN and the
// internet target and the test host's gateway port, so a block seen later
// is the firewall's doing. Everything is removed when the test ends.
func (d *drBoot) routeSandbox(t *testing.T) *sandboxRoute {
	t.Helper()
	_, err := exec.LookPath("nft")
	restest.Need(t, err == nil, "nft (the test's NAT table in the test host)")
	start := time.Now()
	r := sandboxBridge(t, d.engine.Client(), d.id)
	lan, internet := targetHost(t, d.id, d.bin+"/llmstub")
	r.lan, r.internet = netip.AddrPortFrom(lan, targetPort).String(), netip.AddrPortFrom(internet, targetPort).String()
	d.routeThroughBox(t, r)
	host := netip.AddrPortFrom(r.gw, 18789).String()
	got := dialFrom(t, d.engine.Client(), d.base, r.network, r.internet, r.lan, host)
	want := map[string]string{r.internet: "connected", r.lan: "connected", host: "refused"}
	for a, w := range want {
		if got[a] != w {
			t.Fatalf("without the firewall, a container on %s dialing %s got %q, want %q (all: %v)", r.network, a, got[a], w, got)
		}
	}
	t.Logf("sandbox network %s (bridge %s, router %s) set up in %s; without the firewall: %v", r.network, r.bridge, r.gw, time.Since(start).Round(100*time.Millisecond), got)
	return r
}

// sandboxBridge creates the Docker network on a free 172.31.N.0/24 with
// the bridge name cptIDsbx, and takes the gateway address .1 off the
// bridge in the root namespace so the test host can own it.
func sandboxBridge(t *testing.T, c *client.Client, id string) *sandboxRoute {
	t.Helper()
	r := &sandboxRoute{network: "cpt-" + id + "-sbx", bridge: "cpt" + id + "sbx"}
	var prefix netip.Prefix
	for try := 0; ; try++ {
		prefix = freePrefix(t, "172.31.%d.0/24")
		r.gw = prefix.Addr().Next()
		_, err := c.NetworkCreate(context.Background(), r.network, network.CreateOptions{Driver: "bridge",
			Options: map[string]string{"com.docker.network.bridge.name": r.bridge},
			IPAM:    &network.IPAM{Config: []network.IPAMConfig{{Subnet: prefix.String(), Gateway: r.gw.String()}}}})
		if err == nil {
			break
		}
		if try == 5 || !strings.Contains(err.Error(), "overlap") {
			t.Fatalf("create Docker network %s on %s: %v", r.network, prefix, err)
		}
	}
	t.Cleanup(func() {
		if err := c.NetworkRemove(context.Background(), r.network); err != nil {
			t.Errorf("remove Docker network %s: %v", r.network, err)
		}
	})
	ipRun(t, "addr", "del", netip.PrefixFrom(r.gw, 24).String(), "dev", r.bridge)
	return r
}

// targetHost is a network namespace on the machine with a veth pair to the
// root namespace: 10.250.N.1/24 on the host side, 10.250.N.2/24 (the LAN
// target) and 203.0.113.M/32 (the internet target, reached through a host
// route) inside, and stub listening on both. All of it, the listener
// (by PID) and the route are removed when the test ends.
func targetHost(t *testing.T, id, stub string) (lan, internet netip.Addr) {
	t.Helper()
	ns, host, peer := "cpt-"+id+"-net", "cpt"+id+"h", "cpt"+id+"n"
	sub := freePrefix(t, "10.250.%d.0/24")
	hostAddr, lan := sub.Addr().Next(), sub.Addr().Next().Next()
	internet = freePrefix(t, "203.0.113.%d/32").Addr()
	ipRun(t, "netns", "add", ns)
	t.Cleanup(func() { ipCleanup(t, "netns", "del", ns) })
	ipRun(t, "link", "add", host, "type", "veth", "peer", "name", peer)
	t.Cleanup(func() { ipCleanup(t, "link", "del", host) })
	ipRun(t, "link", "set", peer, "netns", ns)
	ipRun(t, "addr", "add", netip.PrefixFrom(hostAddr, 24).String(), "dev", host)
	ipRun(t, "link", "set", host, "up")
	for _, args := range [][]string{{"addr", "add", netip.PrefixFrom(lan, 24).String(), "dev", peer},
		{"addr", "add", internet.String() + "/32", "dev", peer}, {"link", "set", peer, "up"}, {"link", "set", "lo", "up"},
		{"route", "add", "default", "via", hostAddr.String()}} {
		ipRun(t, append([]string{"-n", ns}, args...)...)
	}
	ipRun(t, "route", "add", internet.String()+"/32", "via", lan.String())
	t.Cleanup(func() { ipCleanup(t, "route", "del", internet.String()+"/32", "via", lan.String()) })
	listenIn(t, ns, stub, netip.AddrPortFrom(lan, targetPort))
	return lan, internet
}

// listenIn runs stub on 0.0.0.0:targetPort in the namespace ns and waits
// until probe answers; the process is killed by its PID when the test ends.
func listenIn(t *testing.T, ns, stub string, probe netip.AddrPort) {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, stub, fmt.Sprintf("0.0.0.0:%d", targetPort))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", probe.String(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the target host's listener on %s: %v", probe, err)
		}
	}
}

// routeThroughBox connects the test host to the sandbox network, names
// its interface there like the bridge (the firewall's iifname is the
// bridge, as on a real host), gives it the gateway address, and loads
// the test's own NAT table in its namespace: forwarded traffic leaves
// masqueraded through eth0. The box keeps its default route via eth0.
func (d *drBoot) routeThroughBox(t *testing.T, r *sandboxRoute) {
	t.Helper()
	ip := d.box.Connect(t, r.network)
	f := strings.Fields(d.box.MustExec(t, "ip", "-o", "-4", "addr", "show", "to", ip+"/32"))
	if len(f) < 2 {
		t.Fatalf("no interface in the test host has %s", ip)
	}
	iface := f[1]
	d.box.MustExec(t, "sh", "-c", fmt.Sprintf("ip link set %[1]s down && ip link set %[1]s name %[2]s && ip link set %[2]s up && ip addr add %[3]s dev %[2]s",
		iface, r.bridge, netip.PrefixFrom(r.gw, 24)))
	if def := d.box.MustExec(t, "ip", "-4", "route", "show", "default"); !strings.Contains(def, "dev eth0") {
		t.Fatalf("the test host's default route is not via eth0 after connecting %s: %s", r.network, def)
	}
	ins, err := d.engine.Client().ContainerInspect(context.Background(), d.box.ID)
	if err != nil {
		t.Fatal(err)
	}
	nat := "table ip cpt_nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname \"eth0\" masquerade\n\t}\n}\n"
	cmd := exec.Command("nsenter", "-t", fmt.Sprint(ins.State.Pid), "-n", "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(nat)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the test's NAT table in the test host: %v\n%s", err, out)
	}
}

// dialFrom runs a one-off container of image on the Docker network nw
// that dials each HOST:PORT with busybox nc, and returns connected,
// refused, timeout or the error, per address.
func dialFrom(t *testing.T, c *client.Client, image, nw string, addrs ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := `for a; do if out=$(nc -w 3 "${a%:*}" "${a##*:}" -e true 2>&1); then echo "$a connected"; else echo "$a $out"; fi; done`
	cfg := &container.Config{Image: image, Entrypoint: []string{"sh", "-c", script, "dial"}, Cmd: addrs}
	created, err := c.ContainerCreate(ctx, cfg, &container.HostConfig{NetworkMode: container.NetworkMode(nw)}, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.ContainerRemove(context.Background(), created.ID, container.RemoveOptions{Force: true})
	if err := c.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	okC, errC := c.ContainerWait(ctx, created.ID, container.WaitConditionNotRunning)
	select {
	case <-okC:
	case err := <-errC:
		t.Fatalf("the dial container: %v", err)
	}
	rc, err := c.ContainerLogs(ctx, created.ID, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var out bytes.Buffer
	stdcopy.StdCopy(&out, &out, rc)
	return dialResults(out.String())
}

// dialResults reads dialFrom's "HOST:PORT RESULT" lines.
func dialResults(out string) map[string]string {
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		a, res, _ := strings.Cut(l, " ")
		switch {
		case strings.Contains(res, "refused"):
			res = "refused"
		case strings.Contains(res, "timed out"):
			res = "timeout"
		}
		got[a] = res
	}
	return got
}

// freePrefix is format with a random N (1-254) whose prefix overlaps no
// route of the root namespace.
func freePrefix(t *testing.T, format string) netip.Prefix {
	t.Helper()
	out, err := exec.Command("ip", "-4", "-o", "route", "show", "table", "all").Output()
	if err != nil {
		t.Fatalf("ip route: %v", err)
	}
	var used []netip.Prefix
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		for _, s := range f {
			if p, err := netip.ParsePrefix(s); err == nil {
				used = append(used, p)
			} else if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
				used = append(used, netip.PrefixFrom(a, 32))
			}
		}
	}
	for try := 0; try < 100; try++ {
		p := netip.MustParsePrefix(fmt.Sprintf(format, 1+rand.IntN(254)))
		free := true
		for _, u := range used {
			free = free && (u.Bits() == 0 || !u.Overlaps(p))
		}
		if free {
			return p
		}
	}
	t.Fatalf("no free %s", format)
	return netip.Prefix{}
}

// ipRun runs ip(8) in the root namespace and fails the test on an error.
func ipRun(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ipCleanup is ipRun for a cleanup: an error is reported, not fatal.
func ipCleanup(t *testing.T, args ...string) {
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Errorf("cleanup: ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
