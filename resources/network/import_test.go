package network

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

const seedDaemon = "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n"

// importOne imports from h, wants one block, and returns it as HCL source
// (as `clawplan import` writes it) and its comment.
func importOne(t *testing.T, h *resources.Host) (src, comment string) {
	t.Helper()
	blocks, err := Kind{}.Import(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 {
		t.Fatalf("imported %d blocks, want 1", len(blocks))
	}
	f := hclwrite.NewEmptyFile()
	blocks[0].Write(f.Body().AppendNewBlock("network", []string{blocks[0].Name}).Body())
	return string(hclwrite.Format(f.Bytes())), blocks[0].Comment
}

// planImported decodes and validates src and plans it against h.
func planImported(t *testing.T, h *resources.Host, src string) resources.Change {
	t.Helper()
	r, diags := restest.Decode(t, Kind{}, src, nil)
	if diags.HasErrors() {
		t.Fatalf("decode of the imported block:\n%s\n%s", src, diags.Error())
	}
	if d := r.Validate(); len(d) > 0 {
		t.Fatalf("validate of the imported block:\n%s\n%s", src, d.Error())
	}
	return plan(t, h, r)
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), w) {
			t.Errorf("%s does not say %q:\n%s", what, w, text)
		}
	}
}

// TestImportSeedHost imports a host set up by hand from the recipe: the
// block, planned against the same host, shows no change, and the files
// keep their bytes (the netplan file is adopted as it is).
func TestImportSeedHost(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, netplanPath, handSeed, 0o600, 0, 0)
	put(t, h, daemonPath, seedDaemon, 0o644, 0, 0)
	src, comment := importOne(t, h)
	want := `network "lan" {
  interface    = "ens18"
  addresses    = ["192.0.2.10/24"]
  gateway      = "192.0.2.1"
  nameservers  = ["192.0.2.53"]
  netplan_file = "/etc/netplan/01-netcfg.yaml"
  docker_dns   = ["1.1.1.1", "8.8.8.8"]
}
`
	if src != want {
		t.Errorf("imported\n%s\nwant\n%s", src, want)
	}
	mustContain(t, "the comment", comment, "written by hand", "keeps it as it is", "removing the block takes out that key and keeps the file")
	if ch := planImported(t, h, src); ch.Action != resources.NoOp {
		t.Fatalf("the imported block plans %s: files %+v, notes %q", ch.Action, ch.Files, ch.Notes)
	}
	if string(get(t, h, netplanPath).Content) != handSeed || string(get(t, h, daemonPath).Content) != seedDaemon {
		t.Fatal("import or plan changed a file")
	}
}

// TestImportHostClawplanBuilt: disaster recovery. The block's name comes
// from the marker line, and the plan is no change.
func TestImportHostClawplanBuilt(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	apply(t, h, named(t, "gw", seedBlock))
	src, comment := importOne(t, h)
	mustContain(t, "the comment", comment, "clawplan wrote that file for network.gw")
	if !strings.HasPrefix(src, `network "gw" {`) {
		t.Fatalf("imported block:\n%s", src)
	}
	if ch := planImported(t, h, src); ch.Action != resources.NoOp {
		t.Fatalf("the imported block plans %s: %+v", ch.Action, ch.Files)
	}
}

// TestImportPicksTheFirstStaticFile: a DHCP-only file is passed over, a
// file /run/netplan shadows is skipped, the first static one is taken and
// the later ones are named.
func TestImportPicksTheFirstStaticFile(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	other := strings.NewReplacer("ens18", "ens19", "192.0.2.", "198.51.100.").Replace(handSeed)
	put(t, h, "/etc/netplan/00-dhcp.yaml", "network:\n  version: 2\n  ethernets:\n    eth1:\n      dhcp4: true\n", 0o600, 0, 0)
	put(t, h, "/etc/netplan/05-old.yaml", other, 0o600, 0, 0)
	put(t, h, "/run/netplan/05-old.yaml", "network:\n  version: 2\n", 0o600, 0, 0)
	put(t, h, "/etc/netplan/10-lan.yaml", handSeed, 0o600, 0, 0)
	put(t, h, "/etc/netplan/20-wan.yaml", other, 0o600, 0, 0)
	src, comment := importOne(t, h)
	mustContain(t, "the block", src, `netplan_file = "/etc/netplan/10-lan.yaml"`, `interface = "ens18"`)
	mustContain(t, "the comment", comment, "/etc/netplan/05-old.yaml is skipped: netplan reads /run/netplan/05-old.yaml", "stay unmanaged", "/etc/netplan/20-wan.yaml")
	if strings.Contains(src, "docker_dns") {
		t.Errorf("docker_dns without a daemon.json:\n%s", src)
	}
	if ch := planImported(t, h, src); ch.Action != resources.NoOp {
		t.Fatalf("the imported block plans %s: %+v", ch.Action, ch.Files)
	}
}

// TestImportSaysWhenApplyRewrites: a file with settings a block cannot
// express, and too wide a mode. The comment says the first apply rewrites
// the file, and the plan shows exactly that.
func TestImportSaysWhenApplyRewrites(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	content := strings.Replace(handSeed, "[192.0.2.53]\n", "[192.0.2.53]\n        search: [lan]\n", 1)
	put(t, h, netplanPath, content, 0o644, 0, 0)
	put(t, h, daemonPath, `{"dns": "1.1.1.1"}`, 0o644, 0, 0)
	src, comment := importOne(t, h)
	mustContain(t, "the comment", comment, "REWRITES the file without them", "nameservers.search", "It is 0644 0:0", `docker_dns is left out`)
	ch := planImported(t, h, src)
	if ch.Action != resources.Update || len(ch.Files) != 1 || ch.Files[0].Before != content || strings.Contains(ch.Files[0].After, "search") {
		t.Fatalf("plan %s with files %+v, want the rewrite of %s without the search domains", ch.Action, ch.Files, netplanPath)
	}
}

func TestImportFindsNothing(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, "/etc/netplan/50-cloud-init.yaml", "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n", 0o600, 0, 0)
	put(t, h, daemonPath, `{"log-driver": "journald"}`, 0o644, 0, 0)
	blocks, err := Kind{}.Import(t.Context(), h)
	if err != nil || len(blocks) != 0 {
		t.Fatalf("a DHCP host without Docker DNS imports %d blocks (err %v), want none", len(blocks), err)
	}
}

// TestImportReviewNotes: values clawplan would refuse are imported as
// they are, with validate's verdict at the top of the comment.
func TestImportReviewNotes(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, "/etc/netplan/50-cloud-init.yaml", strings.Replace(handSeed, "192.0.2.10/24", "192.0.2.10", 1), 0o600, 0, 0)
	put(t, h, daemonPath, "{,}", 0o644, 0, 0)
	_, comment := importOne(t, h)
	mustContain(t, "the comment", comment, "REVIEW (validate error)", "has no prefix length", "cloud-init rewrites", "docker_dns is left out", "not valid JSON")
	if !strings.HasPrefix(comment, "REVIEW") {
		t.Errorf("the review is not first:\n%s", comment)
	}
}
