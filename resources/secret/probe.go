package secret

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// probed is what a secret's probe found, handed to Diff in State.Private.
type probed struct {
	val   value
	user  account.User
	files []hostfs.File // the credentials files, in sink order
	paths []string      // their host paths
	dir   *dirState     // the credentials directory, when a file lives in it
	env   []envLine     // the service user's .env, for rotation
	notes []string
	fp    func(v []byte) string
	// addSecret registers a value with the run's redactor.
	addSecret func(string)
}

// dirState is a directory's existence, mode and owner.
type dirState struct {
	Path   string      `json:"path"` // resolved, under the root
	Host   string      `json:"host"` // as the host names it
	Exists bool        `json:"exists"`
	Mode   fs.FileMode `json:"mode,omitempty"`
	UID    int         `json:"uid"`
	GID    int         `json:"gid"`
}

// Probe resolves the value from its source (a missing source fails the
// plan) and reads every sink this node writes. It changes nothing.
func (s *Secret) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	if s.orphan != nil {
		return s.probeOrphan(h)
	}
	pr := &probed{fp: func(v []byte) string { return valueFP(h, v) }, addSecret: h.Secrets.Add}
	var err error
	if pr.val, err = s.resolve(ctx, h); err != nil {
		return resources.State{}, err
	}
	if pr.user, err = s.lookupUser(h); err != nil {
		return resources.State{}, err
	}
	if err := s.probeFiles(h, pr); err != nil {
		return resources.State{}, err
	}
	if err := s.probeEnv(h, pr); err != nil {
		return resources.State{}, err
	}
	pr.notes = append(pr.notes, s.literalTokenNotes(h, pr.user.Home)...)
	s.remember(pr)
	return resources.State{Exists: pr.exists(), Fingerprint: pr.fingerprint(h), Private: pr}, nil
}

// lookupUser finds the service user; a home other than /home/USER is an
// error when exported paths were built from it.
func (s *Secret) lookupUser(h *resources.Host) (account.User, error) {
	u, err := account.Lookup(h, s.user)
	if err != nil {
		return u, fmt.Errorf("%s: looking up user %s: %w", s.addr, s.user, err)
	}
	if u.Exists && u.Home != s.assumedHome() && s.homeRelative() {
		return u, fmt.Errorf("%s: user %s's home is %s, not %s, which other blocks were told; give the credentials file as an absolute path: file = %q",
			s.addr, s.user, u.Home, s.assumedHome(), path.Join(u.Home, ".openclaw/credentials", s.addr.Name))
	}
	return u, nil
}

func (s *Secret) probeFiles(h *resources.Host, pr *probed) error {
	pr.paths = s.filePaths(s.assumedHome())
	for _, p := range pr.paths {
		f, err := h.ReadFile(p)
		if err != nil {
			return fmt.Errorf("%s: credentials file: %w", s.addr, err)
		}
		if f.Exists {
			h.Secrets.Add(string(f.Content)) // an old value is a secret too
		}
		pr.files = append(pr.files, f)
		if path.Dir(p) == credentialsDir(pr.user.Home) && pr.dir == nil {
			d, err := statDir(h, path.Dir(p))
			if err != nil {
				return fmt.Errorf("%s: %w", s.addr, err)
			}
			pr.dir = &d
		}
	}
	return nil
}

// probeEnv reads the .env lines of this secret's variables, so that a
// rotation can show their fingerprints.
func (s *Secret) probeEnv(h *resources.Host, pr *probed) error {
	if len(s.envNames()) == 0 {
		return nil
	}
	f, err := h.ReadFile(envFilePath(pr.user.Home))
	if err != nil {
		return fmt.Errorf("%s: %w", s.addr, err)
	}
	pr.env = parseEnv(f.Content)
	for _, k := range s.envNames() {
		if v, ok := currentValue(pr.env, k); ok {
			h.Secrets.Add(v)
		}
	}
	return nil
}

// statDir reads a directory's mode and owner.
func statDir(h *resources.Host, p string) (dirState, error) {
	full, err := h.Path(p)
	d := dirState{Path: full, Host: p}
	if err != nil {
		return d, err
	}
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return d, nil
	case err != nil:
		return d, err
	case !fi.IsDir():
		return d, fmt.Errorf("%s is not a directory: move it away so the credentials directory can be created", p)
	}
	d.Exists, d.Mode = true, fi.Mode().Perm()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		d.UID, d.GID = int(st.Uid), int(st.Gid)
	}
	return d, nil
}

func (pr *probed) exists() bool {
	for _, f := range pr.files {
		if f.Exists {
			return true
		}
	}
	return pr.val.stored.Exists
}

// fingerprint covers everything this node manages: the value (keyed), the
// stored generated value and every file's bytes, mode and owner.
func (pr *probed) fingerprint(h *resources.Host) string {
	parts := [][]byte{[]byte(pr.val.why), []byte(h.Fingerprint([]byte("value"), pr.val.bytes)), []byte(h.FileFingerprint(pr.val.stored))}
	for _, f := range pr.files {
		parts = append(parts, []byte(h.FileFingerprint(f)))
	}
	if d := pr.dir; d != nil {
		parts = append(parts, []byte(fmt.Sprint(d.Exists, d.Mode, d.UID, d.GID)))
	}
	return h.Fingerprint(parts...)
}

// valueFP is how a plan shows a secret value: a keyed fingerprint.
func valueFP(h *resources.Host, v []byte) string {
	return "fp " + h.Fingerprint([]byte("secret-value"), v)
}
