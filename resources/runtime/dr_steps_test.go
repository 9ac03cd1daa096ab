package runtime_test

import (
	"strings"
	"testing"
)

// run is the recovery: apply, verify, plan, import, plan of the import.
func (d *drHost) run(t *testing.T) {
	// Staged until two ordering bugs are fixed (remove this step to test
	// the single apply the issue asks for): on an empty host the firewall
	// writes /etc/nftables.conf before the vm block's apt transaction
	// installs nftables, whose postinst then fails at the conffile prompt,
	// and secret.telegram_bot is delivered before vm.host creates its user.
	if _, code := d.clawplan(d.env, "apply", "-auto-approve", "-target", "vm.host", drDir); code != 0 {
		t.Fatalf("apply -target vm.host failed (exit %d)", code)
	}
	t.Error("one apply does not build everything yet: vm.host is applied first (see the comment above)")
	if _, code := d.clawplan(d.env, "apply", "-auto-approve", drDir); code != 0 {
		t.Fatalf("the apply failed (exit %d)", code)
	}
	out, code := d.clawplan(d.env, "verify", drDir)
	if code != 0 {
		t.Errorf("verify failed (exit %d): %s", code, failedChecks(out))
	}
	if _, code := d.clawplan(d.env, "plan", "-detailed-exitcode", drDir); code != 0 {
		t.Errorf("the second plan: exit %d, want 0 (no changes)", code)
	}
	if _, code := d.clawplan(d.env, "import", "-out", "/root/imported.hcl"); code != 0 {
		t.Fatalf("import: exit %d", code)
	}
	d.box.MustExec(t, "cat", "/root/imported.hcl")
	if _, code := d.clawplan(d.env, "plan", "-detailed-exitcode", "/root/imported.hcl"); code != 0 {
		t.Errorf("the plan of the imported manifest: exit %d, want 0 (no changes)", code)
	}
}

// failedChecks are verify's lines that report a failure.
func failedChecks(out string) string {
	var bad []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(strings.ToLower(l), "fail") {
			bad = append(bad, strings.TrimSpace(l))
		}
	}
	return strings.Join(bad, "; ")
}
