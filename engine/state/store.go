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

// Open returns the store at dir. With create it makes the directory
// (0700) now; without, nothing is written until Ensure.
func Open(dir string, create bool) (*Store, error) {
	s := &Store{Dir: dir}
	if create {
		if err := hostfs.EnsureDir(filepath.Dir(dir), 0o755, hostfs.Keep); err != nil {
			return nil, fmt.Errorf("state directory %s: %w", dir, err)
		}
		if err := hostfs.EnsureDir(dir, 0o700, hostfs.Keep); err != nil {
			return nil, fmt.Errorf("state directory %s: %w", dir, err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) path(parts ...string) string {
	return filepath.Join(append([]string{s.Dir}, parts...)...)
}

// Key returns the host-local fingerprint key. When it does not exist yet,
// create writes a new one (32 random bytes, 0600); otherwise a random
// ephemeral key is returned, valid for this run only: a plain plan on a
// fresh host must not write anything, and an unkeyed or predictable
// fingerprint could be brute-forced back to a weak secret.
func (s *Store) Key(create bool) ([]byte, error) {
	b, err := os.ReadFile(s.path("key"))
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) && err != nil {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if !create {
		return b, nil
	}
	return b, s.Ensure(b)
}

// Ensure creates the state directory (0700) and, if there is no key yet,
// keeps key as the host's key. Runs that write state call it first.
func (s *Store) Ensure(key []byte) error {
	// Parents a host lacks (under a --root tree) are ordinary 0755
	// directories; only the state directory itself is private.
	if err := hostfs.EnsureDir(filepath.Dir(s.Dir), 0o755, hostfs.Keep); err != nil {
		return fmt.Errorf("state directory %s: %w", s.Dir, err)
	}
	if err := hostfs.EnsureDir(s.Dir, 0o700, hostfs.Keep); err != nil {
		return fmt.Errorf("state directory %s: %w", s.Dir, err)
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return err
	}
	if s.HasKey() {
		return nil
	}
	return writeFile(s.path("key"), key)
}

// Exists reports whether the state directory exists.
func (s *Store) Exists() bool { _, err := os.Stat(s.Dir); return err == nil }

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
