package runtime_test

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

// run is the recovery: apply, verify, plan, import, plan of the import.
func (d *drHost) run(t *testing.T, r *sandboxRoute) {
	if _, code := d.clawplan(d.env, "apply", "-auto-approve", drDir); code != 0 {
		out, _, _ := d.box.Exec(context.Background(), nil, "journalctl", "_UID=1000", "--no-pager", "-n", "60")
		t.Fatalf("the apply failed (exit %d); the service user's journal:\n%s", code, out)
	}
	// verify: every check must pass. The sandbox dials cross the firewall
	// clawplan loaded: the test host routes the sandbox network, and
	// routeSandbox proved that the same dials connect without it.
	out, _ := d.clawplan(d.env, "verify", drDir)
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "FAIL") {
			t.Errorf("verify: %s", l)
		}
	}
	for _, want := range []string{"PASS  firewall.sandbox: sandbox -> internet", "PASS  firewall.sandbox: sandbox -> LAN " + r.lan,
		"PASS  firewall.sandbox: sandbox -> host " + netip.AddrPortFrom(r.gw, 18789).String(),
		"PASS  llm_provider.lmstudio: LLM lmstudio answers", "PASS  openclaw_config.openclaw: security audit: 0 critical",
		"PASS  gateway_service.main: gateway on loopback only"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify lacks %q:\n%s", want, out)
		}
	}
	drAudit(t, out)
	if _, code := d.clawplan(d.env, "plan", "-detailed-exitcode", drDir); code != 0 {
		t.Errorf("the second plan: exit %d, want 0 (no changes)", code)
	}
	if _, code := d.clawplan(d.env, "import", "-out", "/root/imported.hcl"); code != 0 {
		t.Fatalf("import: exit %d", code)
	}
	// The imported manifest must plan no changes, the custom sandbox image
	// included: import reads its Dockerfile back from the image's labels.
	imported := d.box.MustExec(t, "cat", "/root/imported.hcl")
	t.Logf("the imported manifest:\n%s", imported)
	if !regexp.MustCompile(`dockerfile += <<-EOT\n +FROM cpt-`).MatchString(imported) {
		t.Errorf("the imported manifest lacks the sandbox's Dockerfile")
	}
	out, code := d.clawplan(d.env, "plan", "-no-color", "-detailed-exitcode", "/root/imported.hcl")
	if code != 0 || !strings.Contains(out, "No changes. The host matches the manifest.") {
		t.Errorf("the imported manifest's plan: exit %d, want 0 and \"No changes.\"", code)
	}
	d.drCanary(t, imported)
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
