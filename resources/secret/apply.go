package secret

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// Apply delivers the value to every file sink (and, for a rotation, to the
// .env lines; otherwise those are the secret_env writer's job). Files are
// written atomically: a temp file that is 0600 and owned by the service
// user before its first byte, in a directory that is 0700 before the temp
// file exists.
func (s *Secret) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	if s.orphan != nil || c.Action == resources.Delete {
		return s.applyDelete(h)
	}
	p, err := s.planFor(ctx, h, c)
	if err != nil {
		return err
	}
	v := p.value
	if v == nil {
		v = generate(*s.src.Generate)
	}
	h.Secrets.Add(string(v))
	u, err := s.freshUser(h)
	if err != nil {
		return err
	}
	if err := s.deliver(h, u, v, p.rotate); err != nil {
		return err
	}
	s.setApplied(v)
	h.ForgetMemo("secret.value:" + s.addr.Name)
	h.Log.Debug("secret delivered", "addr", s.addr.String(), "value", valueFP(h, v), "files", len(s.filePaths(u.Home)))
	return nil
}

func (s *Secret) deliver(h *resources.Host, u account.User, v []byte, rotate bool) error {
	own := hostfs.Owner{UID: u.UID, GID: u.GID}
	if s.src.Generate != nil {
		if err := store(h, s.addr.Name, v); err != nil {
			return fmt.Errorf("%s: storing the generated value: %w", s.addr, err)
		}
	}
	for _, p := range s.filePaths(s.assumedHome()) {
		if err := writeCredential(h, u, p, v, own); err != nil {
			return fmt.Errorf("%s: %w", s.addr, err)
		}
	}
	if rotate && len(s.envNames()) > 0 {
		return s.rewriteEnv(h, u, v, own)
	}
	return nil
}

// planFor returns the Change's plan, or makes it again when the Change
// came without one.
func (s *Secret) planFor(ctx context.Context, h *resources.Host, c resources.Change) (*applyPlan, error) {
	if p, ok := c.Private.(*applyPlan); ok {
		return p, nil
	}
	st, err := s.Probe(ctx, h)
	if err != nil {
		return nil, err
	}
	ch, err := s.Diff(st)
	if c.Action == resources.Replace {
		ch, err = s.Replace(st)
	}
	if err != nil {
		return nil, err
	}
	return ch.Private.(*applyPlan), nil
}

// freshUser looks the service user up again: a block may have created it
// since the plan. Files are never left owned by the wrong user.
func (s *Secret) freshUser(h *resources.Host) (account.User, error) {
	h.Forget("/etc/passwd")
	u, err := s.lookupUser(h)
	if err == nil && !u.Exists {
		err = fmt.Errorf("%s: user %s does not exist: create it before delivering secrets to it, or set user", s.addr, s.user)
	}
	return u, err
}

// store keeps a generated value in the state directory: 0600 in 0700.
func store(h *resources.Host, name string, v []byte) error {
	p := storePath(h.StateDir, name)
	cur, err := hostfs.Read(p)
	if err != nil || (cur.Exists && bytes.Equal(cur.Content, v) && cur.Mode == fileMode) {
		return err
	}
	return hostfs.WriteAtomic(p, v, fileMode, dirMode, hostfs.Keep)
}

// writeCredential writes one credentials file. The credentials directory
// is made 0700 and the user's first, so no temp file is ever in a
// directory others can enter.
func writeCredential(h *resources.Host, u account.User, p string, v []byte, own hostfs.Owner) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer lockPath(filepath.Dir(full))()
	defer h.Forget(p)
	if err := checkLinks(h.Root, full); err != nil {
		return err
	}
	if path.Dir(p) == credentialsDir(u.Home) {
		if err := fixDir(filepath.Dir(full), own); err != nil {
			return err
		}
	}
	cur, err := hostfs.Read(full)
	if err != nil {
		return err
	}
	if !cur.Exists || !bytes.Equal(cur.Content, v) {
		return hostfs.WriteAtomic(full, v, fileMode, dirMode, own)
	}
	return fixMode(full, fileMode, own, 0)
}

// rewriteEnv puts a rotated value into this secret's own .env lines and
// leaves every other line as it is.
func (s *Secret) rewriteEnv(h *resources.Host, u account.User, v []byte, own hostfs.Owner) error {
	p := envFilePath(u.Home)
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer lockPath(full)()
	defer h.Forget(p)
	if err := checkLinks(h.Root, full); err != nil {
		return fmt.Errorf("%s: %w", s.addr, err)
	}
	cur, err := hostfs.Read(full)
	if err != nil {
		return fmt.Errorf("%s: %w", s.addr, err)
	}
	var want []entry
	for _, k := range s.envNames() {
		want = append(want, entry{Key: k, Owner: s.addr.Name, Value: v})
	}
	m, err := mergeEnv(parseEnv(cur.Content), want, false)
	if err != nil {
		return fmt.Errorf("%s: %w", s.addr, err)
	}
	return hostfs.WriteAtomic(full, render(m.lines), fileMode, dirMode, own)
}

func (s *Secret) setApplied(v []byte) {
	s.mu.Lock()
	s.applied = v
	s.mu.Unlock()
}

// current is the value to write into .env: what Apply delivered in this
// run, else what the source holds now.
func (s *Secret) current(ctx context.Context, h *resources.Host) ([]byte, error) {
	s.mu.Lock()
	v := s.applied
	s.mu.Unlock()
	if v != nil {
		return v, nil
	}
	val, err := s.resolve(ctx, h)
	if err == nil && !val.known {
		err = fmt.Errorf("%s: the value is generated when %s is applied, and it was not", s.addr, s.addr)
	}
	return val.bytes, err
}

var locks sync.Map

// lockPath serializes this process's read-modify-writes of one path
// (secrets apply in parallel and share the .env file and credentials dir).
func lockPath(p string) func() {
	m, _ := locks.LoadOrStore(p, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
