package sandboximg

import (
	"encoding/json"
	"path/filepath"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// Labels set on every image clawplan builds.
const (
	HashLabel    = "org.clawplan.context-hash"
	ManagedLabel = "org.clawplan.managed-by"
)

// Image is one sandbox_image node.
type Image struct {
	addr     resources.Addr
	sandbox  resources.Addr
	set      Settings
	gateways []resources.Addr // gateway_service nodes to restart
	rng      hcl.Range
	built    bool // orphan: the record says clawplan built the tag
	orphan   bool
}

var (
	_ resources.Resource = (*Image)(nil)
	_ resources.Owner    = (*Image)(nil)
)

// New returns the sandbox_image of the sandbox block sb, declared at rng.
// gateways are the gateway_service nodes a change restarts.
func New(sb resources.Addr, set Settings, gateways []resources.Addr, rng hcl.Range) *Image {
	return &Image{addr: AddrFor(sb), sandbox: sb, set: set, gateways: gateways, rng: rng}
}

// AddrFor is the sandbox_image address of the sandbox block sb.
func AddrFor(sb resources.Addr) resources.Addr { return resources.Addr{Kind: KindName, Name: sb.Name} }

// Addr implements resources.Resource.
func (i *Image) Addr() resources.Addr { return i.addr }

// Settings returns the node's settings.
func (i *Image) Settings() Settings { return i.set }

// Ownership implements resources.Owner.
func (i *Image) Ownership() (json.RawMessage, error) {
	return json.Marshal(ownership{Tag: i.set.Tag, Built: i.set.HasImage()})
}

// recordPath is where the settings hash of the last apply is kept, in the
// state directory (already under the root).
func (i *Image) recordPath(h *resources.Host) string {
	return filepath.Join(h.StateDir, "runtime", i.addr.String()+".json")
}

// record is the state file: the settings the running sandboxes were made with.
type record struct {
	SettingsHash string `json:"settings_hash"`
}
