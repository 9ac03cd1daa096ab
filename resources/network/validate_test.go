package network

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// block wraps attribute lines in a network block; line 1 is the header, so
// the first attribute is on line 2.
func block(lines ...string) string {
	return "network \"lan\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

func TestValidateAcceptsGoodBlocks(t *testing.T) {
	cases := map[string]string{
		"seed":         seedBlock,
		"docker only":  block(`docker_dns = ["1.1.1.1", "2606:4700:4700::1111"]`),
		"netplan only": block(`interface = "ens18"`, `addresses = ["192.0.2.10/24"]`),
		"dual stack": block(`interface = "eth0.100"`, `addresses = ["192.0.2.10/24", "2001:db8::10/64"]`,
			`gateway = "192.0.2.1"`, `nameservers = ["192.0.2.53", "2001:db8::53"]`, `renderer = "NetworkManager"`),
		"ipv6 link-local gateway": block(`interface = "ens18"`, `addresses = ["2001:db8::10/64"]`, `gateway = "fe80::1"`),
		"null is unset":           block(`interface = "ens18"`, `addresses = ["192.0.2.10/24"]`, `gateway = null`, `docker_dns = null`),
		"own files": block(`interface = "ens18"`, `addresses = ["192.0.2.10/24"]`, `netplan_file = "/run/netplan/50-lan.yaml"`,
			`docker_dns = ["1.1.1.1"]`, `docker_daemon_file = "/srv/docker/daemon.json"`),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if diags := diagnose(t, src); len(diags) > 0 {
				t.Fatalf("want no diagnostics, got:\n%s", diags.Error())
			}
		})
	}
}

// TestValidateDiagnostics checks each static check: its summary, its
// severity, and that it points at the attribute's line (and at the exact
// element of a list written as a literal).
func TestValidateDiagnostics(t *testing.T) {
	iface, addr := `interface = "ens18"`, `addresses = ["192.0.2.10/24"]`
	cases := []struct {
		name, src, summary string
		warning            bool
		line               int
		subject, detail    string // the subject's source text; a phrase of the detail
	}{
		{"empty block", block(), "Empty network block", false, 1, "", "remove the block"},
		{"only nulls", block(`gateway = null`), "Empty network block", false, 1, "", ""},
		{"no interface", block(addr, `gateway = "192.0.2.1"`), "Missing interface", false, 2, `["192.0.2.10/24"]`, `interface = "ens18"`},
		{"renderer without interface", block(`renderer = "networkd"`), "Missing interface", false, 2, `"networkd"`, ""},
		{"no addresses", block(iface), "Missing addresses", false, 2, `"ens18"`, "addresses = ["},
		{"ip link peer suffix", block(`interface = "veth0@if5"`, addr), "Invalid interface name", false, 2, `"veth0@if5"`, `interface = "veth0"`},
		{"interface too long", block(`interface = "abcdefghijklmnop"`, addr), "Invalid interface name", false, 2, "", "1-15 characters"},
		{"interface with slash", block(`interface = "en/0"`, addr), "Invalid interface name", false, 2, "", ""},
		{"address without prefix", block(iface, `addresses = ["192.0.2.10"]`), "Invalid address", false, 3, `"192.0.2.10"`, `"192.0.2.10/24"`},
		{"address out of range", block(iface, `addresses = ["192.0.2.300/24"]`), "Invalid address", false, 3, "", "CIDR"},
		{"second address bad", block(iface, `addresses = ["192.0.2.10/24", "bogus"]`), "Invalid address", false, 3, `"bogus"`, "addresses[1]"},
		{"prefix zero", block(iface, `addresses = ["192.0.2.10/0"]`), "Invalid address", false, 3, "", "prefix length 0"},
		{"ipv4-mapped", block(iface, `addresses = ["::ffff:192.0.2.10/120"]`), "Invalid address", false, 3, "", "IPv4 form"},
		{"multicast", block(iface, `addresses = ["224.0.0.1/24"]`), "Invalid address", false, 3, "", "multicast"},
		{"duplicate address", block(iface, `addresses = ["192.0.2.10/24",`, `  "192.0.2.10/25"]`), "Duplicate address", false, 4, `"192.0.2.10/25"`, "twice"},
		{"network address", block(iface, `addresses = ["192.0.2.0/24"]`), "Address is not a host address", true, 3, "", "192.0.2.1 and 192.0.2.254"},
		{"broadcast address", block(iface, `addresses = ["192.0.2.255/24"]`), "Address is not a host address", true, 3, "", ""},
		{"gateway with prefix", block(iface, addr, `gateway = "192.0.2.1/24"`), "Invalid gateway", false, 4, `"192.0.2.1/24"`, `"192.0.2.1"`},
		{"gateway outside subnet", block(iface, addr, `gateway = "198.51.100.1"`), "Gateway outside the subnet", false, 4, "", "192.0.2.10/24"},
		{"gateway of other family", block(iface, addr, `gateway = "2001:db8::1"`), "Gateway of the wrong IP family", false, 4, "", "no IPv6 address"},
		{"gateway is host", block(iface, addr, `gateway = "192.0.2.10"`), "Gateway is this host", false, 4, "", ""},
		{"gateway with zone", block(iface, `addresses = ["2001:db8::10/64"]`, `gateway = "fe80::1%ens18"`), "Invalid gateway", false, 4, "", "zone"},
		{"ipv6 gateway off-link", block(iface, `addresses = ["2001:db8::10/64"]`, `gateway = "2001:db8:1::1"`), "Gateway outside the subnet", true, 4, "", ""},
		{"nameserver other family", block(iface, addr, `nameservers = ["2001:4860:4860::8888"]`), "Nameserver of another IP family", true, 4, "", "no IPv6 address"},
		{"nameserver duplicate", block(iface, addr, `nameservers = ["192.0.2.53", "192.0.2.53"]`), "Duplicate IP address", false, 4, "", ""},
		{"nameserver bad", block(iface, addr, `nameservers = ["dns.example"]`), "Invalid IP address", false, 4, `"dns.example"`, "nameservers[0]"},
		{"renderer case", block(iface, addr, `renderer = "networkmanager"`), "Unknown netplan renderer", false, 4, "", `"NetworkManager"`},
		{"renderer unknown", block(iface, addr, `renderer = "systemd"`), "Unknown netplan renderer", false, 4, "", "networkd"},
		{"netplan file not yaml", block(iface, addr, `netplan_file = "/etc/netplan/01.yml"`), "netplan would not read this file", false, 4, "", ".yaml"},
		{"netplan file elsewhere", block(iface, addr, `netplan_file = "/etc/01.yaml"`), "netplan would not read this file", false, 4, "", "/etc/netplan"},
		{"netplan file relative", block(iface, addr, `netplan_file = "etc/netplan/a.yaml"`), "Invalid file path", false, 4, "", "absolute"},
		{"docker dns empty", block(`docker_dns = []`), "Empty docker_dns", false, 2, "[]", ""},
		{"docker dns loopback", block(`docker_dns = ["127.0.0.53"]`), "Loopback DNS server for containers", true, 2, "", "1.1.1.1"},
		{"docker dns duplicate", block(`docker_dns = ["1.1.1.1", "1.1.1.1"]`), "Duplicate IP address", false, 2, "", ""},
		{"docker dns zone", block(`docker_dns = ["fe80::1%eth0"]`), "Invalid IP address", false, 2, "", "zone"},
		{"daemon file alone", block(iface, addr, `docker_daemon_file = "/etc/docker/daemon.json"`), "docker_daemon_file without docker_dns", true, 4, "", "Add docker_dns"},
		{"daemon file path", block(`docker_dns = ["1.1.1.1"]`, `docker_daemon_file = "/etc/docker/"`), "Invalid file path", false, 3, "", ""},
		{"null element", block(iface, `addresses = ["192.0.2.10/24", null]`), "Null in addresses", false, 3, "null", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := diagnose(t, c.src)
			d := find(diags, c.summary)
			if d == nil {
				t.Fatalf("want %q, got:\n%s", c.summary, describe(diags))
			}
			if got := d.Severity == hcl.DiagWarning; got != c.warning {
				t.Errorf("severity %v, want warning=%v", d.Severity, c.warning)
			}
			if d.Subject == nil || d.Subject.Start.Line != c.line {
				t.Errorf("subject %v, want line %d", d.Subject, c.line)
			}
			if c.subject != "" && d.Subject != nil {
				if got := c.src[d.Subject.Start.Byte:d.Subject.End.Byte]; got != c.subject {
					t.Errorf("subject text %q, want %q", got, c.subject)
				}
			}
			if !strings.Contains(d.Detail, c.detail) {
				t.Errorf("detail %q does not say %q", d.Detail, c.detail)
			}
		})
	}
}

