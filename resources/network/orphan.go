package network

import (
	"context"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
)

// orphan is a network block removed from the manifest, rebuilt from its
// ownership record. Its plan deletes what the block created: the netplan
// file when its first line says clawplan created it for this block, and
// the "dns" key of daemon.json (the whole file when clawplan created it
// and nothing else is left). Anything else stays, with a note saying why.
type orphan struct {
	base
	rec ownership
}

var _ resources.Resource = (*orphan)(nil)

// Validate has nothing to check: there is no block.
func (o *orphan) Validate() hcl.Diagnostics { return nil }

// Probe reads the files the record names.
func (o *orphan) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	obs, err := probeFiles(h, o.rec.NetplanFile, o.rec.DockerDaemonFile)
	if err != nil {
		return resources.State{}, err
	}
	if o.rec.NetplanFile != "" {
		if obs.siblings, err = probeSiblings(h, o.addr, "", o.rec.NetplanFile); err != nil {
			return resources.State{}, err
		}
	}
	return obs.state(h), nil
}

// Diff is always a Delete: after it, clawplan forgets the block, even when
// nothing was left on the host to remove.
func (o *orphan) Diff(st resources.State) (resources.Change, error) {
	obs, ok := st.Private.(*observed)
	if !ok {
		return resources.Change{}, fmt.Errorf("diff needs the state from this resource's own probe")
	}
	ch := resources.Change{Addr: o.addr, Action: resources.Delete}
	p := &edits{}
	if obs.netplan != nil {
		o.deleteNetplan(*obs.netplan, &ch, p)
		staleEdits(obs.siblings, &ch, p)
	}
	if obs.daemon != nil {
		if err := o.deleteDNS(*obs.daemon, &ch, p); err != nil {
			return resources.Change{}, err
		}
	}
	if len(p.files) == 0 {
		ch.Notes = append(ch.Notes, fmt.Sprintf("Nothing of %s is left on the host to delete; clawplan stops tracking it.", o.addr))
	}
	ch.Private = p
	return ch, nil
}

// deleteNetplan deletes the netplan file if clawplan created it for this block.
func (o *orphan) deleteNetplan(f hostfs.File, ch *resources.Change, p *edits) {
	path := o.rec.NetplanFile
	if !f.Exists {
		return
	}
	owner, orig, ok := readMarker(f.Content)
	switch {
	case !ok || owner != o.addr.String():
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s stays: its first line does not say that clawplan created it for %s (it was written by hand, or rewritten since).", path, o.addr))
		return
	case orig == adopted:
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s stays as it is: it existed before clawplan managed it (its first line says adopted).", path))
		return
	}
	before, _ := currentNetplan(f.Content, "")
	for _, name := range []string{"interface", "addresses", "gateway", "nameservers", "renderer"} {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: name, Before: before[name]})
	}
	p.files = append(p.files, fileEdit{path: path, before: f, remove: true})
	ch.Files = append(ch.Files, fileDiff(path, f, nil))
	ch.Notes = append(ch.Notes, fmt.Sprintf("Run `netplan apply` (or reboot) after %s is deleted: clawplan apply does not restart networking yet.", path))
}

// deleteDNS removes the "dns" key, or the whole daemon.json when clawplan
// wrote it and nothing else is left in it.
func (o *orphan) deleteDNS(f hostfs.File, ch *resources.Change, p *edits) error {
	path := o.rec.DockerDaemonFile
	doc, err := readDaemon(f.Content)
	if err != nil {
		return refuseDaemon(path, err)
	}
	if doc.dns < 0 {
		return nil
	}
	ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "docker_dns", Before: doc.current()})
	after, others := doc.withoutDNS()
	e := fileEdit{path: path, before: f, after: after, mode: f.Mode, owner: hostfs.Owner{UID: f.UID, GID: f.GID}}
	e.remove = !others && o.daemonCreated(doc)
	if e.remove {
		after = nil
	}
	p.files = append(p.files, e)
	ch.Files = append(ch.Files, fileDiff(path, f, after))
	ch.Notes = append(ch.Notes, fmt.Sprintf("Restart Docker (`systemctl restart docker`) for new containers to stop using the DNS servers removed from %s: clawplan apply does not restart Docker yet.", path))
	return nil
}

// daemonCreated is whether clawplan created daemon.json: the record says
// so, or, in a record from before it said, the file is byte for byte what
// clawplan writes when it creates one.
func (o *orphan) daemonCreated(doc daemonDoc) bool {
	if o.rec.DaemonCreated != nil {
		return *o.rec.DaemonCreated
	}
	return doc.clawplanWrote()
}

// Snapshot captures the files the record names, and other netplan files
// clawplan created for the block.
func (o *orphan) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	paths := []string{o.rec.NetplanFile, o.rec.DockerDaemonFile}
	if o.rec.NetplanFile != "" {
		stale, err := stalePaths(h, o.addr, o.rec.NetplanFile)
		if err != nil {
			return resources.Snapshot{}, err
		}
		paths = append(paths, stale...)
	}
	return o.snapshot(h, paths...)
}

// Apply deletes what the change says.
func (o *orphan) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	_, err := applyChange(ctx, h, o, c)
	return err
}
