package firewall

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
)

// importBlock is a firewall block far from the defaults: its own table,
// bridge, DNS (v4 and v6), blocked ranges that merge into a range no
// single CIDR covers, host ports and persisted file.
const importBlock = `firewall "lab" {
  table         = "cpt_imp"
  interface     = "br-sbx"
  dns_servers   = ["9.9.9.9", "2620:fe::fe"]
  extra_blocked = ["203.0.113.7", "11.0.0.0/8", "12.0.0.0/8"]
  allow_host    = [{ port = 11434 }, { protocol = "udp", port = 5353 }]
  persist_file  = "/etc/nftables.d/lab.nft"
}`

// importIn imports the firewall blocks of the namespace at path on h and
// decodes them, pointed at the namespace too.
func importIn(t *testing.T, h *resources.Host, path string) ([]resources.ImportedBlock, []resources.Resource) {
	t.Helper()
	t.Setenv(NetNSEnv, path)
	blocks, err := Kind{}.Import(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	var rs []resources.Resource
	for _, b := range blocks {
		rs = append(rs, inNS(t, path, string(importkit.Render("firewall", b))))
	}
	return blocks, rs
}

// TestImportClawplanTable: a table clawplan applied imports as a block
// that plans as a no-op, from clawplan's record and, with the state
// directory lost, from the include line in /etc/nftables.conf alone.
func TestImportClawplanTable(t *testing.T) {
	ns, path := newNetNS(t)
	addForeign(t, ns)
	h := restest.NewHost(t)
	r := inNS(t, path, importBlock)
	apply(t, h, r, resources.Create)
	rec, err := r.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	owned, _ := json.Marshal(map[string]json.RawMessage{"firewall.lab": rec})
	must(t, os.WriteFile(filepath.Join(h.StateDir, "owned.json"), owned, 0o600))
	for _, stateLost := range []bool{false, true} {
		if stateLost {
			must(t, os.Remove(filepath.Join(h.StateDir, "owned.json")))
		}
		blocks, rs := importIn(t, h, path)
		if len(blocks) != 1 || blocks[0].Name != "lab" || blocks[0].Comment != "" {
			t.Fatalf("state lost %v: imported %+v, want firewall.lab without notes", stateLost, blocks)
		}
		src := string(importkit.Render("firewall", blocks[0]))
		for _, want := range []string{`"10.0.0.0/7"`, `"12.0.0.0/8"`, `"203.0.113.7"`, `interface    = "br-sbx"`, `persist_file = "/etc/nftables.d/lab.nft"`, `protocol = "udp"`} {
			if !strings.Contains(src, want) {
				t.Errorf("the imported block lacks %s:\n%s", want, src)
			}
		}
		if ch := plan(t, h, rs[0]); ch.Action != resources.NoOp {
			t.Fatalf("state lost %v: the imported block plans %s %v %v:\n%s", stateLost, ch.Action, paths(ch.Attrs), ch.Files, src)
		}
	}
	if !strings.Contains(foreign(t, ns), "users_own") {
		t.Fatal("import touched another table")
	}
}

// TestImportSeedTable: the seed's hand-made table imports with adopt =
// true and its sets' contents; the comment lists what a plan changes
// (clawplan's own rules replace the seed's), and the plan does exactly that.
func TestImportSeedTable(t *testing.T) {
	ns, path := newNetNS(t)
	nsLoad(t, ns, seedTable)
	h := restest.NewHost(t)
	blocks, rs := importIn(t, h, path)
	if len(blocks) != 1 || blocks[0].Name != "sandbox" {
		t.Fatalf("imported %+v, want firewall.sandbox", blocks)
	}
	src := string(importkit.Render("firewall", blocks[0]))
	if !strings.Contains(src, "adopt        = true") || !strings.Contains(src, `"10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"`) {
		t.Fatalf("imported block:\n%s", src)
	}
	ch := plan(t, h, rs[0])
	if ch.Action != resources.Update {
		t.Fatalf("plan %s, want the adoption's update", ch.Action)
	}
	for _, a := range ch.Attrs {
		if !strings.Contains(blocks[0].Comment, "A plan changes "+a.Path+".") {
			t.Errorf("the comment does not announce %s:\n%s", a.Path, blocks[0].Comment)
		}
		if a.Path == "set.private_ipv4.elements" || a.Path == "set.dns_servers.elements" {
			t.Errorf("the seed's set contents change: %+v", a)
		}
	}
}

// TestSplitRange covers merged ranges with the fewest CIDRs.
func TestSplitRange(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.0-12.255.255.255":         "10.0.0.0/7 12.0.0.0/8",
		"192.0.2.1-192.0.2.6":             "192.0.2.1 192.0.2.2/31 192.0.2.4/31 192.0.2.6",
		"0.0.0.0-255.255.255.255":         "0.0.0.0/0",
		"fc00::-fe80::ffff":               "fc00::/7 fe00::/9 fe80::/112",
		"203.0.113.7":                     "203.0.113.7",
		"255.255.255.254-255.255.255.255": "255.255.255.254/31",
	} {
		if got := strings.Join(cidrs([]string{in}), " "); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
