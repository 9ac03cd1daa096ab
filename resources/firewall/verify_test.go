package firewall

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func sandboxBlock(imageTag, dockerImage string) stubBlock {
	docker := cty.NullVal(cty.Object(map[string]cty.Type{"image": cty.String}))
	if dockerImage != "" {
		docker = cty.ObjectVal(map[string]cty.Value{"image": cty.StringVal(dockerImage)})
	}
	tag := cty.NullVal(cty.String)
	if imageTag != "" {
		tag = cty.StringVal(imageTag)
	}
	return stubBlock{addr: resources.Addr{Kind: "sandbox", Name: "default"},
		val: cty.ObjectVal(map[string]cty.Value{"image_tag": tag, "docker": docker})}
}

func gatewayBlock(port int64) stubBlock {
	return stubBlock{addr: resources.Addr{Kind: "gateway", Name: "main"},
		val: cty.ObjectVal(map[string]cty.Value{"port": cty.NumberIntVal(port)})}
}

func namedLLM(name, url string) stubBlock {
	b := llm(url)
	b.addr.Name = name
	return b
}

func targetStrings(ts []target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.role+" "+t.addr.String()+" ("+t.from+")")
	}
	return out
}

// The defaults come from the other blocks: the sandbox's image, the first
// DNS server, each LLM server on a blocked address, the gateway's port on
// the bridge's own address (unless allow_host opens it).
func TestVerifyDefaultsFromCatalog(t *testing.T) {
	fw := decode(t, `firewall "sandbox" {
  dns_servers = ["9.9.9.9", "1.1.1.1"]
}`)
	fw.CrossValidate(catalog{fw, sandboxBlock("openclaw-sandbox:custom", ""), gatewayBlock(18790),
		namedLLM("lan", "http://192.168.1.20:1234/v1"), namedLLM("same", "http://192.168.1.20:1234/v2"),
		namedLLM("local", "http://127.0.0.1:1234/v1"), namedLLM("cloud", "https://203.0.113.9/v1"),
		namedLLM("v6", "https://[fd00::20]/v1"), namedLLM("named", "http://lmstudio.lan:1234/v1")})
	if img, from := fw.verifyImage(); img != "openclaw-sandbox:custom" || from != "sandbox.default.image_tag" {
		t.Errorf("image %q from %q", img, from)
	}
	got := strings.Join(targetStrings(fw.targets(netip.MustParseAddr("172.17.0.1"))), "\n")
	want := strings.Join([]string{
		"internet 9.9.9.9:53 (dns_servers[0], tcp/53)",
		"LAN 192.168.1.20:1234 (llm_provider.lan.base_url)",
		"LAN [fd00::20]:443 (llm_provider.v6.base_url)",
		"host 172.17.0.1:18790 (docker0's own address)",
	}, "\n")
	if got != want {
		t.Fatalf("targets:\n%s\nwant:\n%s", got, want)
	}

	fw = decode(t, `firewall "sandbox" {
  allow_host = [{ port = 18789 }]
}`)
	fw.CrossValidate(catalog{fw, sandboxBlock("", "custom:img")})
	if img, _ := fw.verifyImage(); img != "custom:img" {
		t.Errorf("docker.image should win: %q", img)
	}
	if ts := fw.targets(netip.MustParseAddr("172.17.0.1")); len(ts) != 1 || ts[0].role != roleInternet {
		t.Errorf("allow_host opens the only host port and no LAN LLM is declared: %v", targetStrings(ts))
	}
	if c := (&verifyRun{r: fw, bridge: bridge{gw: netip.MustParseAddr("172.17.0.1")}}).missing(fw.targets(netip.MustParseAddr("172.17.0.1")), nil); len(c) != 2 ||
		c[0].Name != "sandbox -> LAN" || c[1].Name != "sandbox -> host" || c[0].Passed || c[1].Passed {
		t.Errorf("missing targets must be failed checks: %+v", c)
	}
}

// A verify block replaces each default it sets.
func TestVerifyBlockOverrides(t *testing.T) {
	fw := decode(t, `firewall "sandbox" {
  verify {
    image        = "probe:1"
    internet     = "203.0.113.7:8080"
    lan          = ["10.250.3.2:8080", "[fd00::2]:22"]
    host_ports   = [22, 8080]
    dial_command = ["/dialer", "check"]
    timeout      = 2
  }
}`)
	fw.CrossValidate(catalog{fw, sandboxBlock("openclaw-sandbox:custom", ""), namedLLM("lan", "http://192.168.1.20:1234/v1")})
	if img, from := fw.verifyImage(); img != "probe:1" || from != "verify.image" {
		t.Errorf("image %q from %q", img, from)
	}
	got := strings.Join(targetStrings(fw.targets(netip.MustParseAddr("172.18.0.1"))), "\n")
	want := strings.Join([]string{
		"internet 203.0.113.7:8080 (verify.internet)",
		"LAN 10.250.3.2:8080 (verify.lan)",
		"LAN [fd00::2]:22 (verify.lan)",
		"host 172.18.0.1:22 (docker0's own address)",
		"host 172.18.0.1:8080 (docker0's own address)",
	}, "\n")
	if got != want {
		t.Fatalf("targets:\n%s\nwant:\n%s", got, want)
	}
	if fw.s.Verify.dialTimeout() != 2 || strings.Join(fw.s.Verify.DialCommand, " ") != "/dialer check" {
		t.Errorf("verify block: %+v", fw.s.Verify)
	}
}

