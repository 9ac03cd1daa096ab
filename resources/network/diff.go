package network

import (
	"bytes"
	"fmt"
	"io/fs"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// netplanMode and root are what netplan requires of its files: readable by
// root only (it warns about anything wider, since they may hold Wi-Fi keys).
const netplanMode fs.FileMode = 0o600

var root = hostfs.Owner{UID: 0, GID: 0}

// daemonMode is what Docker expects for a new daemon.json; an existing one
// keeps its mode and owner.
const daemonMode fs.FileMode = 0o644

// The restart notes: apply writes files, it does not restart anything yet.
const (
	noteNetplan  = "Run `netplan apply` (or reboot) for %s to take effect: clawplan apply writes the file but does not restart networking yet."
	noteGateway4 = "%s, written by hand, sets the default route with gateway4/gateway6, which netplan deprecates (`netplan generate` warns); clawplan keeps the file as it is until the block changes, then writes `routes: [{to: default, via: ...}]`."
	noteDocker   = "Restart Docker (`systemctl restart docker`) for the DNS servers in %s to reach new containers: clawplan apply writes the file but does not restart Docker yet."
)

// Diff compares what the probe found with what the block declares.
func (n *Network) Diff(st resources.State) (resources.Change, error) {
	obs, ok := st.Private.(*observed)
	if !ok {
		return resources.Change{}, fmt.Errorf("diff needs the state from this resource's own probe")
	}
	ch := resources.Change{Addr: n.addr}
	p := &edits{}
	if obs.netplan != nil {
		n.diffNetplan(*obs.netplan, &ch, p)
		if obs.note != "" {
			ch.Notes = append(ch.Notes, obs.note)
		}
	}
	staleEdits(obs.siblings, &ch, p)
	if obs.daemon != nil {
		if err := n.diffDaemon(*obs.daemon, &ch, p); err != nil {
			return resources.Change{}, err
		}
	}
	if err := n.retire(obs.retired, &ch, p); err != nil {
		return resources.Change{}, err
	}
	ch.Action, ch.Private = resources.NoOp, p
	switch {
	case len(p.files) > 0 && !obs.exists():
		ch.Action = resources.Create
	case len(p.files) > 0:
		ch.Action = resources.Update
	}
	return ch, nil
}

// diffNetplan compares the netplan file: its attributes, its bytes, and
// the mode and owner netplan requires.
func (n *Network) diffNetplan(f hostfs.File, ch *resources.Change, p *edits) {
	path := n.cfg.NetplanFile
	want := renderNetplan(n.addr, n.cfg, originOf(f))
	if n.keepsHandWritten(f, ch) {
		want = f.Content
	}
	before, err := netplanBefore(f, n.cfg.Interface)
	if err != nil {
		ch.Notes = append(ch.Notes, fmt.Sprintf("The current %s is not valid YAML (%v), so its values show as null; apply replaces it.", path, err))
	}
	ch.Attrs = append(ch.Attrs,
		attr("interface", before, n.cfg.Interface),
		attr("addresses", before, anyList(n.cfg.Addresses)),
		attr("gateway", before, nilIfEmpty(n.cfg.Gateway)),
		attr("nameservers", before, anyList(n.cfg.Nameservers)),
		attr("renderer", before, n.cfg.Renderer),
		resources.AttrChange{Path: "netplan_file.mode", Before: fileMode(f), After: resources.ModeString(netplanMode)},
		resources.AttrChange{Path: "netplan_file.owner", Before: fileOwner(f), After: "0:0"},
	)
	if f.Exists && bytes.Equal(f.Content, want) && f.Mode == netplanMode && f.UID == 0 && f.GID == 0 {
		return
	}
	p.files = append(p.files, fileEdit{path: path, before: f, after: want, mode: netplanMode, owner: root})
	if !f.Exists || !bytes.Equal(f.Content, want) {
		ch.Files = append(ch.Files, fileDiff(path, f, want))
	}
	ch.Notes = append(ch.Notes, fmt.Sprintf(noteNetplan, path))
}

// keepsHandWritten reports whether f is a netplan file clawplan never
// wrote (it has no marker line) that already says exactly what the block
// declares: then its bytes stay, and the plan is no-op for its content.
// clawplan rewrites it, marked as adopted, only once the block changes.
func (n *Network) keepsHandWritten(f hostfs.File, ch *resources.Change) bool {
	if !f.Exists {
		return false
	}
	if _, _, marked := readMarker(f.Content); marked {
		return false
	}
	hn, err := readHandNetplan(f.Content, n.cfg.Interface)
	if err != nil || !hn.says(n.cfg) {
		return false
	}
	if hn.gateway4 {
		ch.Notes = append(ch.Notes, fmt.Sprintf(noteGateway4, n.cfg.NetplanFile))
	}
	return true
}

// diffDaemon compares daemon.json's "dns" key; it refuses a file it cannot
// read the way Docker does.
func (n *Network) diffDaemon(f hostfs.File, ch *resources.Change, p *edits) error {
	path := n.cfg.DockerDaemonFile
	doc, err := readDaemon(f.Content)
	if err != nil {
		return refuseDaemon(path, err)
	}
	ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "docker_dns", Before: doc.current(), After: anyList(n.cfg.DockerDNS)})
	if doc.has(n.cfg.DockerDNS) {
		return nil
	}
	want := doc.withDNS(n.cfg.DockerDNS)
	mode, owner := daemonMode, root
	if f.Exists {
		mode, owner = f.Mode, hostfs.Owner{UID: f.UID, GID: f.GID}
	}
	p.files = append(p.files, fileEdit{path: path, before: f, after: want, mode: mode, owner: owner})
	ch.Files = append(ch.Files, fileDiff(path, f, want))
	ch.Notes = append(ch.Notes, fmt.Sprintf(noteDocker, path))
	return nil
}

// refuseDaemon is the error for a daemon.json clawplan will not edit.
func refuseDaemon(path string, err error) error {
	return fmt.Errorf("refusing to change %s: %v. clawplan edits only the %q key and must read the file the way Docker does; fix it by hand (Docker will not start with it either), then plan again", path, err, dnsKey)
}

// netplanBefore reads the block's attributes back from the current file.
func netplanBefore(f hostfs.File, iface string) (map[string]any, error) {
	if !f.Exists {
		return map[string]any{}, nil
	}
	m, err := currentNetplan(f.Content, iface)
	if err != nil {
		return map[string]any{}, err
	}
	return m, nil
}

func attr(name string, before map[string]any, after any) resources.AttrChange {
	return resources.AttrChange{Path: name, Before: before[name], After: after}
}

func fileDiff(path string, f hostfs.File, after []byte) resources.FileDiff {
	return resources.FileDiff{Path: path, Before: string(f.Content), After: string(after)}
}

func fileMode(f hostfs.File) any {
	if !f.Exists {
		return nil
	}
	return resources.ModeString(f.Mode)
}

func fileOwner(f hostfs.File) any {
	if !f.Exists {
		return nil
	}
	return fmt.Sprintf("%d:%d", f.UID, f.GID)
}

// anyList is a JSON-compatible list, or nil for none.
func anyList(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
