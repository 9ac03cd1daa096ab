package main

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
)

// testNetns makes a network namespace for one test and removes it after.
func testNetns(t *testing.T) string {
	t.Helper()
	restest.NeedRoot(t)
	_, err := exec.LookPath("nft")
	restest.Need(t, err == nil, "nft (apt-get install nftables)")
	b := make([]byte, 4)
	rand.Read(b)
	name := "cpt-cc-" + hex.EncodeToString(b)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name
}

func ruleset(t *testing.T, ns string) string {
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "ruleset").CombinedOutput()
	if err != nil {
		t.Fatalf("nft list ruleset: %v %s", err, out)
	}
	return string(out)
}

const confirmFirewall = `
firewall "sandbox" {
  table   = "cc_sandbox"
  persist = false
}
`

// TestFirewallConfirmWithinRevertsForReal applies the firewall in a test
// namespace with -confirm-within and no confirmation: the table must be
// there during the window and gone after it, leaving the namespace's
// ruleset exactly as before (the netplan project once shipped a revert
// that silently did nothing). Confirmed, it stays.
func TestFirewallConfirmWithinRevertsForReal(t *testing.T) {
	ns := testNetns(t)
	exec.Command("ip", "netns", "exec", ns, "nft", "add", "table", "ip", "foreign").Run()
	before := ruleset(t, ns)
	env := []string{"CLAWPLAN_FIREWALL_NETNS=/run/netns/" + ns}
	root, dir := t.TempDir(), writeManifest(t, map[string]string{"main.hcl": confirmFirewall})
	cmd, out := spawn(t, env, "apply", "--root", root, "-auto-approve", "-confirm-within", "2s", dir)
	waitFor(t, func() bool { return strings.Contains(ruleset(t, ns), "table inet cc_sandbox") })
	if err := cmd.Wait(); err == nil || !strings.Contains(out.String(), "reverted to generation 0") {
		t.Fatalf("unconfirmed apply: %v\n%s", err, out)
	}
	if after := ruleset(t, ns); after != before {
		t.Fatalf("the revert left the ruleset changed:\n--- before\n%s--- after\n%s", before, after)
	}

	cmd, out = spawn(t, env, "apply", "--root", root, "-auto-approve", "-confirm-within", "30s", dir)
	waitFor(t, func() bool { return strings.Contains(out.String(), "clawplan confirm") })
	if r := clawplan(t, "confirm", "--root", root, dir); r.code != exitOK {
		t.Fatalf("confirm: %s", r.err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("confirmed apply: %v\n%s", err, out)
	}
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(ruleset(t, ns), "table inet cc_sandbox") || !strings.Contains(ruleset(t, ns), "table ip foreign") {
		t.Fatalf("after confirm the table (or the foreign one) is missing:\n%s", ruleset(t, ns))
	}
}
