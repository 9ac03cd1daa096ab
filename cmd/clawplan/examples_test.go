package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesValidate validates every manifest under examples/.
func TestExamplesValidate(t *testing.T) {
	dirs, _ := filepath.Glob("../../examples/*")
	if len(dirs) == 0 {
		t.Fatal("no examples found")
	}
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			for _, env := range exampleEnv(t, d) {
				t.Setenv(env[0], env[1])
			}
			if r := clawplan(t, "validate", d); r.code != exitOK {
				t.Fatalf("validate %s: %s", d, r.err)
			}
		})
	}
}

// exampleEnv reads an example's .env.example (NAME=placeholder lines).
func exampleEnv(t *testing.T, dir string) [][2]string {
	b, err := os.ReadFile(filepath.Join(dir, ".env.example"))
	if err != nil {
		return nil
	}
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// TestNetworkOnlyExampleEndToEnd is issue 2's walk-through on the real
// network kind: plan shows creates, apply writes, a second plan is clean,
// a hand edit shows as a unified diff and apply repairs it.
func TestNetworkOnlyExampleEndToEnd(t *testing.T) {
	root, ex := t.TempDir(), "../../examples/network-only"
	r := clawplan(t, "plan", "--root", root, "-no-color", ex)
	if r.code != exitOK || !strings.Contains(r.out, "+   network.lan (create)") || !strings.Contains(r.out, "Plan: 1 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("plan: %d\n%s\n%s", r.code, r.out, r.err)
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", ex); r.code != exitOK {
		t.Fatalf("apply: %s", r.err)
	}
	netplan := filepath.Join(root, "etc/netplan/01-netcfg.yaml")
	fi, err := os.Stat(netplan)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("netplan file: %v mode %v, want 0600", err, fi)
	}
	if r := clawplan(t, "plan", "--root", root, "-detailed-exitcode", ex); r.code != exitOK || !strings.Contains(r.out, "No changes.") {
		t.Fatalf("second plan: %d\n%s", r.code, r.out)
	}
	orig := mustRead(t, netplan)
	os.WriteFile(netplan, []byte(strings.Replace(orig, "192.0.2.10/24", "192.0.2.99/24", 1)), 0o600)
	r = clawplan(t, "plan", "--root", root, "-no-color", "-detailed-exitcode", ex)
	if r.code != exitChanges || !strings.Contains(r.out, "-        - 192.0.2.99/24") || !strings.Contains(r.out, "+        - 192.0.2.10/24") {
		t.Fatalf("plan after a hand edit: %d\n%s", r.code, r.out)
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", ex); r.code != exitOK || mustRead(t, netplan) != orig {
		t.Fatalf("apply did not repair the hand edit: %s", r.err)
	}
}
