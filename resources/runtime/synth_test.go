package runtime_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime"
	"github.com/clawplan/clawplan/resources/runtime/gatewaysvc"
	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// catalog is a Catalog over a list of resources.
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

func (c catalog) Range(a resources.Addr) hcl.Range { return hcl.Range{Filename: "main.hcl"} }

// exporter is a declared block as the synthesizer sees it: an address and
// what it exports.
type exporter struct {
	noop
	val cty.Value
}

func (e *exporter) Export() cty.Value { return e.val }

func block(kind, name string, attrs map[string]cty.Value) *exporter {
	return &exporter{noop: noop{resources.Addr{Kind: kind, Name: name}}, val: cty.ObjectVal(attrs)}
}

// TestSynthesize: one gateway_service per gateway, after the writers of
// its user's files; one sandbox_image per sandbox, restarting the gateway,
// checked against the gateway's user; env names secrets deliver go into
// the unit's managed-keys line.
func TestSynthesize(t *testing.T) {
	standIns() // runtime.GatewayKind is the stand-in
	c := catalog{
		block(runtime.GatewayKind, "main", map[string]cty.Value{"user": cty.StringVal("claw"), "port": cty.NumberIntVal(18790)}),
		block("sandbox", "default", map[string]cty.Value{"dockerfile": cty.StringVal("FROM x\n"),
			"docker": cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("1001:1001")})}),
		block("secret", "token", map[string]cty.Value{"env": cty.StringVal("OPENCLAW_GATEWAY_TOKEN")}),
		block("secret", "bot", map[string]cty.Value{"env": cty.NullVal(cty.String), "file": cty.StringVal("/x")}),
		block("vm", "host", map[string]cty.Value{}),
	}
	out, diags := runtime.Synthesizer{}.Synthesize(c)
	if diags.HasErrors() || len(out) != 2 {
		t.Fatalf("nodes %v, diags %v", out, diags)
	}
	svc := out[0].(*gatewaysvc.Service)
	img := out[1].(*sandboximg.Image)
	if svc.Addr().String() != "gateway_service.main" || img.Addr().String() != "sandbox_image.default" {
		t.Fatalf("addresses %s %s", svc.Addr(), img.Addr())
	}
	deps := []string{}
	for _, d := range svc.DependsOn() {
		deps = append(deps, d.String())
	}
	if strings.Join(deps, " ") != "openclaw_config.claw secret_env.claw vm.host" {
		t.Fatalf("depends on %v", deps)
	}
	if set := svc.Settings(); set.Port != 18790 || !slices.Equal(set.ManagedEnvKeys, []string{"OPENCLAW_GATEWAY_TOKEN"}) {
		t.Fatalf("settings %+v", set)
	}
	if set := img.Settings(); set.ServiceUser != "claw" || set.Tag != sandboximg.DefaultTag || set.User != "1001:1001" {
		t.Fatalf("sandbox settings %+v", set)
	}
}

// TestSynthesizeBadExport points a diagnostic at the block.
func TestSynthesizeBadExport(t *testing.T) {
	standIns()
	c := catalog{block(runtime.GatewayKind, "main", map[string]cty.Value{"port": cty.StringVal("http")})}
	out, diags := runtime.Synthesizer{}.Synthesize(c)
	if len(out) != 0 || !diags.HasErrors() || diags[0].Subject == nil || !strings.Contains(diags[0].Detail, "port") {
		t.Fatalf("nodes %v, diags %v", out, diags)
	}
}
