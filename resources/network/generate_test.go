package network

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// These tests run netplan's real generator (Debian package netplan.io).

// TestGeneratorAcceptsWhatClawplanRenders renders the seed and a
// dual-stack block, has netplan generate the systemd-networkd config from
// them, and checks that it says what the block means.
func TestGeneratorAcceptsWhatClawplanRenders(t *testing.T) {
	restest.Need(t, haveGenerator(), "netplan's generator (netplan.io)")
	cases := map[string]struct {
		src  string
		want []string
	}{
		"seed": {seedBlock, []string{"Name=ens18", "Address=192.0.2.10/24", "Destination=0.0.0.0/0", "Gateway=192.0.2.1", "DNS=192.0.2.53"}},
		"dual stack": {block(`interface = "ens18"`, `addresses = ["192.0.2.10/24", "2001:db8::10/64"]`, `gateway = "fe80::1"`,
			`nameservers = ["2001:db8::53"]`), []string{"Address=2001:db8::10/64", "Destination=::/0", "Gateway=fe80::1", "DNS=2001:db8::53"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			n := decode(t, c.src)
			dir := t.TempDir()
			file := filepath.Join(dir, n.cfg.NetplanFile)
			os.MkdirAll(filepath.Dir(file), 0o755)
			os.WriteFile(file, renderNetplan(n.addr, n.cfg, created), 0o600)
			argv := append(findGenerator(), "--root-dir", dir)
			if out, err := execOutput(argv); err != nil {
				t.Fatalf("%v: %v\n%s", argv, err, out)
			}
			networkd, err := os.ReadFile(filepath.Join(dir, "run/systemd/network/10-netplan-ens18.network"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(networkd), w+"\n") {
					t.Errorf("networkd config lacks %q:\n%s", w, networkd)
				}
			}
		})
	}
}

// TestProbeValidatesWithNetplan: a good block probes without a note, and
// netplan's run leaves nothing under the host's root.
func TestProbeValidatesWithNetplan(t *testing.T) {
	restest.Need(t, haveGenerator(), "netplan's generator (netplan.io)")
	h := restest.NewHost(t)
	_, ch := restest.Plan(t, h, decode(t, seedBlock))
	for _, note := range ch.Notes {
		if strings.Contains(note, "not validated") {
			t.Fatalf("validated YAML carries the note %q", note)
		}
	}
	for _, p := range []string{"run", "etc"} {
		if _, err := os.Lstat(filepath.Join(h.Root, p)); !os.IsNotExist(err) {
			t.Errorf("probe left /%s under the host root (err %v)", p, err)
		}
	}
}

// TestNetplanRejectionNamesTheBlock gets a block with an invalid address
// past static validation (it is not run), so netplan itself rejects the
// YAML: the probe fails with netplan's file:line:col on the host path and
// the block's address, never the temp dir.
func TestNetplanRejectionNamesTheBlock(t *testing.T) {
	restest.Need(t, haveGenerator(), "netplan's generator (netplan.io)")
	r, diags := restest.Decode(t, Kind{}, block(`interface = "ens18"`, `addresses = ["192.0.2.300/24"]`), nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	_, err := r.Probe(t.Context(), restest.NewHost(t))
	var rej *RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("probe error %v, want a *RejectedError", err)
	}
	if rej.Line != 9 || rej.Col != 9 {
		t.Errorf("netplan's position %d:%d, want 9:9 (the address item of the rendered file)", rej.Line, rej.Col)
	}
	msg := err.Error()
	for _, says := range []string{"network.lan", netplanPath + ":9:9", "malformed address '192.0.2.300/24'", "  9 |         - 192.0.2.300/24"} {
		if !strings.Contains(msg, says) {
			t.Errorf("error does not say %q:\n%s", says, msg)
		}
	}
	if strings.Contains(msg, os.TempDir()+"/clawplan-netplan-") {
		t.Errorf("error shows the temp dir:\n%s", msg)
	}
}

func TestNoGeneratorLeavesANote(t *testing.T) {
	withoutGenerator(t)
	_, ch := restest.Plan(t, restest.NewHost(t), decode(t, seedBlock))
	joined := strings.Join(ch.Notes, "\n")
	if !strings.Contains(joined, "was not validated") || !strings.Contains(joined, "netplan.io") {
		t.Fatalf("notes do not say the YAML was not validated and why: %q", ch.Notes)
	}
}

// TestValidationIsCachedPerContent: a second probe of the same rendered
// YAML in one run reuses the verdict (the generator is not asked again,
// here made visible by removing it); a new run asks again.
func TestValidationIsCachedPerContent(t *testing.T) {
	restest.Need(t, haveGenerator(), "netplan's generator (netplan.io)")
	h := restest.NewHost(t)
	n := decode(t, seedBlock)
	restest.Plan(t, h, n)
	withoutGenerator(t)
	if _, ch := restest.Plan(t, h, n); strings.Contains(strings.Join(ch.Notes, "\n"), "not validated") {
		t.Fatal("the second probe of the same content ran validation again")
	}
	if _, ch := restest.Plan(t, restest.Fresh(h), n); !strings.Contains(strings.Join(ch.Notes, "\n"), "not validated") {
		t.Fatal("a new run reused the previous run's verdict")
	}
}

func execOutput(argv []string) ([]byte, error) {
	return exec.Command(argv[0], argv[1:]...).CombinedOutput()
}