func find(diags hcl.Diagnostics, summary string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Summary == summary {
			return d
		}
	}
	return nil
}

func describe(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("  " + d.Summary + ": " + d.Detail + "\n")
	}
	if b.Len() == 0 {
		return "  (no diagnostics)"
	}
	return b.String()
}

func TestDecodeRefusesUnknownValues(t *testing.T) {
	vars := map[string]cty.Value{"later": cty.UnknownVal(cty.String)}
	_, diags := restest.Decode(t, Kind{}, block(`interface = later`, `addresses = ["192.0.2.10/24"]`), vars)
	if find(diags, "Network settings not known at plan time") == nil {
		t.Fatalf("want the not-known diagnostic, got:\n%s", describe(diags))
	}
}

func TestExportFillsDefaults(t *testing.T) {
	n := decode(t, block(`docker_dns = ["1.1.1.1", "8.8.8.8"]`))
	v := n.Export()
	if !v.Type().Equals(ObjectType) {
		t.Fatalf("export type %s, want %s", v.Type().FriendlyName(), ObjectType.FriendlyName())
	}
	want := map[string]cty.Value{
		"renderer":           cty.StringVal(DefaultRenderer),
		"netplan_file":       cty.StringVal(DefaultNetplanFile),
		"docker_daemon_file": cty.StringVal(DefaultDockerDaemonFile),
		"docker_dns":         cty.ListVal([]cty.Value{cty.StringVal("1.1.1.1"), cty.StringVal("8.8.8.8")}),
		"addresses":          cty.ListValEmpty(cty.String),
		"interface":          cty.NullVal(cty.String),
	}
	for name, w := range want {
		if got := v.GetAttr(name); !got.RawEquals(w) {
			t.Errorf("export %s = %#v, want %#v", name, got, w)
		}
	}
}
