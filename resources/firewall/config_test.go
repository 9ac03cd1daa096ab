package firewall

import (
	"os"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func TestDefaultsAndExport(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	v := r.Export()
	checks := map[string]cty.Value{
		"table":         cty.StringVal("oc_sandbox"),
		"family":        cty.StringVal("inet"),
		"interface":     cty.StringVal("docker0"),
		"dns_servers":   cty.ListVal([]cty.Value{cty.StringVal("1.1.1.1"), cty.StringVal("8.8.8.8")}),
		"persist_file":  cty.StringVal("/etc/nftables.d/clawplan-oc_sandbox.nft"),
		"nftables_conf": cty.StringVal("/etc/nftables.conf"),
		"persist":       cty.True,
		"adopt":         cty.False,
	}
	for name, want := range checks {
		if got := v.GetAttr(name); !got.RawEquals(want) {
			t.Errorf("export %s = %#v, want %#v", name, got, want)
		}
	}
	if n := v.GetAttr("private_ipv4").LengthInt(); n != 5 {
		t.Errorf("private_ipv4 has %d default ranges, want 5 (the seed's four and 100.64.0.0/10)", n)
	}
	if d := r.Validate(); len(d) != 0 {
		t.Errorf("defaults give diagnostics: %v", d)
	}
	r2 := decode(t, `firewall "x" {
  table = "cpt_1"
  allow_host = [{ port = 22 }]
}`)
	ah := r2.Export().GetAttr("allow_host").Index(cty.NumberIntVal(0))
	if ah.GetAttr("protocol").AsString() != "tcp" || r2.Export().GetAttr("persist_file").AsString() != "/etc/nftables.d/clawplan-cpt_1.nft" {
		t.Errorf("defaults not filled: %#v", r2.Export())
	}
}

// TestValidate checks each static error or warning, and that it points at
// the line of the attribute at fault.
func TestValidate(t *testing.T) {
	cases := []struct {
		attr, value string
		sev         hcl.DiagnosticSeverity
		summary     string
	}{
		{"table", `"oc-sandbox"`, hcl.DiagError, "Invalid table name"},
		{"interface", `"docker0 ; drop"`, hcl.DiagError, "Invalid interface name"},
		{"private_ipv4", `["10.1.2.3/8"]`, hcl.DiagError, "Invalid address range"},
		{"private_ipv4", `["fc00::/7"]`, hcl.DiagError, "Wrong address family"},
		{"private_ipv4", `["10.0.0.0/8", "172.16.0.0/12", "169.254.0.0/16", "100.64.0.0/10"]`, hcl.DiagWarning, "Private range not blocked"},
		{"private_ipv6", `["fc00::/7"]`, hcl.DiagWarning, "Private range not blocked"},
		{"extra_blocked", `["not-a-cidr"]`, hcl.DiagError, "Invalid address range"},
		{"dns_servers", `["192.168.1.1"]`, hcl.DiagError, "DNS server inside a blocked range"},
		{"dns_servers", `["1.1.1.1", "1.1.1.1"]`, hcl.DiagError, "Duplicate DNS server"},
		{"dns_servers", `["one.one.one.one"]`, hcl.DiagError, "Invalid DNS server"},
		{"dns_servers", `[]`, hcl.DiagWarning, "No DNS for sandboxes"},
		{"allow_host", `[{ protocol = "icmp", port = 1 }]`, hcl.DiagError, "Invalid protocol"},
		{"allow_host", `[{ port = 70000 }]`, hcl.DiagError, "Invalid port"},
		{"allow_host", `[{ port = 22 }, { protocol = "tcp", port = 22 }]`, hcl.DiagError, "Duplicate allow_host entry"},
		{"allow_host", `[{ port = 80.5 }]`, hcl.DiagError, "Invalid firewall block"},
		{"persist_file", `"relative.nft"`, hcl.DiagError, "Invalid path"},
		{"persist_file", `"/etc/nftables.conf"`, hcl.DiagError, "persist_file is the main nftables file"},
	}
	for _, c := range cases {
		src := "firewall \"sandbox\" {\n  adopt = false\n  " + c.attr + " = " + c.value + "\n}\n"
		r, diags := restest.Decode(t, Kind{}, src, nil)
		if r != nil {
			diags = append(diags, r.Validate()...)
		}
		var found bool
		for _, d := range diags {
			if d.Summary == c.summary && d.Severity == c.sev {
				found = true
				if d.Subject == nil || d.Subject.Start.Line != 3 || d.Detail == "" {
					t.Errorf("%s = %s: %q points at %v, want line 3 with a detail", c.attr, c.value, d.Summary, d.Subject)
				}
			}
		}
		if !found {
			t.Errorf("%s = %s: no %q diagnostic in %v", c.attr, c.value, c.summary, diags)
		}
	}
}

func TestExtraBlockedMergesIntoSets(t *testing.T) {
	r := decode(t, `firewall "sandbox" {
  extra_blocked = ["203.0.113.7", "10.20.0.0/16", "2001:db8::/32"]
}`)
	v4, _ := r.wantM.set(setPrivate4)
	v6, _ := r.wantM.set(setPrivate6)
	if got := strings.Join(v4.Elements, " "); got != "10.0.0.0/8 100.64.0.0/10 169.254.0.0/16 172.16.0.0/12 192.168.0.0/16 203.0.113.7" {
		t.Errorf("private_ipv4 = %s", got)
	}
	if got := strings.Join(v6.Elements, " "); got != "2001:db8::/32 fc00::/7 fe80::/10" {
		t.Errorf("private_ipv6 = %s", got)
	}
}

// TestExampleFirewallOnly keeps examples/firewall-only valid, and equal to
// the defaults it spells out.
func TestExampleFirewallOnly(t *testing.T) {
	src, err := os.ReadFile("../../examples/firewall-only/main.hcl")
	if err != nil {
		t.Fatal(err)
	}
	r, diags := restest.Decode(t, Kind{}, string(src), nil)
	if diags.HasErrors() || len(r.Validate()) != 0 {
		t.Fatalf("example: %v %v", diags, r.Validate())
	}
	if got, want := digest(r.(*Firewall).wantM), digest(decode(t, defaultBlock).wantM); got != want {
		t.Errorf("the example's table differs from the defaults it documents")
	}
}
