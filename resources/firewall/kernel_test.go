package firewall

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

const defaultBlock = `firewall "sandbox" {}`

// TestKernelLifecycle runs the contract every kind passes (create, no-op
// re-plan, restore to the first fingerprint) in a fresh namespace, which
// it reaches through CLAWPLAN_FIREWALL_NETNS.
func TestKernelLifecycle(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	before, foreignBefore := ruleset(t, ns), foreign(t, ns)
	t.Setenv(NetNSEnv, path)
	h := restest.NewHost(t)
	r := decode(t, defaultBlock)
	restest.Lifecycle(t, h, r)
	if got := ruleset(t, ns); got != before {
		t.Errorf("ruleset after restore differs:\n%s\nbefore:\n%s", got, before)
	}
	if foreign(t, ns) != foreignBefore {
		t.Errorf("foreign tables changed")
	}
}

// TestKernelDriftRepairDelete: create; no-op; three hand edits, each
// named exactly by the plan and repaired by apply; then the removed block
// deletes its table and files. Foreign tables never change.
func TestKernelDriftRepairDelete(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	foreignBefore := foreign(t, ns)
	h := restest.NewHost(t)
	r := inNS(t, path, defaultBlock)
	apply(t, h, r, resources.Create)
	if ch := plan(t, h, r); ch.Action != resources.NoOp {
		t.Fatalf("second plan is %s: %+v", ch.Action, ch.Attrs)
	}

	handle := ruleHandle(t, ns, "oc_sandbox", "forward", "drop_private_ipv4")
	nsNft(t, ns, "replace", "rule", "inet", "oc_sandbox", "forward", "handle", handle,
		"iifname", `"docker0"`, "ip", "daddr", "@private_ipv4", "accept", "comment", `"clawplan:drop_private_ipv4"`)
	a := onlyChange(t, plan(t, h, r), "rule.forward.drop_private_ipv4")
	if a.Before != `iifname "docker0" ip daddr @private_ipv4 accept` || a.After != `iifname "docker0" ip daddr @private_ipv4 drop` {
		t.Errorf("rule change %q -> %q", a.Before, a.After)
	}
	apply(t, h, r, resources.Update)
	if !strings.Contains(nsNft(t, ns, "list", "chain", "inet", "oc_sandbox", "forward"), `ip daddr @private_ipv4 drop`) {
		t.Errorf("the drop rule is not back")
	}

	nsNft(t, ns, "delete", "element", "inet", "oc_sandbox", "private_ipv4", "{", "192.168.0.0/16", "}")
	a = onlyChange(t, plan(t, h, r), "set.private_ipv4.elements")
	if len(a.Before.([]any)) != 4 || len(a.After.([]any)) != 5 {
		t.Errorf("element change %v -> %v", a.Before, a.After)
	}
	apply(t, h, r, resources.Update)

	nsNft(t, ns, "insert", "rule", "inet", "oc_sandbox", "input", "iifname", `"docker0"`, "tcp", "dport", "22", "accept")
	a = onlyChange(t, plan(t, h, r), "rule.input[0]")
	if a.Before != `iifname "docker0" tcp dport 22 accept` || a.After != nil {
		t.Errorf("extra rule %v -> %v", a.Before, a.After)
	}
	apply(t, h, r, resources.Update)
	if ch := plan(t, h, r); ch.Action != resources.NoOp {
		t.Fatalf("plan after repairs is %s: %v", ch.Action, paths(ch.Attrs))
	}

	rec, err := r.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := Kind{}.Orphan(r.Addr(), rec)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, h, orphan, resources.Delete)
	if out := nsNft(t, ns, "list", "tables"); strings.Contains(out, "oc_sandbox") {
		t.Errorf("table still there after delete:\n%s", out)
	}
	for _, p := range []string{*r.s.PersistFile, r.s.NftablesConf} {
		if _, exists := readFile(t, h, p); exists {
			t.Errorf("%s left behind", p)
		}
	}
	if ch := plan(t, h, orphan); ch.Action != resources.NoOp {
		t.Errorf("orphan plan after delete is %s", ch.Action)
	}
	if foreign(t, ns) != foreignBefore {
		t.Errorf("foreign tables changed:\n%s", foreign(t, ns))
	}
}

