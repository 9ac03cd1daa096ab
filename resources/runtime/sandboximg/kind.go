package sandboximg

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the synthesized node's kind.
const KindName = "sandbox_image"

func init() { resources.Register(Kind{}) }

// Kind is sandbox_image. No manifest declares one; it is registered so
// that one whose sandbox block was removed can be rebuilt and deleted.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

// Name returns "sandbox_image".
func (Kind) Name() string { return KindName }

// Spec is empty: the node's settings come from its sandbox block.
func (Kind) Spec() hcldec.Spec { return &hcldec.ObjectSpec{} }

// Decode refuses: sandbox_image is not a block a manifest declares.
func (Kind) Decode(addr resources.Addr, body hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "sandbox_image is not a block",
		Detail:  fmt.Sprintf("clawplan adds %s by itself for sandbox.%s; declare a sandbox block instead.", addr, addr.Name),
		Subject: body.MissingItemRange().Ptr()}}
}

// Orphan rebuilds a sandbox_image whose sandbox block was removed: its plan
// removes the image tag it built (and its rollback tag) and its record.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var rec ownership
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("ownership record of %s: %w", addr, err)
	}
	return &Image{addr: addr, set: Settings{Tag: rec.Tag, ContainerPrefix: DefaultPrefix}, built: rec.Built, orphan: true}, nil
}

// ownership is what a sandbox_image owns: the tag it built, if any.
type ownership struct {
	Tag   string `json:"tag"`
	Built bool   `json:"built"`
}
