package runtime

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/gatewaysvc"
	"github.com/clawplan/clawplan/resources/runtime/internal/export"
	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Source block types the synthesizer reads. Tests of this package point
// them at stand-in kinds; nothing else changes them.
var (
	GatewayKind = "gateway"
	SandboxKind = "sandbox"
	SecretKind  = "secret"
)

// Writers of files the gateway reads, per service user: the gateway's
// node applies after them.
const (
	ConfigWriterKind = "openclaw_config"
	EnvWriterKind    = "secret_env"
	VMKind           = "vm"
)

func init() { resources.RegisterSynthesizer(Synthesizer{}) }

// Synthesizer adds gateway_service.NAME for every gateway.NAME and
// sandbox_image.NAME for every sandbox.NAME.
type Synthesizer struct{}

var _ resources.Synthesizer = Synthesizer{}

// Synthesize implements resources.Synthesizer.
func (Synthesizer) Synthesize(c resources.Catalog) ([]resources.Resource, hcl.Diagnostics) {
	var out []resources.Resource
	var diags hcl.Diagnostics
	var services []resources.Addr
	users := map[string]bool{}
	for _, gw := range c.OfKind(GatewayKind) {
		set, err := gatewaysvc.FromExport(exported(gw))
		if err != nil {
			diags = append(diags, badExport(c, gw.Addr(), err))
			continue
		}
		set.ManagedEnvKeys = envKeys(c)
		svc := gatewaysvc.New(gw.Addr(), set, dependencies(c, set.User))
		out = append(out, svc)
		services = append(services, svc.Addr())
		users[set.User] = true
	}
	for _, sb := range c.OfKind(SandboxKind) {
		set, err := sandboximg.FromExport(exported(sb), soleUser(users))
		if err != nil {
			diags = append(diags, badExport(c, sb.Addr(), err))
			continue
		}
		out = append(out, sandboximg.New(sb.Addr(), set, services, c.Range(sb.Addr())))
	}
	return out, diags
}

// exported is the value a block shows other blocks.
func exported(r resources.Resource) cty.Value {
	if ex, ok := r.(resources.Exporter); ok {
		return ex.Export()
	}
	return cty.NilVal
}

// dependencies are the nodes a user's gateway applies after: the writers
// of its openclaw.json and .env (addresses are per user) and the vm block
// that creates the user. The engine ignores those that do not exist.
func dependencies(c resources.Catalog, user string) []resources.Addr {
	deps := []resources.Addr{{Kind: ConfigWriterKind, Name: user}, {Kind: EnvWriterKind, Name: user}}
	for _, vm := range c.OfKind(VMKind) {
		deps = append(deps, vm.Addr())
	}
	return deps
}

// envKeys are the variables secret blocks deliver as env (OpenClaw's
// installer lists them in OPENCLAW_SERVICE_MANAGED_ENV_KEYS).
func envKeys(c resources.Catalog) []string {
	var keys []string
	seen := map[string]bool{}
	for _, s := range c.OfKind(SecretKind) {
		if k, _ := export.String(exported(s), "env", ""); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// soleUser is the service user when every gateway runs as the same one.
func soleUser(users map[string]bool) string {
	if len(users) == 1 {
		for u := range users {
			return u
		}
	}
	return gatewaysvc.DefaultUser
}

func badExport(c resources.Catalog, a resources.Addr, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Unusable %s settings", a.Kind),
		Detail:  fmt.Sprintf("%s: %v. Fix the attribute in the %s block.", a, err, a),
		Subject: c.Range(a).Ptr()}
}