// TestKernelPersistedFileLoads checks that the persisted file loads with
// the real nft (check mode and for real, twice, as reloads do), leaves
// other tables alone and yields the very table the netlink path applies:
// a plan against the loaded table is a no-op.
func TestKernelPersistedFileLoads(t *testing.T) {
	for name, src := range map[string]string{
		"default": defaultBlock,
		"custom": `firewall "sandbox" {
  table         = "cpt_custom"
  dns_servers   = ["9.9.9.9", "2620:fe::fe"]
  extra_blocked = ["203.0.113.7", "11.0.0.0/8", "12.0.0.0/8", "2001:db8::/32"]
  allow_host    = [{ port = 11434 }, { protocol = "udp", port = 5353 }]
}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, path := newNetNS(t)
			h := restest.NewHost(t)
			apply(t, h, inNS(t, path, src), resources.Create)
			r := decode(t, src)
			file, _ := h.Path(*r.s.PersistFile)
			ns2, path2 := newNetNS(t)
			nsNft(t, ns2, "-c", "-f", file)
			addForeign(t, ns2)
			foreignBefore := foreign(t, ns2)
			nsNft(t, ns2, "-f", file)
			nsNft(t, ns2, "-f", file)
			if foreign(t, ns2) != foreignBefore {
				t.Errorf("loading the persisted file changed other tables")
			}
			if err := SetNetNS(r, path2); err != nil {
				t.Fatal(err)
			}
			if ch := plan(t, h, r); ch.Action != resources.NoOp {
				t.Errorf("the table loaded from the file differs from the applied one: %v %+v", paths(ch.Attrs), ch.Attrs)
			}
			conf, _ := readFile(t, h, r.s.NftablesConf)
			confCopy := strings.ReplaceAll(conf, `"`+*r.s.PersistFile+`"`, `"`+file+`"`)
			nsLoad(t, ns2, confCopy)
			if ch := plan(t, h, r); ch.Action != resources.NoOp || foreign(t, ns2) != foreignBefore {
				t.Errorf("loading the main file through its include: plan %s", ch.Action)
			}
		})
	}
}

// TestKernelAdoptAndRestoreForeign: a hand-made table of the same name
// (the seed's) is refused; with adopt it is replaced, and Restore puts
// the original back exactly.
func TestKernelAdoptAndRestoreForeign(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	nsLoad(t, ns, seedTable)
	before := ruleset(t, ns)
	h := restest.NewHost(t)
	r := inNS(t, path, defaultBlock)
	if _, err := r.Diff(mustProbe(t, h, r)); err == nil || !strings.Contains(err.Error(), "not clawplan's") {
		t.Fatalf("the seed's table is not refused: %v", err)
	}
	adopt := inNS(t, path, `firewall "sandbox" { adopt = true }`)
	snap := mustSnapshot(t, h, adopt)
	apply(t, h, adopt, resources.Update)
	if ruleset(t, ns) == before {
		t.Fatal("adopt changed nothing")
	}
	if err := inNS(t, path, defaultBlock).Restore(context.Background(), restest.Fresh(h), roundTrip(t, snap)); err != nil {
		t.Fatal(err)
	}
	if got := ruleset(t, ns); got != before {
		t.Errorf("restore did not bring the seed's table back:\n%s\nwant:\n%s", got, before)
	}
}

// seedTable is the seed's section 8 table, without its flush ruleset.
const seedTable = `table inet oc_sandbox {
  set private_ipv4 {
    type ipv4_addr
    flags interval
    elements = { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16 }
  }
  set dns_servers {
    type ipv4_addr
    elements = { 1.1.1.1, 8.8.8.8 }
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "docker0" oifname "docker0" accept
    iifname "docker0" ip daddr @private_ipv4 drop
    iifname "docker0" ip daddr @dns_servers tcp dport 53 accept
    iifname "docker0" ip daddr @dns_servers udp dport 53 accept
    iifname "docker0" accept
  }
}
`

func mustProbe(t *testing.T, h *resources.Host, r resources.Resource) resources.State {
	t.Helper()
	st, err := r.Probe(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustSnapshot(t *testing.T, h *resources.Host, r resources.Resource) resources.Snapshot {
	t.Helper()
	s, err := r.Snapshot(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKernelRenameDropsOldTable: renaming the table deletes the block's
// old table in the same transaction, and its persisted file and include
// line; restoring the snapshot brings all of it back.
func TestKernelRenameDropsOldTable(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	h := restest.NewHost(t)
	apply(t, h, inNS(t, path, defaultBlock), resources.Create)
	before := ruleset(t, ns)
	oldFile, _ := readFile(t, h, "/etc/nftables.d/clawplan-oc_sandbox.nft")
	oldConf, _ := readFile(t, h, "/etc/nftables.conf")

	renamed := inNS(t, path, `firewall "sandbox" { table = "sandbox_fw" }`)
	snap := roundTrip(t, mustSnapshot(t, h, renamed))
	ch := apply(t, h, renamed, resources.Create)
	if !strings.Contains(strings.Join(paths(ch.Attrs), " "), "stale_table.oc_sandbox") || !hasNote(ch, "previous name") {
		t.Errorf("the plan does not say the old table goes: %v %v", paths(ch.Attrs), ch.Notes)
	}
	if tables := nsNft(t, ns, "list", "tables"); strings.Contains(tables, "oc_sandbox") || !strings.Contains(tables, "sandbox_fw") {
		t.Errorf("tables after the rename:\n%s", tables)
	}
	if _, exists := readFile(t, h, "/etc/nftables.d/clawplan-oc_sandbox.nft"); exists {
		t.Errorf("the old persisted file is left behind")
	}
	conf, _ := readFile(t, h, "/etc/nftables.conf")
	if strings.Count(conf, "include \"") != 1 || !strings.Contains(conf, "clawplan-sandbox_fw.nft") {
		t.Errorf("main file after the rename:\n%s", conf)
	}
	if p := plan(t, h, renamed); p.Action != resources.NoOp {
		t.Errorf("plan after the rename is %s: %v", p.Action, paths(p.Attrs))
	}
	if err := renamed.Restore(context.Background(), restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	file, _ := readFile(t, h, "/etc/nftables.d/clawplan-oc_sandbox.nft")
	conf, _ = readFile(t, h, "/etc/nftables.conf")
	if got := ruleset(t, ns); got != before || file != oldFile || conf != oldConf {
		t.Errorf("restore after the rename: ruleset same=%v file same=%v conf same=%v", got == before, file == oldFile, conf == oldConf)
	}
}

// TestKernelPersistOff: persist = false removes the persisted file and the
// main file clawplan created, and keeps the table.
func TestKernelPersistOff(t *testing.T) {
	ns, path := newNetNS(t)
	h := restest.NewHost(t)
	apply(t, h, inNS(t, path, defaultBlock), resources.Create)
	off := inNS(t, path, `firewall "sandbox" { persist = false }`)
	ch := apply(t, h, off, resources.Update)
	if len(ch.Attrs) != 0 || len(ch.Files) != 2 {
		t.Errorf("persist = false plans %v and %d files", paths(ch.Attrs), len(ch.Files))
	}
	for _, p := range []string{"/etc/nftables.d/clawplan-oc_sandbox.nft", "/etc/nftables.conf"} {
		if _, exists := readFile(t, h, p); exists {
			t.Errorf("%s still there", p)
		}
	}
	if !strings.Contains(nsNft(t, ns, "list", "tables"), "oc_sandbox") {
		t.Errorf("the table went with the files")
	}
}
