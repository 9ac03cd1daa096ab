package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/vm"
)

// TestFaultInjectionInTestHost is issue 8's fault injection on the
// disaster-recovery test host (see TestDisasterRecovery): the reference
// apply of testdata/dr/secure-gateway fails at each of its mutations in
// turn, and after each failure the host must be as it was before the
// apply: files (content, mode, owner), the nftables ruleset of the host's
// namespace, systemd's units and user managers, the service user's
// processes, and the run's images and containers on the Docker engine (see
// hostStateScript for what is compared and what is left out, and why).
//
// Policy for packages: apt installs are additive by design (the vm kind
// keeps them on rollback and its plan says so), so the seed's packages are
// installed before the first snapshot: they are part of "before".
//
// Two starting points, one boot:
//
//  1. the empty host: the failure right after vm.host (the service user,
//     its groups, its home, lingering) must remove all of it;
//  2. the host after `apply -target vm.host` (the user exists, its manager
//     runs): every other mutation fails in turn, and then three real
//     faults (realFaults): the gateway's unit fails to start, a read-only
//     /etc/nftables.conf (the table is loaded, its file cannot be written)
//     and the Docker socket gone (the image cannot be built).
//
// The failing applies run with -parallelism 1: the apply order is then one
// sequence, and failing at its k-th step leaves exactly steps 1..k to
// restore (with 4 at once, a failure also waits for whatever runs beside
// it, the gateway's start included). Each redoes the steps before its
// point; the gateway starts for real each time it is reached. Each apply
// is compared with the state just before it. A final apply (default
// parallelism) must succeed and the next plan show no changes.
//
// OpenClaw's own runtime data that its runs leave is reported, not
// counted: see openclawRuntime.
func TestFaultInjectionInTestHost(t *testing.T) {
	restest.NeedRoot(t)
	if testing.Short() {
		t.Skip("boots systemd and fails the reference apply at every step (minutes)")
	}
	start := time.Now()
	dr := bootDR(t)
	dr.standIns()
	dr.prepare(t)
	t.Logf("booted, packages installed: %s", time.Since(start).Round(time.Second))
	in := &injector{dr: dr}
	in.atEach(t, []string{"vm.host"})
	if _, code := dr.clawplan(dr.env, "apply", "-auto-approve", "-target", "vm.host", drDir); code != 0 {
		t.Fatalf("apply -target vm.host: exit %d", code)
	}
	dr.box.MustExec(t, "sh", "-c", "for i in $(seq 100); do systemctl -q is-active user@1000.service && exit 0; sleep 0.1; done; exit 1")
	in.atEach(t, in.changes(t))
	t.Logf("every mutation failed in turn: %s", time.Since(start).Round(time.Second))
	for _, f := range realFaults {
		in.real(t, f)
	}
	t.Logf("real faults done: %s", time.Since(start).Round(time.Second))
	if _, code := dr.clawplan(dr.env, "apply", "-auto-approve", drDir); code != 0 {
		t.Fatalf("the clean apply after the injections: exit %d", code)
	}
	if _, code := dr.clawplan(dr.env, "plan", "-detailed-exitcode", drDir); code != 0 {
		t.Errorf("the plan after the clean apply: exit %d, want 0 (no changes)", code)
	}
	if in.points < 10 {
		t.Errorf("only %d injection points: the reference apply changes more", in.points)
	}
	took := time.Since(start).Round(time.Second)
	t.Logf("fault injection (test host): %d injection points tried, %d leftovers, %d with OpenClaw runtime residue only, in %s",
		in.points, in.leftovers, in.residue, took)
	restest.Summary(t, "injection", in.points, in.leftovers, fmt.Sprintf(
		"test host: the reference apply failed at each mutation and at 3 real faults, host compared with before (%d with OpenClaw runtime data left, by policy; %s)",
		in.residue, took))
}

// offline is the test host's own table that rejects connections beyond
// its private networks at once, as a host without a route would (the
// test host is offline: no npm registry, an LLM stand-in): OpenClaw's
// Telegram channel then fails at once instead of waiting for timeouts.
const offline = `table inet cpt_offline {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr { 0.0.0.0/8, 10.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16 } accept
		ip6 daddr { ::1, fc00::/7, fe80::/10 } accept
		meta l4proto tcp reject with tcp reset
		meta l4proto udp reject
	}
}`

