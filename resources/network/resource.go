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
}

var (
	_ resources.Resource       = (*Network)(nil)
	_ resources.Exporter       = (*Network)(nil)
	_ resources.Owner          = (*Network)(nil)
	_ resources.CrossValidator = (*Network)(nil)
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
	if obs.netplan != nil {
		if obs.siblings, err = probeSiblings(h, n.addr, n.cfg.NetplanFile, n.cfg.Interface); err != nil {
			return resources.State{}, err
		}
		content := renderNetplan(n.addr, n.cfg, originOf(*obs.netplan))
		if obs.note, err = checkNetplan(ctx, h, n.addr, n.cfg.NetplanFile, content); err != nil {
			return resources.State{}, err
		}
	}
	return obs.state(h), nil
}

// Apply writes the files the change edits.
func (n *Network) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	return applyChange(ctx, h, n, c)
}

// Snapshot captures the managed files, and the files of this block's that
// apply may delete, as they are now.
func (n *Network) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	paths := []string{n.netplanPath(), n.daemonPath()}
	if n.cfg.ManagesNetplan() {
		stale, err := stalePaths(h, n.addr, n.cfg.NetplanFile)
		if err != nil {
			return resources.Snapshot{}, err
		}
		paths = append(paths, stale...)
	}
	return n.snapshot(h, paths...)
}

// ownership is what a network block records it owns: the files it manages.
// Whether it may delete them is read from the files themselves when the
// block is gone (see orphan).
type ownership struct {
	NetplanFile      string `json:"netplan_file,omitempty"`
	DockerDaemonFile string `json:"docker_daemon_file,omitempty"`
}

// Ownership records the files this block manages.
func (n *Network) Ownership() (json.RawMessage, error) {
	return json.Marshal(ownership{NetplanFile: n.netplanPath(), DockerDaemonFile: n.daemonPath()})
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
