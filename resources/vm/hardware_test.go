package vm

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

var update = flag.Bool("update", false, "rewrite the golden notes under testdata/vm")

// recorded is the repository's testdata/vm directory of recorded guests.
func recorded(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "vm", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("recorded tree %s: %v", name, err)
	}
	return dir
}

// planOn plans src against a recorded root.
func planOn(t *testing.T, root, src string) (*observed, resources.Change) {
	t.Helper()
	r := restest.MustDecode(t, Kind{}, src, nil)
	h := resources.NewHost(root, filepath.Join(t.TempDir(), "state"), []byte("k"), nil)
	st, ch := restest.Plan(t, h, r)
	return st.Private.(*observed), ch
}

func statuses(checks []Check) map[string]Status {
	out := map[string]Status{}
	for _, c := range checks {
		out[c.Name] = c.Status
	}
	return out
}

// TestRecordedGuests runs the checks on recorded /proc, /sys and /etc
// trees and compares the plan's notes with the golden files beside them.
func TestRecordedGuests(t *testing.T) {
	cases := []struct {
		tree string
		want map[string]Status
	}{
		{"proxmox-good", map[string]Status{"firmware": OK, "machine": OK, "cpu": OK, "disk": OK, "network": OK, "guest_agent": OK, "os": OK}},
		{"qemu-default-cpu", map[string]Status{"firmware": Mismatch, "machine": Mismatch, "cpu": Mismatch, "disk": Mismatch, "network": Mismatch, "guest_agent": Mismatch, "os": OK}},
	}
	for _, tc := range cases {
		t.Run(tc.tree, func(t *testing.T) {
			o, ch := planOn(t, recorded(t, tc.tree), `vm "host" { vmid = 105 }`)
			got := statuses(o.checks)
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s: status %s, want %s (%+v)", name, got[name], want, o.checks)
				}
			}
			golden(t, filepath.Join(filepath.Dir(recorded(t, tc.tree)), tc.tree+".notes"), hardwareNotes(ch.Notes))
		})
	}
}

// hardwareNotes are the notes about VM settings (not packages or users).
func hardwareNotes(notes []string) string {
	var out []string
	for _, n := range notes {
		if strings.HasPrefix(n, "manual action") || strings.HasPrefix(n, "could not verify") {
			out = append(out, n)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("notes differ from %s (go test -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestFixCommands checks the commands a reviewer copies: the VM id is
// substituted, and the NIC keeps its MAC address.
func TestFixCommands(t *testing.T) {
	_, ch := planOn(t, recorded(t, "qemu-default-cpu"), `vm "host" {
  vmid   = 105
  bridge = "vmbr1"
}`)
	all := strings.Join(ch.Notes, "\n")
	for _, want := range []string{
		"qm set 105 --cpu host", "qm set 105 --bios ovmf", "qm set 105 --machine q35",
		"qm set 105 --scsihw virtio-scsi-pci", "qm set 105 --net0 virtio=bc:24:11:12:34:56,bridge=vmbr1",
		"qm set 105 --agent enabled=1", `model "Common KVM processor", flags lack avx, avx2`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	_, ch = planOn(t, recorded(t, "qemu-default-cpu"), `vm "host" {}`)
	if all := strings.Join(ch.Notes, "\n"); !strings.Contains(all, "qm set VMID --cpu host") {
		t.Errorf("without vmid the commands should say VMID:\n%s", all)
	}
}

// TestOSDeclared: a declared OS other than the default, and "any".
func TestOSDeclared(t *testing.T) {
	o, ch := planOn(t, recorded(t, "proxmox-good"), `vm "host" { os = "debian-12" }`)
	if statuses(o.checks)["os"] != Mismatch || !strings.Contains(strings.Join(ch.Notes, "\n"), `os = "ubuntu-24.04"`) {
		t.Errorf("an Ubuntu guest declared debian-12 should be a mismatch that names the OS found: %v", ch.Notes)
	}
	o, _ = planOn(t, recorded(t, "proxmox-good"), `vm "host" {
  os              = "any"
  hardware_checks = false
}`)
	if len(o.checks) != 0 {
		t.Errorf("os = any and hardware_checks = false should run no checks: %+v", o.checks)
	}
}

// TestStrict: strict turns mismatches into an update whose apply fails,
// before anything is changed, listing every mismatch.
func TestStrict(t *testing.T) {
	root := recorded(t, "qemu-default-cpu")
	r := restest.MustDecode(t, Kind{}, `vm "host" {
  vmid   = 105
  strict = true
}`, nil)
	h := resources.NewHost(root, filepath.Join(t.TempDir(), "state"), []byte("k"), nil)
	_, ch := restest.Plan(t, h, r)
	if ch.Action != resources.Update || len(ch.Attrs) < 6 {
		t.Fatalf("strict plan: %s with %d attrs, want update with a checks.* attr per mismatch", ch.Action, len(ch.Attrs))
	}
	err := r.Apply(t.Context(), h, ch)
	if err == nil || !strings.Contains(err.Error(), "6 mismatch(es)") || !strings.Contains(err.Error(), "qm set 105 --cpu host") {
		t.Fatalf("strict apply error = %v", err)
	}
}

// TestThisMachine runs the checks for real on this machine (itself a VM):
// the probe succeeds and every device it names exists.
func TestThisMachine(t *testing.T) {
	o, _ := planOn(t, "/", `vm "host" { os = "any" }`)
	if len(o.checks) != 6 {
		t.Fatalf("want the six hardware checks, got %+v", o.checks)
	}
	for _, c := range o.checks {
		t.Logf("%-11s %-8s %s", c.Name, c.Status, c.Found)
		if c.Found == "" || c.Status == "" {
			t.Errorf("%s: empty result %+v", c.Name, c)
		}
		if c.Status == Mismatch && !strings.Contains(c.Fix, "qm set VMID") && c.Name != "os" {
			t.Errorf("%s: a mismatch without a Proxmox command: %+v", c.Name, c)
		}
	}
	for _, c := range o.checks {
		if (c.Name == "disk" || c.Name == "network") && c.Status != Unknown {
			dir := map[string]string{"disk": "/sys/block/", "network": "/sys/class/net/"}[c.Name]
			for _, part := range strings.Split(c.Found, ", ") {
				name, _, _ := strings.Cut(part, ":")
				if _, err := os.Lstat(dir + name); err != nil {
					t.Errorf("%s names %s, which is not in %s: %v", c.Name, name, dir, err)
				}
			}
		}
	}
	rel := osRelease(mustRead(t, "/etc/os-release"))
	cs := (checker{root: "/"}).osCheck(rel["ID"] + "-" + rel["VERSION_ID"])
	if cs.Status != OK {
		t.Errorf("this machine's own OS should match itself: %+v", cs)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
