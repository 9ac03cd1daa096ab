package network

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
)

// memory is what a Network knows of its past: the record its last
// successful apply left, the files other blocks of the manifest manage
// now, and whether this run's apply created daemon.json.
type memory struct {
	rec        *ownership // nil when there is no record
	err        error      // the record could not be read
	taken      map[string]resources.Addr
	madeDaemon bool
}

// Remember keeps the ownership record of the block's last successful
// apply, so the plan can clean up what the block owned under settings it
// no longer has: a netplan file or daemon.json it moved away from, or the
// "dns" key of a block that dropped docker_dns.
func (n *Network) Remember(record json.RawMessage) {
	var rec ownership
	if err := json.Unmarshal(record, &rec); err != nil {
		n.mem.rec, n.mem.err = nil, err
		return
	}
	n.mem.rec, n.mem.err = &rec, nil
}

// retired is the part of the remembered record the block no longer
// covers: files it managed before and does not now. A file another block
// of the manifest manages now is left to that block.
func (n *Network) retired() ownership {
	var old ownership
	if n.mem.rec == nil {
		return old
	}
	if p := n.mem.rec.NetplanFile; p != n.netplanPath() && n.mem.taken[p] == (resources.Addr{}) {
		old.NetplanFile = p
	}
	if p := n.mem.rec.DockerDaemonFile; p != n.daemonPath() && n.mem.taken[p] == (resources.Addr{}) {
		old.DockerDaemonFile, old.DaemonCreated = p, n.mem.rec.DaemonCreated
	}
	return old
}

// noteTaken records the files the other network blocks manage, so that a
// file handed from one block to another is not cleaned up by the first.
func (n *Network) noteTaken(others []*Network) {
	n.mem.taken = map[string]resources.Addr{}
	for _, o := range others {
		for _, p := range []string{o.netplanPath(), o.daemonPath()} {
			if p != "" {
				n.mem.taken[p] = o.addr
			}
		}
	}
}

// daemonCreated is whether clawplan created the daemon.json at p: this
// run's apply did, or the record says so; nil when it is not known.
func (m memory) daemonCreated(p string) *bool {
	yes, no := true, false
	switch {
	case m.madeDaemon:
		return &yes
	case m.rec != nil && m.rec.DockerDaemonFile == p:
		return m.rec.DaemonCreated
	case m.err != nil:
		return nil
	}
	return &no
}

// retire adds to ch and p the clean-up of what the block owned under its
// earlier settings, as an orphan of those settings would delete it.
func (n *Network) retire(obs *observed, ch *resources.Change, p *edits) error {
	if n.mem.err != nil {
		ch.Notes = append(ch.Notes, fmt.Sprintf("The record of what %s owned after its last apply could not be read (%v): files it managed under earlier settings are found only by their marker line.", n.addr, n.mem.err))
	}
	if obs == nil {
		return nil
	}
	o := &orphan{base: n.base, rec: n.retired()}
	if obs.netplan != nil {
		var part resources.Change
		o.deleteNetplan(*obs.netplan, &part, p)
		merge(ch, part, "netplan_file", o.rec.NetplanFile, n.netplanPath())
	}
	if obs.daemon != nil {
		var part resources.Change
		if err := o.deleteDNS(*obs.daemon, &part, p); err != nil {
			return err
		}
		merge(ch, part, "docker_daemon_file", o.rec.DockerDaemonFile, n.daemonPath())
	}
	return nil
}

// merge adds the clean-up of one retired file to ch. A file that moved
// shows as its path attribute changing (the new file's attributes are in
// ch already); a dropped setting keeps the orphan's "value -> null".
func merge(ch *resources.Change, part resources.Change, attr, from, to string) {
	if to != "" {
		part.Attrs = []resources.AttrChange{{Path: attr, Before: from, After: to}}
	}
	ch.Attrs = append(ch.Attrs, part.Attrs...)
	ch.Files = append(ch.Files, part.Files...)
	ch.Notes = append(ch.Notes, part.Notes...)
}
