package openclaw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// writerSnapshot is everything Apply touches, as plain JSON so a new
// process can restore it after a crash.
type writerSnapshot struct {
	File    hostfs.File `json:"file"`
	Record  hostfs.File `json:"record"`
	Dir     string      `json:"dir"`
	DirMode fs.FileMode `json:"dir_mode"` // 0: did not exist
}

func (w *writer) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	l, err := load(h, w.user)
	if err != nil {
		return resources.Snapshot{}, err
	}
	var s writerSnapshot
	if s.Dir, err = h.Path(l.dir); err != nil {
		return resources.Snapshot{}, err
	}
	full, err := h.Path(l.path)
	if err != nil {
		return resources.Snapshot{}, err
	}
	if s.File, err = hostfs.Snapshot(full); err != nil {
		return resources.Snapshot{}, err
	}
	recFull, err := recordPath(h, w.user)
	if err != nil {
		return resources.Snapshot{}, err
	}
	if s.Record, err = hostfs.Snapshot(recFull); err != nil {
		return resources.Snapshot{}, err
	}
	if fi, err := os.Lstat(s.Dir); err == nil {
		s.DirMode = fi.Mode().Perm() | fs.ModeDir
	}
	data, err := json.Marshal(s)
	return resources.Snapshot{Addr: w.addr, Data: data}, err
}

// Apply writes the file once, after checking that nobody changed it since
// the plan read it (OpenClaw itself writes this file).
func (w *writer) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	st, ok := c.Private.(*writerState)
	if !ok {
		return fmt.Errorf("%s: apply without a planned change", w.addr)
	}
	full, err := h.Path(st.path)
	if err != nil {
		return err
	}
	now, err := hostfs.Read(full)
	if err != nil {
		return err
	}
	if now.Exists != st.file.Exists || !bytes.Equal(now.Content, st.file.Content) {
		return fmt.Errorf("%s changed since it was planned (OpenClaw or a person wrote it); run plan again so nothing they wrote is lost", st.path)
	}
	defer forget(h, w.user, st.path)
	if st.owner == hostfs.Keep {
		// On a fresh host the vm block creates the service user during
		// this same apply, after the plan looked: the gateway, running as
		// that user, must be able to read the file it is given.
		h.Forget("/etc/passwd")
		if u, err := account.Lookup(h, w.user); err == nil && u.Exists {
			st.owner = hostfs.Owner{UID: u.UID, GID: u.GID}
		}
	}
	if err := w.writeFile(full, st); err != nil {
		return err
	}
	w.owned = &st.merged.rec
	return w.writeRecord(st)
}

func (w *writer) writeFile(full string, st *writerState) error {
	if st.removeFile {
		return hostfs.Remove(full)
	}
	if st.dirMode != 0 && st.dirMode.Perm() != dirMode {
		if err := os.Chmod(st.dirFull, dirMode); err != nil {
			return err
		}
	}
	if st.file.Exists && bytes.Equal(st.after, st.file.Content) && st.file.Mode.Perm() == fileMode && !ownerDiffers(st) {
		return nil
	}
	return hostfs.WriteAtomic(full, st.after, fileMode, dirMode, st.owner)
}

func ownerDiffers(st *writerState) bool {
	return st.owner != hostfs.Keep && (st.file.UID != st.owner.UID || st.file.GID != st.owner.GID)
}

// writeRecord keeps what the writer owns; an orphaned writer drops it.
func (w *writer) writeRecord(st *writerState) error {
	if w.orphaned {
		return hostfs.Remove(st.recFull)
	}
	return hostfs.WriteAtomic(st.recFull, st.merged.rec.encode(), fileMode, dirMode, hostfs.Keep)
}

// Restore puts openclaw.json, the record and the directory mode back.
func (w *writer) Restore(ctx context.Context, h *resources.Host, snap resources.Snapshot) error {
	var s writerSnapshot
	if err := json.Unmarshal(snap.Data, &s); err != nil {
		return fmt.Errorf("%s: snapshot: %w", w.addr, err)
	}
	defer forget(h, w.user, hostPathOf(h, s.File.Path))
	var errs []error
	errs = append(errs, hostfs.Restore(s.File), hostfs.Restore(s.Record))
	if s.DirMode != 0 {
		if fi, err := os.Lstat(s.Dir); err == nil && fi.Mode().Perm() != s.DirMode.Perm() {
			errs = append(errs, os.Chmod(s.Dir, s.DirMode.Perm()))
		}
	}
	return errors.Join(errs...)
}

// Ownership is the record of the last plan or apply: which block owns
// which paths, so an orphaned writer removes exactly those.
func (w *writer) Ownership() (json.RawMessage, error) {
	if w.owned == nil {
		return nil, fmt.Errorf("%s: ownership before a probe", w.addr)
	}
	return w.owned.encode(), nil
}

// hostPathOf turns a path resolved under the root back into the host path.
func hostPathOf(h *resources.Host, full string) string {
	rel, err := filepath.Rel(filepath.Clean(h.Root), full)
	if err != nil {
		return full
	}
	return "/" + filepath.ToSlash(rel)
}
