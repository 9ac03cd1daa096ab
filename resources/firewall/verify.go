package firewall

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"
)

var _ resources.Verifier = (*Firewall)(nil)

// prepareTimeout bounds the Docker queries before the test container runs.
const prepareTimeout = 15 * time.Second

// Verify runs the seed's functional tests 2 and 3 for real: one
// short-lived container of the sandbox image, on the Docker network whose
// bridge is the firewall's interface, dials the internet address (which
// it must reach), every LAN address and the host's own ports on the bridge
// (which it must not). A LAN address is also dialed from the host itself,
// so a timeout proves the firewall, not a LAN host that is down.
func (r *Firewall) Verify(ctx context.Context, h *resources.Host) []resources.Check {
	if r.orphan {
		return nil
	}
	s := &verifyRun{r: r, timeout: r.s.Verify.dialTimeout()}
	s.image, s.imageFrom = r.verifyImage()
	cli, err := s.prepare(ctx)
	if cli != nil {
		defer cli.Close()
	}
	ts := r.targets(s.bridge.gw)
	missing := s.missing(ts, err)
	if err != nil {
		var checks []resources.Check
		for _, t := range ts {
			checks = append(checks, resources.Check{Name: t.checkName(), Evidence: "not dialed: " + err.Error() + " (target " + s.where(t) + ")"})
		}
		return append(checks, missing...)
	}
	return append(s.dial(ctx, cli, ts), missing...)
}

// verifyRun is one Verify: the image, the bridge and the container's results.
type verifyRun struct {
	r         *Firewall
	timeout   int
	image     string
	imageFrom string
	bridge    bridge
	container string
}

// prepare connects to Docker, finds the bridge and checks that the image
// is there (the sandbox_image node builds it; nothing is pulled).
func (s *verifyRun) prepare(ctx context.Context) (*client.Client, error) {
	if s.image == "" {
		return nil, fmt.Errorf("no image to test with: declare a sandbox block, or verify { image = \"NAME:TAG\" } in %s", s.r.addr)
	}
	ctx, cancel := context.WithTimeout(ctx, prepareTimeout)
	defer cancel()
	eng, err := docker.Connect(ctx)
	if err != nil {
		return nil, err
	}
	cli := eng.Client()
	if s.bridge, err = findBridge(ctx, cli, s.r.s.Interface); err != nil {
		return cli, err
	}
	if _, err := cli.ImageInspect(ctx, s.image); errdefs.IsNotFound(err) {
		return cli, fmt.Errorf("image %s (%s) is not on the Docker engine: apply builds it (sandbox_image), or name a present one in verify.image", s.image, s.imageFrom)
	} else if err != nil {
		return cli, fmt.Errorf("inspect image %s: %w", s.image, err)
	}
	return cli, nil
}

// missing are failed checks for roles that have nothing to dial.
func (s *verifyRun) missing(ts []target, prepErr error) []resources.Check {
	has := map[string]bool{}
	for _, t := range ts {
		has[t.role] = true
	}
	var out []resources.Check
	why := map[string]string{
		roleInternet: "no internet address to dial: dns_servers is empty; set verify { internet = \"IP:PORT\" }",
		roleLAN:      "no LAN address to dial: no llm_provider's base_url is an address this firewall blocks; set verify { lan = [\"IP:PORT\"] } to an address on the LAN that answers the host",
		roleHost:     "no host port to dial: every candidate is opened by allow_host; set verify { host_ports = [PORT] }",
	}
	if !s.bridge.gw.IsValid() {
		why[roleHost] = fmt.Sprintf("the address of %s on the host is unknown", s.r.s.Interface)
		if prepErr != nil {
			why[roleHost] += ": " + prepErr.Error()
		}
	}
	for _, role := range []string{roleInternet, roleLAN, roleHost} {
		if !has[role] {
			out = append(out, resources.Check{Name: "sandbox -> " + role, Evidence: why[role]})
		}
	}
	return out
}

// dial runs the container and the host-side controls at once.
func (s *verifyRun) dial(ctx context.Context, cli *client.Client, ts []target) []resources.Check {
	addrs := make([]netip.AddrPort, len(ts))
	for i, t := range ts {
		addrs[i] = t.addr
	}
	argv := defaultDialCommand
	if v := s.r.s.Verify; v != nil && v.DialCommand != nil {
		argv = v.DialCommand
	}
	control := make([]string, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		if t.role == roleLAN {
			wg.Add(1)
			go func() { defer wg.Done(); control[i] = hostDial(ctx, t.addr, time.Duration(s.timeout)*time.Second) }()
		}
	}
	run, err := runDialer(ctx, cli, s.image, s.bridge.name, argv, s.timeout, addrs)
	wg.Wait()
	s.container = run.container
	out := make([]resources.Check, len(ts))
	for i, t := range ts {
		if err != nil {
			out[i] = resources.Check{Name: t.checkName(), Evidence: "dialed " + s.where(t) + ": " + err.Error()}
			continue
		}
		out[i] = s.judge(t, run.results[t.addr.String()], control[i])
	}
	return out
}

// judge turns one target's result into a check.
func (s *verifyRun) judge(t target, result, control string) resources.Check {
	c := resources.Check{Name: t.checkName()}
	got, known := reached(result)
	ev := "dialed " + s.where(t) + ": " + s.describe(result)
	switch {
	case !known:
		c.Evidence = ev + ": the dial gave no answer either way"
	case t.wantReach():
		c.Passed = got
		c.Evidence = ev + map[bool]string{true: ": the sandbox reaches it", false: ": the sandbox cannot reach it (is Docker's DNS or NAT broken, or is the address blocked?)"}[got]
	case got:
		c.Evidence = fmt.Sprintf("%s: the sandbox reaches it; is table inet %s loaded on %s? (clawplan plan shows)", ev, s.r.s.Table, s.r.s.Interface)
	case t.role == roleLAN && control != "connected" && control != "refused":
		c.Evidence = fmt.Sprintf("%s, but the host itself gets %s too, so this proves nothing: list a LAN address that answers the host (verify.lan)", ev, s.describe(control))
	default:
		c.Passed = true
		c.Evidence = ev + ": blocked"
		if t.role == roleLAN {
			c.Evidence += "; the host itself: " + s.describe(control)
		}
	}
	return c
}

// where says what is dialed, from which container, image and network.
func (s *verifyRun) where(t target) string {
	from := "a container"
	if s.container != "" {
		from = "container " + s.container
	}
	nw := s.bridge.name
	if nw == "" {
		nw = "?"
	}
	return fmt.Sprintf("%s (%s) from %s of image %s on Docker network %s (%s)", t.addr, t.from, from, s.image, nw, s.r.s.Interface)
}

func (s *verifyRun) describe(result string) string {
	switch result {
	case "timeout":
		return fmt.Sprintf("timed out after %ds", s.timeout)
	case "refused":
		return "refused (the destination answered)"
	case "":
		return "no result"
	}
	return result
}
