package hostfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// File is one file as found on the host: its bytes, mode and owner, or the
// fact that it does not exist. It doubles as the file's snapshot.
type File struct {
	Path    string      `json:"path"` // the resolved path, under the root
	Exists  bool        `json:"exists"`
	Content []byte      `json:"content,omitempty"`
	Mode    fs.FileMode `json:"mode,omitempty"` // permission bits only
	UID     int         `json:"uid"`
	GID     int         `json:"gid"`
	// CreatedDirs lists the parent directories a write created, outermost
	// first, so that restoring "did not exist" removes them too.
	CreatedDirs []string `json:"created_dirs,omitempty"`
}

// Read returns the file at the resolved path full. A missing file is not an
// error: it is a File with Exists false.
func Read(full string) (File, error) {
	f := File{Path: full}
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if !fi.Mode().IsRegular() {
		return f, fmt.Errorf("%s is not a regular file (%s)", full, fi.Mode().Type())
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return f, err
	}
	f.Exists, f.Content, f.Mode = true, b, fi.Mode().Perm()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.UID, f.GID = int(st.Uid), int(st.Gid)
	}
	return f, nil
}

// Owner is who a written file or directory belongs to; -1 keeps the
// process's own id.
type Owner struct{ UID, GID int }

// Keep is the Owner that leaves ownership as the process creates it.
var Keep = Owner{-1, -1}

// MissingDirs returns the parents of full that do not exist yet, outermost
// first: what a write will create, and a snapshot must remember.
func MissingDirs(full string) []string {
	var dirs []string
	for dir := filepath.Dir(full); ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(dir); err == nil {
			break
		}
		dirs = append([]string{dir}, dirs...)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return dirs
}

// Snapshot reads full together with the directories a write would create.
func Snapshot(full string) (File, error) {
	f, err := Read(full)
	if err != nil {
		return f, err
	}
	f.CreatedDirs = MissingDirs(full)
	return f, nil
}

// EnsureDir creates dir and its missing parents with mode and owner. An
// existing directory is left as it is.
func EnsureDir(dir string, mode fs.FileMode, o Owner) error {
	for _, d := range MissingDirs(filepath.Join(dir, "x")) {
		if err := os.Mkdir(d, mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := os.Chmod(d, mode); err != nil {
			return err
		}
		if err := chown(d, o); err != nil {
			return err
		}
	}
	return nil
}

// WriteAtomic replaces full with content: a temp file in the same directory,
// created with mode from its first byte, owned by o, fsynced, renamed over
// full, and the directory fsynced. Readers see the old file or the new one,
// never a part. Missing parents are created with dirMode.
func WriteAtomic(full string, content []byte, mode, dirMode fs.FileMode, o Owner) (err error) {
	dir := filepath.Dir(full)
	if err := EnsureDir(dir, dirMode, o); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(full)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600; narrow or widen it before any byte lands.
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if o != Keep {
		if err = tmp.Chown(o.UID, o.GID); err != nil {
			return err
		}
	}
	if _, err = tmp.Write(content); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), full); err != nil {
		return err
	}
	return syncDir(dir)
}

// tempPrefix starts the name of WriteAtomic's temp files for full.
func tempPrefix(full string) string { return "." + filepath.Base(full) + ".clawplan-" }

// removeStaleTemps deletes the temp files a WriteAtomic of full left when
// its process was killed between creating and renaming them (kill -9 of a
// parallel apply): they may hold a secret, and only clawplan names files
// this way. The caller holds the state lock, so no live write is in flight.
func removeStaleTemps(full string) error {
	dir, prefix := filepath.Dir(full), tempPrefix(full)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	removed := false
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			removed = true
		}
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

// Remove deletes full if it exists and fsyncs its directory.
func Remove(full string) error {
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Dir(full))
}

// Restore puts the file back as the snapshot f found it: the same bytes,
// mode and owner, or gone (with the directories the write created) when it
// did not exist.
func Restore(f File) error {
	if err := removeStaleTemps(f.Path); err != nil {
		return err
	}
	if !f.Exists {
		if err := Remove(f.Path); err != nil {
			return err
		}
		for i := len(f.CreatedDirs) - 1; i >= 0; i-- {
			// Only empty directories go; anything else put there stays.
			if err := os.Remove(f.CreatedDirs[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
				break
			}
		}
		return nil
	}
	if cur, err := Read(f.Path); err == nil && cur.Exists && bytes.Equal(cur.Content, f.Content) &&
		cur.Mode == f.Mode && cur.UID == f.UID && cur.GID == f.GID {
		return nil // already as it was: nothing to write (the directory may even be read-only)
	}
	return WriteAtomic(f.Path, f.Content, f.Mode, 0o755, Owner{f.UID, f.GID})
}

// Chmod sets the permission bits of full, when they differ.
func Chmod(full string, mode fs.FileMode) error {
	return os.Chmod(full, mode)
}

func chown(p string, o Owner) error {
	if o == Keep {
		return nil
	}
	return os.Lchown(p, o.UID, o.GID)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing was there to remove, nothing to sync
	}
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
