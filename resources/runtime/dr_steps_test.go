package runtime_test

import (
	"context"
	"strings"
	"testing"
)

// run is the recovery: apply, verify, plan, import, plan of the import.
func (d *drHost) run(t *testing.T) {
	if _, code := d.clawplan(d.env, "apply", "-auto-approve", drDir); code != 0 {
		out, _, _ := d.box.Exec(context.Background(), nil, "journalctl", "_UID=1000", "--no-pager", "-n", "60")
		t.Fatalf("the apply failed (exit %d); the service user's journal:\n%s", code, out)
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
