package network

import (
	"context"
	"encoding/json"

	"github.com/clawplan/clawplan/resources"
	"github.com/zclconf/go-cty/cty"
)

// Network is one declared network block.
type Network struct {
	base
	cfg Config
	at  where
	set map[string]bool // attributes the block gives a non-null value
	mem memory          // the record of the last successful apply (Remember)
}

var (
	_ resources.Resource       = (*Network)(nil)
	_ resources.Exporter       = (*Network)(nil)
	_ resources.Owner          = (*Network)(nil)
	_ resources.CrossValidator = (*Network)(nil)
	_ resources.Remembering    = (*Network)(nil)
)

// Config returns the decoded block with its defaults.
func (n *Network) Config() Config { return n.cfg }

// Export is what other blocks see as network.NAME: every attribute, with
// defaults filled in (the firewall checks its DNS set against docker_dns).
func (n *Network) Export() cty.Value { return n.cfg.value() }

// Probe reads the files the block manages and checks the netplan YAML it
// renders with netplan's own generator, in a temp dir.
func (n *Network) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	obs, err := probeFiles(h, n.netplanPath(), n.daemonPath())
	if err != nil {
		return resources.State{}, err
	}
	old := n.retired()
	if obs.retired, err = probeFiles(h, old.NetplanFile, old.DockerDaemonFile); err != nil {
		return resources.State{}, err
	}
	if obs.siblings, err = probeSiblings(h, n.addr, n.iface(), n.netplanPath(), old.NetplanFile); err != nil {
		return resources.State{}, err
	}
	if obs.netplan != nil {
		content := renderNetplan(n.addr, n.cfg, originOf(*obs.netplan))
		if obs.note, err = checkNetplan(ctx, h, n.addr, n.cfg.NetplanFile, content); err != nil {
			return resources.State{}, err
		}
	}
	return obs.state(h), nil
}

// Apply writes the files the change edits.
func (n *Network) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	made, err := applyChange(ctx, h, n, c)
	if p := n.daemonPath(); p != "" && made[p] {
		n.mem.madeDaemon = true
	}
	return err
}

// Snapshot captures the managed files, and the files of this block's that
// apply may delete, as they are now.
func (n *Network) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	old := n.retired()
	paths := []string{n.netplanPath(), n.daemonPath(), old.NetplanFile, old.DockerDaemonFile}
	stale, err := stalePaths(h, n.addr, n.netplanPath(), old.NetplanFile)
	if err != nil {
		return resources.Snapshot{}, err
	}
	return n.snapshot(h, append(paths, stale...)...)
}

// ownership is what a network block records it owns: the files it manages,
// and whether clawplan created daemon.json. Whether it may delete the
// netplan file is read from the file's marker line (see orphan).
type ownership struct {
	NetplanFile      string `json:"netplan_file,omitempty"`
	DockerDaemonFile string `json:"docker_daemon_file,omitempty"`
	// DaemonCreated says whether clawplan created DockerDaemonFile. It is
	// nil in records written before it was kept: then the file's bytes
	// decide (see daemonDoc.clawplanWrote).
	DaemonCreated *bool `json:"docker_daemon_created,omitempty"`
}

// Ownership records the files this block manages.
func (n *Network) Ownership() (json.RawMessage, error) {
	rec := ownership{NetplanFile: n.netplanPath(), DockerDaemonFile: n.daemonPath()}
	if rec.DockerDaemonFile != "" {
		rec.DaemonCreated = n.mem.daemonCreated(rec.DockerDaemonFile)
	}
	return json.Marshal(rec)
}

// iface is the interface the block configures, or "" when none.
func (n *Network) iface() string {
	if !n.cfg.ManagesNetplan() {
		return ""
	}
	return n.cfg.Interface
}

// netplanPath is the netplan file the block writes, or "" when none.
func (n *Network) netplanPath() string {
	if !n.cfg.ManagesNetplan() {
		return ""
	}
	return n.cfg.NetplanFile
}

// daemonPath is the daemon.json whose "dns" the block owns, or "" when none.
func (n *Network) daemonPath() string {
	if !n.cfg.ManagesDocker() {
		return ""
	}
	return n.cfg.DockerDaemonFile
}
