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
	// cat is the run's catalog, kept by CrossValidate for Verify.
	cat resources.Catalog
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
	live    liveTable
	model   tableModel // of the block's table
	digest  string     // of everything the block owns in the kernel
	conf    hostfs.File
	files   map[string]hostfs.File // persist_file and every file our include lines name
	service string
}

// Probe reads the live table over netlink (one read per run) and the
// persisted files. It changes nothing.
func (r *Firewall) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	v, err := h.Memo(r.memoKey(), func() (any, error) { return r.readLive() })
	if err != nil {
		return resources.State{}, fmt.Errorf("read nftables table inet %s: %w", r.s.Table, err)
	}
	live := v.(liveTable)
	p := &probed{live: live, model: modelOf(live.Msgs), digest: live.digest(), service: serviceNote(h), files: map[string]hostfs.File{}}
	if p.conf, err = h.ReadFile(r.s.NftablesConf); err != nil {
		return resources.State{}, err
	}
	parts := [][]byte{[]byte(p.digest), []byte(h.FileFingerprint(p.conf))}
	for _, path := range r.filePaths(p.conf.Content) {
		f, err := h.ReadFile(path)
		if err != nil {
			return resources.State{}, err
		}
		p.files[path] = f
		parts = append(parts, []byte(path), []byte(h.FileFingerprint(f)))
	}
	return resources.State{Exists: p.model.Exists, Fingerprint: h.Fingerprint(parts...), Private: p}, nil
}

// filePaths are the persisted files the block may write or remove: its
// persist_file and whatever its include lines in the main file name.
func (r *Firewall) filePaths(conf []byte) []string {
	paths := []string{*r.s.PersistFile}
	for _, p := range ourIncludes(conf, r.addr.String()) {
		if p != *r.s.PersistFile {
			paths = append(paths, p)
		}
	}
	return paths
}

func (r *Firewall) readLive() (liveTable, error) {
	c, err := r.ns.dial()
	if err != nil {
		return liveTable{}, err
	}
	defer c.Close()
	return readTable(c, unix.NFPROTO_INET, r.s.Table, r.addr.String())
}

// digest identifies a table model.
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
