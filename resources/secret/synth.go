package secret

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// EnvKind is the secret_env node type. No manifest declares it (it is not
// a block type); it is registered so that the engine can rebuild a writer
// whose secrets were all removed, to delete its lines, and restore one
// from a snapshot after a crash.
type EnvKind struct{}

var (
	_ resources.Kind     = EnvKind{}
	_ resources.Orphaner = EnvKind{}
)

// Name returns "secret_env".
func (EnvKind) Name() string { return "secret_env" }

// Spec is empty: there is nothing to declare.
func (EnvKind) Spec() hcldec.Spec { return &hcldec.ObjectSpec{} }

// Decode refuses: clawplan adds these nodes itself.
func (EnvKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "secret_env is not a block",
		Detail: "clawplan adds one secret_env node per service user's .env itself; deliver a secret there with deliver { env = \"VAR\" } in a secret block."}}
}

// Orphan rebuilds a writer that no secret feeds any more: its Diff deletes
// the lines clawplan owns (and the file, when nothing else is left in it).
func (EnvKind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	e := &EnvFile{addr: addr, user: addr.Name, orphan: &envRecord{User: addr.Name}}
	if len(record) > 0 {
		if err := json.Unmarshal(record, e.orphan); err != nil {
			return nil, fmt.Errorf("ownership record of %s: %w", addr, err)
		}
	}
	return e, nil
}

// synthesizer adds one secret_env writer per service user that receives
// env sinks, and tells every secret which gateways to restart.
type synthesizer struct{}

// Synthesize groups the secrets' env sinks by user and refuses a variable
// that two secrets deliver into one file.
func (synthesizer) Synthesize(c resources.Catalog) ([]resources.Resource, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	byUser := map[string][]*Secret{}
	keys := map[string]*Secret{}
	for _, r := range c.OfKind("secret") {
		s, ok := r.(*Secret)
		if !ok || s.orphan != nil {
			continue
		}
		s.setGateways(c)
		if len(s.envNames()) == 0 {
			continue
		}
		for _, k := range s.envNames() {
			if o := keys[s.user+"\x00"+k]; o != nil {
				diags = append(diags, s.diag(s.envRange(k), "Two secrets deliver one variable",
					fmt.Sprintf("%s and %s both deliver %s into user %s's ~/.openclaw/.env; keep one (the gateway would read only one of them).", o.addr, s.addr, k, s.user)))
			}
			keys[s.user+"\x00"+k] = s
		}
		byUser[s.user] = append(byUser[s.user], s)
	}
	return writers(c, byUser), diags
}

func writers(c resources.Catalog, byUser map[string][]*Secret) []resources.Resource {
	users := make([]string, 0, len(byUser))
	for u := range byUser {
		users = append(users, u)
	}
	sort.Strings(users)
	var gws []resources.Addr
	for _, g := range c.OfKind("gateway") {
		// The runtime side (gateway_service.NAME) is what restarts.
		gws = append(gws, resources.Addr{Kind: "gateway_service", Name: g.Addr().Name})
	}
	var out []resources.Resource
	for _, u := range users {
		feeds := byUser[u]
		sort.Slice(feeds, func(i, j int) bool { return feeds[i].addr.Name < feeds[j].addr.Name })
		out = append(out, &EnvFile{addr: resources.Addr{Kind: "secret_env", Name: u}, user: u, feeds: feeds, gateways: gws})
	}
	return out
}
