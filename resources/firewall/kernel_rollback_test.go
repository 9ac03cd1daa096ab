package firewall

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

const changedBlock = `firewall "sandbox" {
  extra_blocked = ["203.0.113.0/24"]
  allow_host    = [{ port = 11434 }]
}`

// faultyRule is a rule that refers to a set that does not exist: the
// kernel rejects it, and with it the whole transaction it ends.
func faultyRule(t *testing.T, table string) netlink.Message {
	t.Helper()
	objs, err := tableSpec{Name: table, Rules: []ruleSpec{{chainFwd, "fault", cat(daddrIn(false, "no_such_set", 0), drop)}}}.objects()
	if err != nil {
		t.Fatal(err)
	}
	m, err := objs[len(objs)-1].request()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestKernelRejectedMidTransaction: the kernel refuses the last message
// of the replace; nothing of it lands, and Restore leaves the ruleset as
// it was.
func TestKernelRejectedMidTransaction(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	h := restest.NewHost(t)
	apply(t, h, inNS(t, path, defaultBlock), resources.Create)
	before := ruleset(t, ns)

	r := inNS(t, path, changedBlock)
	snap := mustSnapshot(t, h, r)
	ch := plan(t, h, r)
	faultInjectBatch = func(m []netlink.Message) []netlink.Message { return append(m, faultyRule(t, "oc_sandbox")) }
	defer func() { faultInjectBatch = nil }()
	err := r.Apply(context.Background(), h, ch)
	if err == nil || !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("apply with an injected fault: %v", err)
	}
	if got := ruleset(t, ns); got != before {
		t.Fatalf("a rejected transaction changed the ruleset:\n%s", got)
	}
	if err := r.Restore(context.Background(), restest.Fresh(h), roundTrip(t, snap)); err != nil {
		t.Fatal(err)
	}
	if got := ruleset(t, ns); got != before {
		t.Errorf("ruleset after restore differs:\n%s\nbefore:\n%s", got, before)
	}
}