func TestVerifyBlockValidation(t *testing.T) {
	r, _ := restest.Decode(t, Kind{}, `firewall "sandbox" {
  verify {
    image        = ""
    internet     = "example.com:80"
    lan          = ["10.1.2.3", "203.0.113.5:80"]
    host_ports   = [0]
    dial_command = []
    timeout      = 60
  }
}`, nil)
	diags := r.Validate()
	var got []string
	for _, d := range diags {
		sev := map[hcl.DiagnosticSeverity]string{hcl.DiagError: "error", hcl.DiagWarning: "warning"}[d.Severity]
		got = append(got, sev+": "+d.Summary)
		if d.Subject == nil || d.Subject.Start.Line < 2 {
			t.Errorf("%s points at line %v, want the attribute's line", d.Summary, d.Subject)
		}
	}
	want := []string{"error: Empty verify image", "error: Invalid verify address", "error: Invalid verify address",
		"warning: LAN target not blocked", "error: Invalid port", "error: Empty dial command", "error: Invalid dial timeout"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := diags[1]; !strings.Contains(d.Detail, `"example.com:80" is not IP:PORT`) {
		t.Errorf("detail: %s", d.Detail)
	}
}

func TestParseDialOutput(t *testing.T) {
	got := map[string]string{}
	parseDialOutput("10.0.0.2:80 timeout\n[fd00::1]:22 refused\nnoise\n1.1.1.1:53 connected\n10.0.0.3:1 error rc=2 nc: bad address\n", got)
	want := map[string]string{"10.0.0.2:80": "timeout", "[fd00::1]:22": "refused", "1.1.1.1:53": "connected", "10.0.0.3:1": "error rc=2 nc: bad address"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for result, want := range map[string][2]bool{"connected": {true, true}, "refused": {true, true}, "timeout": {false, true}, "unreachable": {false, true}, "error x": {false, false}, "": {false, false}} {
		if got, known := reached(result); got != want[0] || known != want[1] {
			t.Errorf("reached(%q) = %t, %t", result, got, known)
		}
	}
}

// judge decides each check from the container's result and the host's
// own dial: a LAN target the host cannot reach either proves nothing.
func TestVerifyJudge(t *testing.T) {
	fw := decode(t, `firewall "sandbox" {}`)
	s := &verifyRun{r: fw, timeout: 3, image: "img:1", container: "clawplan-verify-x", bridge: bridge{name: "bridge"}}
	inet := target{roleInternet, netip.MustParseAddrPort("1.1.1.1:53"), "dns_servers[0]"}
	lan := target{roleLAN, netip.MustParseAddrPort("192.168.1.20:1234"), "llm_provider.lan.base_url"}
	host := target{roleHost, netip.MustParseAddrPort("172.17.0.1:18789"), "docker0's own address"}
	cases := []struct {
		t               target
		result, control string
		pass            bool
		evidence        string
	}{
		{inet, "connected", "", true, "connected: the sandbox reaches it"},
		{inet, "timeout", "", false, "timed out after 3s: the sandbox cannot reach it"},
		{lan, "timeout", "connected", true, "timed out after 3s: blocked; the host itself: connected"},
		{lan, "timeout", "timeout", false, "but the host itself gets timed out after 3s too, so this proves nothing"},
		{lan, "connected", "connected", false, "the sandbox reaches it; is table inet oc_sandbox loaded on docker0?"},
		{host, "refused", "", false, "refused (the destination answered): the sandbox reaches it"},
		{host, "timeout", "", true, "timed out after 3s: blocked"},
		{host, "error rc=127 sh: not found", "", false, "the dial gave no answer either way"},
	}
	for _, c := range cases {
		got := s.judge(c.t, c.result, c.control)
		if got.Passed != c.pass || !strings.Contains(got.Evidence, c.evidence) ||
			!strings.Contains(got.Evidence, "from container clawplan-verify-x of image img:1 on Docker network bridge (docker0)") {
			t.Errorf("%s %s/%s: %+v", c.t.checkName(), c.result, c.control, got)
		}
	}
	if n := lan.checkName(); n != "sandbox -> LAN 192.168.1.20:1234" {
		t.Errorf("name %q", n)
	}
}
