package vm

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		body, summary string
		line          int
	}{
		{"\n  os = \"Ubuntu 24.04\"\n", "Invalid OS", 2},
		{"\n  vmid = 12\n", "Invalid VM id", 2},
		{"\n  vmid = 105.5\n", "Invalid VM id", 2},
		{"\n\n  packages = [\"ok\", \"Bad_Name\"]\n", "Invalid package name", 3},
		{"\n  service_user = \"root\"\n", "Gateway must not run as root", 2},
		{"\n  homebrew = true\n  service_user = \"linuxbrew\"\n", "Service user clashes with Homebrew", 3},
		{"\n  groups = [\"docker\", \"Bad Group\"]\n", "Invalid group name", 2},
		{"\n  cpu_flags = [\"AVX2\"]\n", "Invalid CPU flag", 2},
	}
	for _, tc := range cases {
		r, diags := restest.Decode(t, Kind{}, "vm \"host\" {"+tc.body+"}", nil)
		if !diags.HasErrors() {
			diags = r.Validate()
		}
		if len(diags) != 1 || diags[0].Summary != tc.summary || diags[0].Subject == nil || diags[0].Subject.Start.Line != tc.line {
			t.Errorf("%q: got %v, want one %q at line %d", tc.body, diags, tc.summary, tc.line)
		}
	}
	r, diags := restest.Decode(t, Kind{}, `vm "host" {
  os       = "debian-12"
  vmid     = 105
  packages = ["jq", "qemu-guest-agent"]
}`, nil)
	if diags.HasErrors() || r.Validate().HasErrors() {
		t.Fatalf("valid block rejected: %v %v", diags, r.Validate())
	}
	ex := r.(*VM).Export()
	if ex.GetAttr("home").AsString() != "/home/openclaw" || ex.GetAttr("packages").LengthInt() != len(SeedPackages)+2 {
		t.Errorf("export = %#v", ex)
	}
	if got := strings.Join(r.(*VM).Config().AllPackages(), " "); !strings.HasSuffix(got, "git jq qemu-guest-agent") {
		t.Errorf("packages = %s", got)
	}
}
