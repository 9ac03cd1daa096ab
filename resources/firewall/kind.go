package firewall

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Kind is the firewall block type.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

func init() { resources.Register(Kind{}) }

// Name returns "firewall".
func (Kind) Name() string { return "firewall" }

// Spec returns the block's schema (see the package documentation).
func (Kind) Spec() hcldec.Spec { return spec() }

// Decode builds a firewall from its decoded block and renders its table.
// Invalid values are reported by Validate, with their source ranges.
func (Kind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	r := &Firewall{addr: addr, ranges: attrRanges(body), ns: netNS(os.Getenv(NetNSEnv))}
	s, diags := decodeSettings(val, r.rng)
	if diags.HasErrors() {
		return nil, diags
	}
	r.s = s
	r.d, r.diags = s.check(r.rng)
	r.diags = append(r.diags, r.checkVerify(body)...)
	if r.diags.HasErrors() {
		return r, nil
	}
	if err := r.render(); err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot render the firewall table",
			Detail: err.Error() + ". This is a clawplan bug; please report it.", Subject: ptr(r.rng(""))}}
	}
	return r, nil
}

// render builds the wanted table's objects and model.
func (r *Firewall) render() error {
	objs, err := wantTable(r.s.Table, r.addr.String(), r.s.Interface, r.d).objects()
	if err != nil {
		return err
	}
	r.want, r.wantM = objs, modelOf(objs)
	return nil
}

// Orphan rebuilds, from its ownership record, a firewall whose block was
// removed: its Diff deletes the table (if it still names the block as its
// owner), the persisted file and the include line.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var o ownership
	if err := json.Unmarshal(record, &o); err != nil {
		return nil, fmt.Errorf("read ownership record of %s: %w", addr, err)
	}
	if o.Table == "" || o.Family != "inet" {
		return nil, fmt.Errorf("ownership record of %s names no inet table", addr)
	}
	s := settings{Table: o.Table, Persist: o.Persist, PersistFile: &o.PersistFile, NftablesConf: o.NftablesConf}
	return &Firewall{addr: addr, s: s, ns: netNS(o.NetNS), orphan: true, ranges: map[string]hcl.Range{}}, nil
}
