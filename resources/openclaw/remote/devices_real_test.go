package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	_ "github.com/clawplan/clawplan/resources/openclaw" // the gateway kind
	"github.com/clawplan/clawplan/resources/restest"
)

// TestDeviceScopesRealGateway drives OpenClaw 2026.9.6's own pairing:
// the gateway pairs the local CLI device (approved for operator.admin), a
// person labels it and narrows its operator token to operator.read (the
// seed's common issue: the internal client cannot write, so cron announce
// delivery fails), a node host pairs as a second device. Then the gateway
// block's device_scopes asks for operator.write: the plan shows the change,
// apply makes it through `openclaw devices rotate`, OpenClaw's own listing
// shows it, a second plan is clean, restore narrows it back, and the
// device the block does not name is untouched throughout.
func TestDeviceScopesRealGateway(t *testing.T) {
	g := newRealGateway(t)
	if testing.Short() {
		t.Skip("starts a gateway twice and a node host: 1.5 to 3 minutes")
	}
	// No token anywhere: "runtime-only gateway auth paired the local CLI
	// device before readiness". Then the token as a service has it.
	g.start(t, "gateway-pairing")
	g.stop(t)
	g.write(t, "home/openclaw/.openclaw/.env", "OPENCLAW_GATEWAY_TOKEN="+g.token+"\n")
	g.start(t, "gateway")

	cliDev := byField(t, g.devices(t), func(l listed) bool { return l.ClientID == "cli" }, "the local CLI")
	if !slices.Equal(cliDev.Scopes, []string{"operator.admin"}) {
		t.Fatalf("the paired CLI device is approved for %v, want [operator.admin]", cliDev.Scopes)
	}
	g.openclaw(t, "devices", "rename", "--device", cliDev.DeviceID, "--name", "gateway-client")
	g.openclaw(t, "devices", "rotate", "--device", cliDev.DeviceID, "--role", "operator", "--scope", "operator.read")
	pairNodeHost(t, g, "phone-node")
	before := g.devices(t)
	node := byField(t, before, func(l listed) bool { return l.DisplayName == "phone-node" }, "the node host")

	h, d := decodeDevices(t, g)
	_, c := restest.Plan(t, h, d)
	checkPlan(t, c, g.token)

	ctx := context.Background()
	snap, err := d.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := d.Apply(ctx, restest.Fresh(h), c); err != nil {
		t.Fatal(err)
	}
	t.Logf("apply (one `openclaw devices rotate`) took %s", time.Since(start).Round(time.Millisecond))
	after := g.devices(t)
	checkDevice(t, after, cliDev.DeviceID, []string{"operator.read", "operator.write"})
	untouched(t, after, node)

	if _, again := restest.Plan(t, restest.Fresh(h), d); again.Action != resources.NoOp {
		t.Fatalf("second plan: %s %+v, want no change", again.Action, again.Attrs)
	}
	if err := d.Restore(ctx, restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	restored := g.devices(t)
	checkDevice(t, restored, cliDev.DeviceID, []string{"operator.read"})
	untouched(t, restored, node)
	beyondApproval(t, g, h, d, node)
}

// beyondApproval: the node host was approved for no operator scope, and
// OpenClaw refuses to rotate a token past the approval ("device token
// rotation denied"), so the plan refuses too, with the re-pairing steps,
// instead of failing in apply.
func beyondApproval(t *testing.T, g *realGateway, h *resources.Host, d *devices, node listed) {
	t.Helper()
	if msg, ok := g.openclawFails(t, "devices", "rotate", "--device", node.DeviceID, "--role", "operator", "--scope", "operator.write"); !ok || !strings.Contains(msg, "rotation denied") {
		t.Fatalf("OpenClaw rotated a token past its approval, or failed otherwise: %q", msg)
	}
	d.set.Scopes = map[string][]string{"phone-node": {"operator.write"}}
	st, err := d.Probe(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Diff(st); err == nil || !strings.Contains(err.Error(), "openclaw devices approve") {
		t.Fatalf("plan beyond the approval: %v, want the re-approval steps", err)
	}
}

// pairNodeHost runs `openclaw node run` in a HOME of its own (its own
// device identity) with the gateway token: loopback pairs it silently as
// a role-node device. It stops once paired.
func pairNodeHost(t *testing.T, g *realGateway, name string) {
	t.Helper()
	home := filepath.Join(g.root, "home/phone")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(g.root, "node.log")
	proc := startProc(t, home, logPath, []string{"OPENCLAW_GATEWAY_TOKEN=" + g.token},
		"node", "run", "--host", "127.0.0.1", "--port", fmt.Sprint(g.port), "--display-name", name)
	defer stopProc(proc)
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if raw, _ := os.ReadFile(logPath); strings.Contains(string(raw), "node host gateway connected") {
			return
		}
	}
	t.Fatalf("the node host did not connect within 120 s:\n%s", tail(g.root, "node.log"))
}

// decodeDevices decodes a gateway block with device_scopes and returns
// the node the remote synthesizer builds from it, on a Host of g's root.
func decodeDevices(t *testing.T, g *realGateway) (*resources.Host, *devices) {
	t.Helper()
	kind, ok := resources.Lookup("gateway")
	if !ok {
		t.Fatal("the gateway kind is not registered")
	}
	gw := restest.MustDecode(t, kind, fmt.Sprintf(`gateway "main" {
  port = %d
  device_scopes = {
    "gateway-client" = ["operator.write"]
    "laptop"         = ["operator.read"]
  }
}`, g.port), nil)
	rs, diags := synthesizer{}.Synthesize(restest.Catalog{gw})
	if diags.HasErrors() || len(rs) != 1 {
		t.Fatalf("synthesize: %v %v", rs, diags)
	}
	d := rs[0].(*devices)
	if v := d.Validate(); v.HasErrors() {
		t.Fatal(v.Error())
	}
	state := filepath.Join(g.root, "var/lib/clawplan")
	os.MkdirAll(state, 0o700)
	return resources.NewHost(g.root, state, []byte("restest-key"), nil), d
}

// checkPlan wants one change, operator.read -> operator.read+write on the
// labelled device, the unpaired note for "laptop", and no token.
func checkPlan(t *testing.T, c resources.Change, token string) {
	t.Helper()
	raw, _ := json.Marshal(c)
	t.Logf("plan: %s %s", c.Action, raw)
	if c.Action != resources.Update || len(c.Attrs) != 1 || !strings.HasPrefix(c.Attrs[0].Path, `device_scopes["gateway-client"]`) {
		t.Fatalf("want one update of gateway-client, got %s %+v", c.Action, c.Attrs)
	}
	if b, a := fmt.Sprint(c.Attrs[0].Before), fmt.Sprint(c.Attrs[0].After); b != "[operator.read]" || a != "[operator.read operator.write]" {
		t.Fatalf("plan shows %s -> %s, want [operator.read] -> [operator.read operator.write]", b, a)
	}
	if !strings.Contains(string(raw), `device \"laptop\" is not paired yet`) || strings.Contains(string(raw), token) {
		t.Fatalf("the plan misses the unpaired note or shows the gateway token")
	}
}

// checkDevice wants OpenClaw's listing to show the device's operator
// token with scopes, and its approval baseline unchanged.
func checkDevice(t *testing.T, devs []listed, id string, scopes []string) {
	t.Helper()
	dv := byField(t, devs, func(l listed) bool { return l.DeviceID == id }, id)
	got := slices.Clone(dv.tokenScopes("operator"))
	slices.Sort(got)
	if !slices.Equal(got, scopes) || !slices.Equal(dv.Scopes, []string{"operator.admin"}) || dv.OperatorLabel != "gateway-client" {
		t.Fatalf("openclaw devices list: %s has token scopes %v, approved %v, label %q; want %v, [operator.admin], gateway-client", short(id), got, dv.Scopes, dv.OperatorLabel, scopes)
	}
}

// untouched wants the device the block does not name exactly as before.
func untouched(t *testing.T, devs []listed, was listed) {
	t.Helper()
	now := byField(t, devs, func(l listed) bool { return l.DeviceID == was.DeviceID }, "the unnamed device")
	if !reflect.DeepEqual(now, was) {
		t.Fatalf("the unnamed device changed:\nbefore %+v\nnow    %+v", was, now)
	}
}
