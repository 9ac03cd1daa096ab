package secret

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// snapData is a secret's snapshot: the files Apply may write (their old
// bytes included: the engine keeps snapshots 0600 in the 0700 state
// directory) and the credentials directory's mode and owner.
type snapData struct {
	Files []hostfs.File `json:"files"`
	Dirs  []dirState    `json:"dirs,omitempty"`
}

// Snapshot captures every path Apply may touch.
func (s *Secret) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	var data snapData
	paths, err := s.touchedPaths(h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	for _, full := range paths {
		f, err := hostfs.Snapshot(full)
		if err != nil {
			return resources.Snapshot{}, fmt.Errorf("%s: snapshot: %w", s.addr, err)
		}
		data.Files = append(data.Files, f)
	}
	if home := s.home(h); s.orphan == nil && s.usesCredentialsDir(home) {
		d, err := statDir(h, credentialsDir(home))
		if err != nil {
			return resources.Snapshot{}, fmt.Errorf("%s: snapshot: %w", s.addr, err)
		}
		data.Dirs = append(data.Dirs, d)
	}
	raw, err := json.Marshal(data)
	return resources.Snapshot{Addr: s.addr, Data: raw}, err
}

// home is the service user's home as the host has it, or /home/USER.
func (s *Secret) home(h *resources.Host) string {
	u, err := account.Lookup(h, s.user)
	if err != nil || !u.Exists {
		return s.assumedHome()
	}
	return u.Home
}

// touchedPaths are the resolved paths Apply may write or delete.
func (s *Secret) touchedPaths(h *resources.Host) ([]string, error) {
	hostPaths := s.filePaths(s.assumedHome())
	if s.orphan != nil {
		hostPaths = s.orphan.Files
	}
	s.mu.Lock()
	rotate := s.rotate
	s.mu.Unlock()
	if rotate && len(s.envNames()) > 0 {
		hostPaths = append(hostPaths, envFilePath(s.home(h)))
	}
	var out []string
	for _, p := range hostPaths {
		full, err := h.Path(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.addr, err)
		}
		out = append(out, full)
	}
	if s.src.Generate != nil || (s.orphan != nil && s.orphan.Stored) {
		out = append(out, storePath(h.StateDir, s.addr.Name))
	}
	return out, nil
}

// Restore puts every snapshotted file back (bytes, mode, owner, or gone)
// and the credentials directory's mode and owner. It needs nothing but
// the snapshot, so a new process can run it after a crash.
func (s *Secret) Restore(ctx context.Context, h *resources.Host, snap resources.Snapshot) error {
	return restoreSnapshot(h, snap)
}

// restoreSnapshot restores the files, then the directories, of a snapshot.
func restoreSnapshot(h *resources.Host, snap resources.Snapshot) error {
	var data snapData
	if err := json.Unmarshal(snap.Data, &data); err != nil {
		return fmt.Errorf("%s: reading snapshot: %w", snap.Addr, err)
	}
	for i := len(data.Files) - 1; i >= 0; i-- {
		if err := restoreFile(h, data.Files[i]); err != nil {
			return fmt.Errorf("%s: restore: %w", snap.Addr, err)
		}
	}
	for _, d := range data.Dirs {
		if err := restoreDir(d); err != nil {
			return fmt.Errorf("%s: restore: %w", snap.Addr, err)
		}
	}
	return nil
}

func restoreFile(h *resources.Host, f hostfs.File) error {
	defer lockPath(f.Path)()
	defer forgetFull(h, f.Path)
	return hostfs.Restore(f)
}

// restoreDir gives a directory that existed its old mode and owner back.
func restoreDir(d dirState) error {
	if !d.Exists {
		return nil
	}
	defer lockPath(d.Path)()
	fi, err := os.Lstat(d.Path)
	if err != nil || !fi.IsDir() {
		return nil // gone since: nothing of ours to give back
	}
	if err := os.Chmod(d.Path, d.Mode); err != nil {
		return err
	}
	return os.Lchown(d.Path, d.UID, d.GID)
}

