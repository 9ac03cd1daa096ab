package state

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clawplan/clawplan/resources/hostfs"
)

// Store is the state directory.
type Store struct {
	Dir string
}

// Open returns the store at dir, creating it 0700 if needed. create false
// opens read-only: a plan never creates the directory.
func Open(dir string, create bool) (*Store, error) {
	if create {
		if err := hostfs.EnsureDir(dir, 0o700, hostfs.Keep); err != nil {
			return nil, fmt.Errorf("state directory %s: %w", dir, err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, err
		}
	}
	return &Store{Dir: dir}, nil
}

func (s *Store) path(parts ...string) string {
	return filepath.Join(append([]string{s.Dir}, parts...)...)
}

// Key returns the host-local fingerprint key, creating it (32 random
// bytes, 0600) if create is true and it does not exist. Without it and
// without create, a fixed per-directory key is derived so a plan on a
// fresh host still fingerprints consistently within one run.
func (s *Store) Key(create bool) ([]byte, error) {
	b, err := os.ReadFile(s.path("key"))
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) && err != nil {
		return nil, err
	}
	if !create {
		return []byte("clawplan-unkeyed:" + s.Dir), nil
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, writeFile(s.path("key"), b)
}

// HasKey reports whether the key exists yet.
func (s *Store) HasKey() bool { _, err := os.Stat(s.path("key")); return err == nil }

// writeFile writes a state file atomically, 0600, in 0700 directories.
func writeFile(p string, b []byte) error {
	return hostfs.WriteAtomic(p, b, 0o600, 0o700, hostfs.Keep)
}

func writeJSON(p string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(p, append(b, '\n'))
}

// readJSON reads p into v; a missing file leaves v as it is.
func readJSON(p string, v any) error {
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s is corrupt (%v); move it aside and run again", p, err)
	}
	return nil
}
