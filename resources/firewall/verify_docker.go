package firewall

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	dockernet "github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
)

// verifyPrefix names the test containers; OpenClaw's own are openclaw-sbx-*.
const verifyPrefix = "clawplan-verify-"

// containerGrace bounds a test container's start, on top of the dials.
const containerGrace = 20 * time.Second

// dialScript is the default dial command: a POSIX sh script that dials
// each HOST:PORT argument at once, with what the image has (python3, else
// bash's /dev/tcp, else an nc with -z, else busybox nc with -e), under
// `timeout` when the image has it, and prints "HOST:PORT RESULT" lines.
// RESULT is connected, refused, timeout, unreachable or "error TEXT".
const dialScript = `t="${CLAWPLAN_DIAL_TIMEOUT:-3}"
run() { if command -v timeout >/dev/null 2>&1; then timeout "$t" "$@"; else "$@"; fi; }
dial() {
  h="${1%:*}"; p="${1##*:}"; h="${h#[}"; h="${h%]}"
  if command -v python3 >/dev/null 2>&1; then
    out=$(run python3 -c 'import socket,sys
try: socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()
except socket.timeout: sys.exit("timed out")
except OSError as e: sys.exit(e.strerror or str(e))' "$h" "$p" "$t" 2>&1); rc=$?
  elif command -v bash >/dev/null 2>&1; then
    out=$(run bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$h" "$p" 2>&1); rc=$?
  elif nc -h 2>&1 | grep -q -- ' -z'; then
    out=$(run nc -z -w "$t" "$h" "$p" 2>&1); rc=$?
  elif nc --help 2>&1 | grep -q -- '-e PROG'; then
    out=$(run nc -w"$t" "$h" "$p" -e true 2>&1); rc=$?
  else
    echo "$1 error the image has no python3, bash or nc to dial with"; return
  fi
  case "$rc:$out" in
    0:*) r=connected ;;
    124:*|143:*|*"imed out"*|*imeout*) r=timeout ;;
    *efused*) r=refused ;;
    *"o route"*|*nreachable*) r=unreachable ;;
    *) r="error rc=$rc ${out%%
*}" ;;
  esac
  echo "$1 $r"
}
for a in "$@"; do dial "$a" & done
wait
`

// defaultDialCommand runs dialScript; the targets follow as arguments.
var defaultDialCommand = []string{"sh", "-c", dialScript, "clawplan-dial"}

// bridge is the Docker network on the firewall's interface.
type bridge struct {
	name string
	gw   netip.Addr // the host's own address on it (IPv4)
}

// findBridge returns the Docker bridge network whose Linux interface is
// iface: docker0 is the default "bridge" network; a user-defined network
// is br-<id> unless com.docker.network.bridge.name says otherwise.
func findBridge(ctx context.Context, cli *client.Client, iface string) (bridge, error) {
	nets, err := cli.NetworkList(ctx, dockernet.ListOptions{})
	if err != nil {
		return bridge{}, fmt.Errorf("list Docker networks: %w", err)
	}
	for _, n := range nets {
		name := n.Options["com.docker.network.bridge.name"]
		if name == "" && len(n.ID) >= 12 {
			name = "br-" + n.ID[:12]
		}
		if n.Driver != "bridge" || name != iface {
			continue
		}
		b := bridge{name: n.Name}
		for _, c := range n.IPAM.Config {
			if a, err := netip.ParseAddr(c.Gateway); err == nil && a.Is4() {
				b.gw = a
			}
		}
		if !b.gw.IsValid() {
			b.gw = ifaceAddr(iface)
		}
		return b, nil
	}
	return bridge{}, fmt.Errorf("no Docker bridge network uses interface %s (docker network ls; the default bridge is docker0)", iface)
}

// ifaceAddr is the first IPv4 address of iface, or the zero Addr.
func ifaceAddr(iface string) netip.Addr {
	i, err := net.InterfaceByName(iface)
	if err != nil {
		return netip.Addr{}
	}
	addrs, _ := i.Addrs()
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() {
			return p.Addr()
		}
	}
	return netip.Addr{}
}

