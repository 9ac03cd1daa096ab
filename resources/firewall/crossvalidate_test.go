package firewall

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// stubBlock stands in for a block of another kind (network, llm_provider)
// that exports a value; only Addr and Export are used by CrossValidate.
type stubBlock struct {
	resources.Resource
	addr resources.Addr
	val  cty.Value
}

func (s stubBlock) Addr() resources.Addr { return s.addr }
func (s stubBlock) Export() cty.Value    { return s.val }
func (s stubBlock) Probe(context.Context, *resources.Host) (resources.State, error) {
	panic("CrossValidate must not probe")
}

// plainBlock is a block of another kind that exports nothing.
type plainBlock struct {
	resources.Resource
	addr resources.Addr
}

func (p plainBlock) Addr() resources.Addr { return p.addr }

// catalog is a Catalog of fixed resources, each declared on its own line.
type catalog []resources.Resource

func (c catalog) Get(a resources.Addr) (resources.Resource, bool) {
	for _, r := range c {
		if r.Addr() == a {
			return r, true
		}
	}
	return nil, false
}

func (c catalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for _, r := range c {
		if r.Addr().Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func (c catalog) Range(a resources.Addr) hcl.Range {
	for i, r := range c {
		if r.Addr() == a {
			return hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 10 * (i + 1)}, End: hcl.Pos{Line: 10*(i+1) + 3}}
		}
	}
	return hcl.Range{}
}

func network(dns ...string) stubBlock {
	return stubBlock{addr: resources.Addr{Kind: "network", Name: "lan"},
		val: cty.ObjectVal(map[string]cty.Value{"docker_dns": stringList(dns), "interface": cty.StringVal("ens18")})}
}

func llm(url string) stubBlock {
	return stubBlock{addr: resources.Addr{Kind: "llm_provider", Name: "local"},
		val: cty.ObjectVal(map[string]cty.Value{"base_url": cty.StringVal(url)})}
}

// sandbox is a sandbox block whose containers use Docker network n ("" = unset).
func sandbox(n string) stubBlock {
	net := cty.NullVal(cty.String)
	if n != "" {
		net = cty.StringVal(n)
	}
	return stubBlock{addr: resources.Addr{Kind: "sandbox", Name: "default"},
		val: cty.ObjectVal(map[string]cty.Value{"docker": cty.ObjectVal(map[string]cty.Value{"network": net})})}
}

// TestSandboxOutsideTheFirewall: a sandbox on a Docker network whose bridge
// is not the firewall's interface gets a warning naming both blocks.
func TestSandboxOutsideTheFirewall(t *testing.T) {
	onDocker0 := decode(t, `firewall "sandbox" {}`)
	onOwn := decode(t, `firewall "sandbox" { interface = "cptsbx" }`)
	cases := []struct {
		name string
		fw   *Firewall
		sb   stubBlock
		want string
	}{
		{"default network, docker0", onDocker0, sandbox(""), ""},
		{"bridge, docker0", onDocker0, sandbox("bridge"), ""},
		{"none", onOwn, sandbox("none"), ""},
		{"named network, its own bridge", onOwn, sandbox("cpt-sbx"), ""},
		{"named network, docker0", onDocker0, sandbox("cpt-sbx"), `Docker network "cpt-sbx", whose bridge is not docker0`},
		{"default network, another bridge", onOwn, sandbox(""), "bridge docker0, but firewall.sandbox filters cptsbx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := c.fw.CrossValidate(catalog{c.fw, c.sb})
			if c.want == "" {
				if len(diags) != 0 {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != "Sandbox outside the firewall" || diags[0].Severity != hcl.DiagWarning ||
				!strings.Contains(diags[0].Detail, c.want) || !strings.Contains(diags[0].Detail, "sandbox.default (main.hcl:20)") {
				t.Fatalf("diagnostics %v, want one warning with %q", diags, c.want)
			}
		})
	}
}

func TestCrossValidate(t *testing.T) {
	fw := decode(t, `firewall "sandbox" {}`)
	cases := []struct {
		name    string
		others  []resources.Resource
		sev     hcl.DiagnosticSeverity
		summary string
		detail  []string
	}{
		{"docker DNS in the set", []resources.Resource{network("8.8.8.8", "1.1.1.1")}, 0, "", nil},
		{"docker DNS missing", []resources.Resource{network("1.1.1.1", "192.168.1.1")}, hcl.DiagError,
			"Docker DNS server blocked by the firewall", []string{"network.lan (main.hcl:20)", "192.168.1.1", "dns_servers = network.lan.docker_dns"}},
		{"docker DNS unset", []resources.Resource{network()}, hcl.DiagWarning, "Docker DNS not set", []string{"network.lan (main.hcl:20)"}},
		{"LLM server on the LAN", []resources.Resource{llm("http://192.168.1.50:1234/v1")}, 0, "", nil},
		{"LLM server on a public address", []resources.Resource{llm("http://203.0.113.9:1234/v1")}, hcl.DiagWarning,
			"LLM server reachable from sandboxes", []string{"203.0.113.9", "extra_blocked", "firewall.sandbox (main.hcl:10)"}},
		{"LLM server by name", []resources.Resource{llm("https://api.example.com/v1")}, 0, "", nil},
		{"LLM server on loopback", []resources.Resource{llm("http://127.0.0.1:1234/v1")}, 0, "", nil},
		{"a network block without an export", []resources.Resource{plainBlock{addr: resources.Addr{Kind: "network", Name: "lan"}}}, 0, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := fw.CrossValidate(append(catalog{fw}, c.others...))
			if c.summary == "" {
				if len(diags) != 0 {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != c.summary || diags[0].Severity != c.sev || diags[0].Subject == nil {
				t.Fatalf("diagnostics %v, want one %q", diags, c.summary)
			}
			for _, d := range c.detail {
				if !strings.Contains(diags[0].Detail, d) {
					t.Errorf("detail %q lacks %q", diags[0].Detail, d)
				}
			}
		})
	}
}

// TestCrossValidatePointsAtBothBlocks: the DNS error's subject is the
// firewall's dns_servers line when it is written; its detail names the
// network block's location.
func TestCrossValidatePointsAtBothBlocks(t *testing.T) {
	fw := decode(t, "firewall \"sandbox\" {\n  dns_servers = [\"1.1.1.1\"]\n}\n")
	diags := fw.CrossValidate(catalog{fw, network("9.9.9.9")})
	if len(diags) != 1 || diags[0].Subject.Start.Line != 2 || !strings.Contains(diags[0].Detail, "main.hcl:20") {
		t.Fatalf("diagnostics %v", diags)
	}
	twin := decode(t, `firewall "twin" {}`)
	diags = twin.CrossValidate(catalog{fw, twin})
	if len(diags) != 1 || diags[0].Summary != "Two firewall blocks own one table" {
		t.Fatalf("duplicate table: %v", diags)
	}
	if d := fw.CrossValidate(catalog{fw, twin}); len(d) != 0 {
		t.Errorf("the duplicate is reported twice: %v", d)
	}
}
