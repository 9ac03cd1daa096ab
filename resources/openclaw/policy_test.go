package openclaw

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/openclaw/policy"
	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// renderDiags writes diagnostics the way the golden files hold them.
func renderDiags(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		sev := "warning"
		if d.Severity == hcl.DiagError {
			sev = "error"
		}
		at := ""
		if d.Subject != nil {
			at = fmt.Sprintf(" @ %d:%d", d.Subject.Start.Line, d.Subject.Start.Column)
		}
		lines = append(lines, fmt.Sprintf("%s: %s%s\n  %s\n", sev, d.Summary, at, d.Detail))
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}

// Every rule fires on its bad manifest (testdata/policy/<rule>.hcl), with
// the diagnostics in the golden file next to it.
func TestPolicyRulesFire(t *testing.T) {
	for _, r := range policy.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "policy", r.ID+".hcl"))
			if err != nil {
				t.Fatalf("rule %s has no bad manifest: %v", r.ID, err)
			}
			cat := mustManifest(t, string(src))
			diags := crossValidate(cat)
			if !strings.Contains(diags.Error(), "["+r.ID+"]") {
				t.Fatalf("rule %s did not fire: %s", r.ID, diags.Error())
			}
			golden(t, filepath.Join("testdata", "policy", r.ID+".golden"), renderDiags(diags))
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// The examples trip no rule.
func TestPolicySilentOnExamples(t *testing.T) {
	cat := mustManifest(t, readExample(t))
	if d := crossValidate(cat); len(d) > 0 {
		t.Fatalf("examples/openclaw-config: %s", renderDiags(d))
	}
}

// security_policy raises or lowers a rule, and rejects unknown rules.
func TestPolicyLevels(t *testing.T) {
	src, _ := os.ReadFile("testdata/policy/tools.elevated_enabled.hcl")
	raised := strings.Replace(string(src), `gateway "main" {`, `gateway "main" {
  security_policy = { "tools.elevated_enabled" = "error" }`, 1)
	d := crossValidate(mustManifest(t, raised))
	if !d.HasErrors() {
		t.Fatalf("raised rule is not an error: %s", renderDiags(d))
	}
	_, diags := manifest(t, strings.Replace(raised, `"tools.elevated_enabled" = "error"`, `"no.such_rule" = "warn", "tools.elevated_enabled" = "off"`, 1))
	if msg := renderDiags(diags); !strings.Contains(msg, `"no.such_rule" is not a rule`) || !strings.Contains(msg, `a rule is "warn" or "error"`) {
		t.Fatalf("bad security_policy: %s", msg)
	}
}