// dialRun is what one test container reported.
type dialRun struct {
	container string
	results   map[string]string // HOST:PORT -> connected|refused|timeout|unreachable|error ...
}

// runDialer runs argv plus the targets in a new container of image on the
// network, waits for it (the dials' timeout plus a grace period at most),
// reads its output and removes it, also on failure.
func runDialer(ctx context.Context, cli *client.Client, image, netName string, argv []string, timeout int, addrs []netip.AddrPort) (dialRun, error) {
	run := dialRun{container: verifyPrefix + randomHex(4), results: map[string]string{}}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(timeout)*time.Second+containerGrace)
	defer cancel()
	args := make([]string, len(addrs))
	for i, a := range addrs {
		args[i] = a.String()
	}
	cfg := &container.Config{Image: image, Entrypoint: argv, Cmd: args,
		Env: []string{"CLAWPLAN_DIAL_TIMEOUT=" + strconv.Itoa(timeout)}, Labels: map[string]string{"clawplan.verify": "firewall"}}
	created, err := cli.ContainerCreate(ctx, cfg, &container.HostConfig{NetworkMode: container.NetworkMode(netName)}, nil, nil, run.container)
	if err != nil {
		return run, fmt.Errorf("create the test container: %w", err)
	}
	defer removeContainer(cli, created.ID)
	if err := cli.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return run, fmt.Errorf("start the test container: %w", err)
	}
	code, err := waitExit(ctx, cli, created.ID)
	if err != nil {
		return run, err
	}
	stdout, stderr, err := containerOutput(ctx, cli, created.ID)
	if err != nil {
		return run, err
	}
	parseDialOutput(stdout, run.results)
	if len(run.results) == 0 {
		return run, fmt.Errorf("the dial command exited %d and printed no results: %s", code, firstLine(stderr))
	}
	return run, nil
}

func waitExit(ctx context.Context, cli *client.Client, id string) (int64, error) {
	okC, errC := cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	select {
	case res := <-okC:
		return res.StatusCode, nil
	case err := <-errC:
		return 0, fmt.Errorf("the test container did not finish: %w", err)
	}
}

func containerOutput(ctx context.Context, cli *client.Client, id string) (stdout, stderr string, err error) {
	rc, err := cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return "", "", fmt.Errorf("read the test container's output: %w", err)
	}
	defer rc.Close()
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, rc); err != nil {
		return "", "", fmt.Errorf("read the test container's output: %w", err)
	}
	return out.String(), errOut.String(), nil
}

// removeContainer force-removes the test container, with a context of
// its own so a cancelled run still cleans up.
func removeContainer(cli *client.Client, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
}

// parseDialOutput reads "HOST:PORT RESULT" lines.
func parseDialOutput(out string, into map[string]string) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		addr, result, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if _, err := netip.ParseAddrPort(addr); ok && err == nil {
			into[addr] = strings.TrimSpace(result)
		}
	}
}

// reached classifies a dial result: connected and refused both mean the
// packets got there; a timeout or an unreachable error mean they did not.
// known is false for errors that say neither.
func reached(result string) (got, known bool) {
	switch result {
	case "connected", "refused":
		return true, true
	case "timeout", "unreachable":
		return false, true
	}
	return false, false
}

// hostDial dials addr from the host itself: the control that shows a LAN
// target answers at all, so a sandbox's timeout means the firewall.
func hostDial(ctx context.Context, addr netip.AddrPort, timeout time.Duration) string {
	d := net.Dialer{Timeout: timeout}
	c, err := d.DialContext(ctx, "tcp", addr.String())
	switch {
	case err == nil:
		c.Close()
		return "connected"
	case strings.Contains(err.Error(), "refused"):
		return "refused"
	case strings.Contains(err.Error(), "unreachable"), strings.Contains(err.Error(), "no route"):
		return "unreachable"
	case strings.Contains(err.Error(), "timeout"):
		return "timeout"
	}
	return "error " + err.Error()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "(nothing on stderr)"
	}
	return s
}
