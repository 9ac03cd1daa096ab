package network

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// base is what a declared block and an orphan share: the address, and
// snapshot and restore of the files a change edits.
type base struct{ addr resources.Addr }

// Addr returns the block's address.
func (b base) Addr() resources.Addr { return b.addr }

// edits are the file writes and deletions a change makes (Change.Private).
type edits struct{ files []fileEdit }

// fileEdit is one file's new content, or its deletion.
type fileEdit struct {
	path   string      // the host path
	before hostfs.File // as probed: apply refuses a file changed since
	after  []byte
	remove bool // delete the file instead of writing after
	mode   fs.FileMode
	owner  hostfs.Owner
}

// applyChange makes the edits of c, and returns the files it created. A
// change read back from a saved plan carries no edits; they are planned
// again (the engine has already checked that the host has not changed
// since the saved plan).
func applyChange(ctx context.Context, h *resources.Host, r resources.Resource, c resources.Change) (map[string]bool, error) {
	p, ok := c.Private.(*edits)
	if !ok {
		st, err := r.Probe(ctx, h)
		if err != nil {
			return nil, err
		}
		ch, err := r.Diff(st)
		if err != nil {
			return nil, err
		}
		p = ch.Private.(*edits)
	}
	made := map[string]bool{}
	for _, e := range p.files {
		if err := e.apply(h); err != nil {
			return made, err
		}
		made[e.path] = !e.before.Exists && !e.remove
	}
	return made, nil
}

// apply writes (or deletes) one file atomically, after checking that it is
// still what the plan saw.
func (e fileEdit) apply(h *resources.Host) error {
	full, err := h.Path(e.path)
	if err != nil {
		return err
	}
	defer h.Forget(e.path)
	cur, err := hostfs.Read(full)
	if err != nil {
		return err
	}
	if !sameFile(cur, e.before) {
		return fmt.Errorf("%s changed since it was planned; run plan again", e.path)
	}
	if e.remove {
		return hostfs.Remove(full)
	}
	return hostfs.WriteAtomic(full, e.after, e.mode, 0o755, e.owner)
}

func sameFile(a, b hostfs.File) bool {
	return a.Exists == b.Exists && bytes.Equal(a.Content, b.Content) && a.Mode == b.Mode && a.UID == b.UID && a.GID == b.GID
}

// snapshotData is a Snapshot's Data: plain JSON, so a new process can
// restore it after a crash.
type snapshotData struct {
	Files []snapFile `json:"files"`
}

// snapFile is one file's snapshot with the host path it was taken for.
type snapFile struct {
	HostPath string      `json:"host_path"`
	File     hostfs.File `json:"file"`
}

// snapshot captures the files at paths ("" skipped) straight from disk.
func (b base) snapshot(h *resources.Host, paths ...string) (resources.Snapshot, error) {
	var d snapshotData
	for _, p := range paths {
		if p == "" {
			continue
		}
		full, err := h.Path(p)
		if err != nil {
			return resources.Snapshot{}, err
		}
		f, err := hostfs.Snapshot(full)
		if err != nil {
			return resources.Snapshot{}, fmt.Errorf("snapshot of %s: %w", p, err)
		}
		d.Files = append(d.Files, snapFile{HostPath: p, File: f})
	}
	data, err := json.Marshal(d)
	return resources.Snapshot{Addr: b.addr, Data: data}, err
}

// Restore puts every file of s back byte for byte, with its mode and
// owner, or removes it (and the directories apply created) when it did not
// exist. Files are restored in reverse order, so that shared parent
// directories go last.
func (b base) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var d snapshotData
	if err := json.Unmarshal(s.Data, &d); err != nil {
		return fmt.Errorf("reading the snapshot of %s: %w", b.addr, err)
	}
	for i := len(d.Files) - 1; i >= 0; i-- {
		sf := d.Files[i]
		full, err := h.Path(sf.HostPath)
		if err != nil {
			return err
		}
		if full != sf.File.Path {
			return fmt.Errorf("the snapshot of %s was taken at %s, not %s: restore with the --root it was taken under", sf.HostPath, sf.File.Path, full)
		}
		if err := hostfs.Restore(sf.File); err != nil {
			return fmt.Errorf("restoring %s: %w", sf.HostPath, err)
		}
		h.Forget(sf.HostPath)
	}
	return nil
}
