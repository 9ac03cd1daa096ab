package firewall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sys/unix"
)

// Firewall is one firewall block: clawplan's own nftables table for the
// sandbox bridge, and its persisted copy.
type Firewall struct {
	addr   resources.Addr
	s      settings
	d      derived
	diags  hcl.Diagnostics
	ranges map[string]hcl.Range
	ns     netNS
	// orphan is set on a firewall rebuilt from its ownership record after
	// its block was removed: it deletes what it owned.
	orphan bool
	want   []rawMsg   // the rendered table; nil for an orphan
	wantM  tableModel // its model
}

var (
	_ resources.Resource       = (*Firewall)(nil)
	_ resources.Exporter       = (*Firewall)(nil)
	_ resources.Owner          = (*Firewall)(nil)
	_ resources.CrossValidator = (*Firewall)(nil)
)

// SetNetNS points a firewall resource at the network namespace at path
// ("" is the caller's own), overriding CLAWPLAN_FIREWALL_NETNS. Tests use
// it to run a firewall against a namespace they created.
func SetNetNS(r resources.Resource, path string) error {
	f, ok := r.(*Firewall)
	if !ok {
		return fmt.Errorf("%s is not a firewall", r.Addr())
	}
	f.ns = netNS(path)
	return nil
}

// Addr returns the block's address.
func (r *Firewall) Addr() resources.Addr { return r.addr }

// Validate returns the static checks done when the block was decoded.
func (r *Firewall) Validate() hcl.Diagnostics { return r.diags }

// Export is the block as other blocks see it, defaults filled in.
func (r *Firewall) Export() cty.Value { return r.s.export() }

func (r *Firewall) rng(attr string) hcl.Range {
	if rg, ok := r.ranges[attr]; ok && rg.Filename != "" {
		return rg
	}
	return r.ranges[""]
}

func (r *Firewall) memoKey() string { return "firewall:" + string(r.ns) + ":inet:" + r.s.Table }

// probed is what Probe found, handed to Diff.
type probed struct {
	model   tableModel
	digest  string
	persist hostfs.File
	conf    hostfs.File
	service string
}

// Probe reads the live table over netlink (one read per run) and the
// persisted files. It changes nothing.
func (r *Firewall) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	v, err := h.Memo(r.memoKey(), func() (any, error) { return r.readLive() })
	if err != nil {
		return resources.State{}, fmt.Errorf("read nftables table inet %s: %w", r.s.Table, err)
	}
	m := modelOf(v.(liveTable).Msgs)
	p := &probed{model: m, digest: digest(m), service: serviceNote(h)}
	if p.persist, err = h.ReadFile(*r.s.PersistFile); err != nil {
		return resources.State{}, err
	}
	if p.conf, err = h.ReadFile(r.s.NftablesConf); err != nil {
		return resources.State{}, err
	}
	fp := h.Fingerprint([]byte(p.digest), []byte(h.FileFingerprint(p.persist)), []byte(h.FileFingerprint(p.conf)))
	return resources.State{Exists: m.Exists, Fingerprint: fp, Private: p}, nil
}

func (r *Firewall) readLive() (liveTable, error) {
	c, err := r.ns.dial()
	if err != nil {
		return liveTable{}, err
	}
	defer c.Close()
	return readTable(c, unix.NFPROTO_INET, r.s.Table)
}

// digest identifies a table model; Apply compares it with the probed one.
func digest(m tableModel) string {
	b, _ := json.Marshal(m)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ownership is the record an orphan is rebuilt from.
type ownership struct {
	Table        string `json:"table"`
	Family       string `json:"family"`
	NetNS        string `json:"netns,omitempty"`
	Persist      bool   `json:"persist"`
	PersistFile  string `json:"persist_file"`
	NftablesConf string `json:"nftables_conf"`
}

// Ownership records the table and files this block owns.
func (r *Firewall) Ownership() (json.RawMessage, error) {
	return json.Marshal(ownership{Table: r.s.Table, Family: "inet", NetNS: string(r.ns), Persist: r.s.Persist,
		PersistFile: *r.s.PersistFile, NftablesConf: r.s.NftablesConf})
}