// stopDropIn is the test host's drop-in for the gateway's unit. When
// OpenClaw 2026.9.6 is stopped while its Telegram channel is starting and
// the Telegram API cannot be reached, it waits out its whole shutdown
// budget ("1 retained consumer"), which it derives from the unit's
// TimeoutStopSec: 330 s in the unit OpenClaw and clawplan write. A
// rollback right after the gateway's first start stops it just then (5
// minutes per such point, measured); 30 s keeps the test within its time.
const stopDropIn = "/etc/systemd/user/openclaw-gateway.service.d/cpt-stop.conf"

// prepare installs the seed's packages, as the vm kind would: they stay
// whatever happens next (see the test's package policy); then the host
// goes offline (offline) and gets the stop drop-in (stopDropIn).
func (d *drBoot) prepare(t *testing.T) {
	t.Helper()
	cmd := "apt-get update -q && apt-get install -y -q --no-install-recommends " + strings.Join(vm.SeedPackages, " ") +
		" && printf '%s\\n' '" + offline + "' | nft -f -" +
		" && mkdir -p " + filepath.Dir(stopDropIn) + " && printf '[Service]\\nTimeoutStopSec=30\\n' > " + stopDropIn
	out, code, err := d.box.ExecEnv(context.Background(), []string{"DEBIAN_FRONTEND=noninteractive"}, nil, "sh", "-c", cmd)
	if err != nil || code != 0 {
		t.Fatalf("preparing the test host: exit %d, %v\n%s", code, err, tail(out, 20))
	}
}

// injector fails applies in the test host and counts what they leave.
type injector struct {
	dr                         *drBoot
	points, leftovers, residue int
}

// changes are the addresses the next apply changes, in plan order.
func (in *injector) changes(t *testing.T) []string {
	t.Helper()
	out, code, err := in.dr.box.ExecEnv(context.Background(), in.dr.env, nil, "/usr/local/bin/clawplan", "plan", "-format", "json", drDir)
	var p struct {
		Changes []struct {
			Address string `json:"address"`
		} `json:"changes"`
	}
	i := strings.Index(out, "{")
	if err != nil || code != 0 || i < 0 || json.Unmarshal([]byte(out[i:]), &p) != nil {
		t.Fatalf("plan -format json: exit %d, %v\n%s", code, err, tail(out, 20))
	}
	var addrs []string
	for _, c := range p.Changes {
		addrs = append(addrs, c.Address)
	}
	t.Logf("injection points: %s", strings.Join(addrs, " "))
	return addrs
}

// atEach fails the apply right after each of addrs (the test hook). Each
// apply is compared with the state just before it.
func (in *injector) atEach(t *testing.T, addrs []string) {
	before := in.dr.hostState(t)
	for _, a := range addrs {
		env := append(append([]string{}, in.dr.env...), "CLAWPLAN_TESTHOOK_FAIL_APPLY="+a)
		before = in.try(t, before, "after "+a, env, "injected fault after applying "+a)
	}
}

// try runs one apply that must fail with want in its output, compares the
// host with before, and returns the host's state after.
func (in *injector) try(t *testing.T, before, name string, env []string, want string) string {
	t.Helper()
	in.points++
	start := time.Now()
	out, code, err := in.dr.box.ExecEnv(context.Background(), env, nil, "/usr/local/bin/clawplan", "apply", "-auto-approve", "-no-color", "-parallelism", "1", drDir)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%s: apply exit %d in %s: %s", name, code, time.Since(start).Round(100*time.Millisecond), errorLine(out))
	if code == 0 || !strings.Contains(out, want) || strings.Contains(out, "restoring failed too") {
		t.Errorf("%s: apply exit %d, want a failure with %q and a complete restore:\n%s", name, code, want, tail(out, 30))
	}
	after := in.dr.hostState(t)
	left, residue := stateDiff(before, after)
	if len(residue) > 0 {
		in.residue++
		t.Logf("%s: OpenClaw's runtime data (not counted, see openclawRuntime):\n%s", name, strings.Join(residue, "\n"))
	}
	if len(left) > 0 {
		in.leftovers++
		t.Errorf("%s: the host differs from before the apply:\n%s", name, strings.Join(left, "\n"))
	}
	return after
}

// errorLine is the apply's "Error:" line.
func errorLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Error:") {
			return l
		}
	}
	return "(no error line)"
}
