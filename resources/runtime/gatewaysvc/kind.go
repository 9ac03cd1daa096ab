package gatewaysvc

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the synthesized node's kind.
const KindName = "gateway_service"

func init() { resources.Register(Kind{}) }

// Kind is gateway_service. No manifest declares one; it is registered so
// that a gateway_service whose gateway block was removed can be rebuilt
// from its ownership record and deleted.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

// Name returns "gateway_service".
func (Kind) Name() string { return KindName }

// Spec is empty: the node's settings come from its gateway block.
func (Kind) Spec() hcldec.Spec { return &hcldec.ObjectSpec{} }

// Decode refuses: gateway_service is not a block a manifest declares.
func (Kind) Decode(addr resources.Addr, body hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "gateway_service is not a block",
		Detail:  fmt.Sprintf("clawplan adds %s by itself for gateway.%s; declare a gateway block instead.", addr, addr.Name),
		Subject: body.MissingItemRange().Ptr()}}
}

// Orphan rebuilds a gateway_service whose gateway block was removed: its
// plan stops and disables the unit and deletes the unit file.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var rec ownership
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("ownership record of %s: %w", addr, err)
	}
	if rec.User == "" {
		return nil, fmt.Errorf("ownership record of %s names no user", addr)
	}
	return &Service{addr: addr, set: Settings{User: rec.User, Port: DefaultPort, Bind: DefaultBind}, orphan: true}, nil
}

// ownership is what a gateway_service owns on the host: the unit of one
// user. Lingering and the installed runtime are left in place on delete.
type ownership struct {
	User string `json:"user"`
	Unit string `json:"unit"`
}