// forgetFull drops a resolved path from the host's read cache.
func forgetFull(h *resources.Host, full string) {
	root := filepath.Clean(h.Root)
	if root == "/" {
		h.Forget(full)
		return
	}
	if rel, ok := strings.CutPrefix(full, root); ok && strings.HasPrefix(rel, "/") {
		h.Forget(rel)
	}
}

// ownRecord is what a secret owns on the host, kept by the engine after an
// apply so a later run can delete it when the block is removed.
type ownRecord struct {
	User   string   `json:"user"`
	Files  []string `json:"files,omitempty"`
	Env    []string `json:"env,omitempty"`
	Stored bool     `json:"stored,omitempty"`
}

func (s *Secret) remember(pr *probed) {
	rec := &ownRecord{User: s.user, Files: pr.paths, Env: s.envNames(), Stored: s.src.Generate != nil}
	s.mu.Lock()
	s.resolved = rec
	s.mu.Unlock()
}

// Ownership records the credentials files and the generated value. The
// .env lines are recorded by the secret_env writer, which removes them.
func (s *Secret) Ownership() (json.RawMessage, error) {
	s.mu.Lock()
	rec := s.resolved
	s.mu.Unlock()
	if rec == nil {
		rec = &ownRecord{User: s.user, Files: s.filePaths(s.assumedHome()), Env: s.envNames(), Stored: s.src.Generate != nil}
	}
	return json.Marshal(rec)
}

// probeOrphan finds what a removed secret left behind.
func (s *Secret) probeOrphan(h *resources.Host) (resources.State, error) {
	var files []hostfs.File
	var parts [][]byte
	for _, p := range s.orphan.Files {
		f, err := h.ReadFile(p)
		if err != nil {
			return resources.State{}, fmt.Errorf("%s: %w", s.addr, err)
		}
		if f.Exists {
			h.Secrets.Add(string(f.Content))
		}
		files = append(files, f)
		parts = append(parts, []byte(h.FileFingerprint(f)))
	}
	stored, err := hostfs.Read(storePath(h.StateDir, s.addr.Name))
	if err != nil {
		return resources.State{}, err
	}
	parts = append(parts, []byte(h.FileFingerprint(stored)))
	exists := stored.Exists
	for _, f := range files {
		exists = exists || f.Exists
	}
	return resources.State{Exists: exists, Fingerprint: h.Fingerprint(parts...), Private: files}, nil
}

// diffOrphan deletes what a removed secret owned: its credentials files
// and its generated value. Its .env lines go with the secret_env writer.
func (s *Secret) diffOrphan(st resources.State) (resources.Change, error) {
	ch := resources.Change{Addr: s.addr, Action: resources.Delete}
	files, _ := st.Private.([]hostfs.File)
	for i, f := range files {
		if f.Exists {
			ch.Files = append(ch.Files, resources.FileDiff{Path: s.orphan.Files[i], Sensitive: true})
			ch.Notes = append(ch.Notes, "removes the credentials file "+s.orphan.Files[i])
		}
	}
	if s.orphan.Stored {
		ch.Notes = append(ch.Notes, "forgets the generated value kept in the state directory")
	}
	if len(s.orphan.Env) > 0 {
		ch.Notes = append(ch.Notes, fmt.Sprintf("its .env lines (%s) go with secret_env.%s", strings.Join(s.orphan.Env, ", "), s.orphan.User))
	}
	return ch, nil
}

// applyDelete removes what the orphan owns, nothing else.
func (s *Secret) applyDelete(h *resources.Host) error {
	paths, err := s.touchedPaths(h)
	if err != nil {
		return err
	}
	for _, full := range paths {
		unlock := lockPath(full)
		err := hostfs.Remove(full)
		unlock()
		forgetFull(h, full)
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("%s: %w", s.addr, err)
		}
	}
	return nil
}