// TestKernelFailureAfterCommit: the table is replaced, then writing the
// persisted file fails for real (its name leaves no room for the temp
// file); a new process restores the snapshot read back from JSON, and the
// ruleset and files are exactly as before.
func TestKernelFailureAfterCommit(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	long := "/etc/nftables.d/" + strings.Repeat("x", 240) + ".nft"
	v1 := `firewall "sandbox" { persist_file = "` + long + `" }`
	h := restest.NewHost(t)
	r1 := inNS(t, path, strings.Replace(v1, long, "/etc/nftables.d/short.nft", 1))
	apply(t, h, r1, resources.Create)
	before := ruleset(t, ns)
	conf, _ := readFile(t, h, "/etc/nftables.conf")

	r := inNS(t, path, strings.Replace(changedBlock, "{", "{\n  persist_file = \""+long+"\"", 1))
	snap := roundTrip(t, mustSnapshot(t, h, r))
	err := r.Apply(context.Background(), h, plan(t, h, r))
	if err == nil || !strings.Contains(err.Error(), "file name too long") {
		t.Fatalf("apply: %v", err)
	}
	if ruleset(t, ns) == before {
		t.Fatal("the table was not replaced before the file write failed; the test proves nothing")
	}
	fresh := inNS(t, path, defaultBlock) // the next process, from the manifest
	if err := fresh.Restore(context.Background(), restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	if got := ruleset(t, ns); got != before {
		t.Errorf("ruleset after restore differs:\n%s\nbefore:\n%s", got, before)
	}
	if got, _ := readFile(t, h, "/etc/nftables.conf"); got != conf {
		t.Errorf("nftables.conf after restore:\n%s\nbefore:\n%s", got, conf)
	}
}

// TestKernelRestoreKeepsHandEdits: a snapshot of a hand-edited table (an
// anonymous set, a counter, an extra named set) comes back exactly.
func TestKernelRestoreKeepsHandEdits(t *testing.T) {
	ns, path := newNetNS(t)
	h := restest.NewHost(t)
	r := inNS(t, path, defaultBlock)
	apply(t, h, r, resources.Create)
	nsNft(t, ns, "add", "set", "inet", "oc_sandbox", "ports", "{", "type", "inet_service", ";", "elements", "=", "{", "443", "}", ";", "}")
	nsNft(t, ns, "insert", "rule", "inet", "oc_sandbox", "input", "iifname", `"docker0"`, "tcp", "dport", "{", "22,", "80", "}", "counter", "accept", "comment", `"by hand"`)
	before := ruleset(t, ns)
	snap := roundTrip(t, mustSnapshot(t, h, r))
	ch := apply(t, h, r, resources.Update)
	if !strings.Contains(strings.Join(paths(ch.Attrs), " "), "set.ports") || ruleset(t, ns) == before {
		t.Fatalf("the repair did not remove the hand edits: %v", paths(ch.Attrs))
	}
	if err := r.Restore(context.Background(), restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	if got := ruleset(t, ns); got != before {
		t.Errorf("ruleset after restore differs:\n%s\nbefore:\n%s", got, before)
	}
}

// TestKernelGeneration: the kernel refuses a transaction sent with a
// generation someone moved on from; Apply refuses when the table changed
// since the plan and goes ahead (re-checked) after an unrelated change.
func TestKernelGeneration(t *testing.T) {
	ns, path := newNetNS(t)
	h := restest.NewHost(t)
	r := inNS(t, path, defaultBlock)

	c, err := netNS(path).dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	live, err := readTable(c, unix.NFPROTO_INET, "oc_sandbox", "")
	if err != nil {
		t.Fatal(err)
	}
	nsNft(t, ns, "add", "table", "ip", "someone_else")
	before := ruleset(t, ns)
	reqs, _ := requests(r.want)
	msgs, _ := replaceMessages(unix.NFPROTO_INET, "oc_sandbox", reqs)
	if err := commit(c, live.Gen, msgs); !errors.Is(err, errStale) {
		t.Fatalf("commit at a stale generation: %v", err)
	}
	if ruleset(t, ns) != before {
		t.Fatal("a stale transaction changed the ruleset")
	}

	apply(t, h, r, resources.Create)
	r2 := inNS(t, path, changedBlock)
	ch := plan(t, h, r2)
	nsNft(t, ns, "delete", "element", "inet", "oc_sandbox", "dns_servers", "{", "8.8.8.8", "}")
	edited := ruleset(t, ns)
	if err := r2.Apply(context.Background(), h, ch); err == nil || !strings.Contains(err.Error(), "changed since it was probed") {
		t.Fatalf("a stale apply is not refused: %v", err)
	}
	if ruleset(t, ns) != edited {
		t.Fatal("the refused apply changed the ruleset")
	}

	ch = plan(t, h, r2)
	nsNft(t, ns, "add", "table", "ip", "unrelated")
	if err := r2.Apply(context.Background(), h, ch); err != nil {
		t.Fatalf("apply after an unrelated change: %v", err)
	}
	if p := plan(t, h, r2); p.Action != resources.NoOp || !strings.Contains(nsNft(t, ns, "list", "tables"), "table ip unrelated") {
		t.Errorf("after apply: %s", p.Action)
	}
}

// handles lists the table's and its chains' kernel handles: they stay the
// same only when a change is made in place (the hooks never move).
func handles(t *testing.T, ns string) string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(nsNft(t, ns, "-a", "list", "table", "inet", "oc_sandbox"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "table ") || strings.HasPrefix(strings.TrimSpace(line), "chain ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}

// TestKernelUpdateInPlace: ordinary updates (set elements both ways, a
// rule added, a hand-changed policy) keep the table and its base chains,
// so no packet ever meets a half-built chain; a set whose type changed by
// hand is recreated inside the kept table.
func TestKernelUpdateInPlace(t *testing.T) {
	ns, path := newNetNS(t)
	h := restest.NewHost(t)
	apply(t, h, inNS(t, path, defaultBlock), resources.Create)
	before := handles(t, ns)
	for _, src := range []string{changedBlock, defaultBlock, changedBlock} {
		apply(t, h, inNS(t, path, src), resources.Update)
	}
	nsNft(t, ns, "chain", "inet", "oc_sandbox", "input", "{", "policy", "drop", ";", "}")
	nsNft(t, ns, "delete", "element", "inet", "oc_sandbox", "dns_servers", "{", "8.8.8.8", "}")
	apply(t, h, inNS(t, path, changedBlock), resources.Update)
	if got := handles(t, ns); got != before {
		t.Errorf("an ordinary update recreated the table or a chain:\n%s\nbefore:\n%s", got, before)
	}
	if p := plan(t, h, inNS(t, path, changedBlock)); p.Action != resources.NoOp {
		t.Errorf("after in-place updates the plan is %s: %v", p.Action, paths(p.Attrs))
	}
	if !strings.Contains(nsNft(t, ns, "list", "chain", "inet", "oc_sandbox", "input"), "policy accept") {
		t.Errorf("the hand-changed policy is not repaired")
	}
}
