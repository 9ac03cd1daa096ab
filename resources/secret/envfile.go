package secret

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
)

// EnvFile is the one writer of a service user's ~/.openclaw/.env, the file
// the gateway loads its environment from. It is synthesized from the
// secrets that deliver env sinks to that user (secret_env.USER) and owns
// only the lines it wrote, each under a marker comment naming its secret.
type EnvFile struct {
	addr     resources.Addr
	user     string
	feeds    []*Secret
	gateways []resources.Addr
	orphan   *envRecord // set when no secret delivers to this user any more

	mu   sync.Mutex
	last envRecord
}

var (
	_ resources.Resource  = (*EnvFile)(nil)
	_ resources.Dependent = (*EnvFile)(nil)
	_ resources.Owner     = (*EnvFile)(nil)
)

// envRecord is what an EnvFile owns: the lines of these variables in one file.
type envRecord struct {
	User string   `json:"user"`
	Path string   `json:"path"`
	Keys []string `json:"keys,omitempty"`
}

// envProbed is what the writer's probe found.
type envProbed struct {
	path  string
	user  account.User
	file  hostfs.File
	lines []envLine
	want  []entry
	why   map[string]string // why a wanted value is unknown
	fp    func([]byte) string
}

// Addr returns secret_env.USER.
func (e *EnvFile) Addr() resources.Addr { return e.addr }

// Validate has nothing to check: the secrets were validated.
func (e *EnvFile) Validate() hcl.Diagnostics { return nil }

// DependsOn returns the secrets that feed the file: a rotated or generated
// value is written by them before the file is.
func (e *EnvFile) DependsOn() []resources.Addr {
	var out []resources.Addr
	for _, s := range e.feeds {
		out = append(out, s.addr)
	}
	return out
}

// Probe reads the .env file and the values that belong in it.
func (e *EnvFile) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	pr := &envProbed{why: map[string]string{}, fp: func(v []byte) string { return valueFP(h, v) }}
	var err error
	if pr.user, pr.path, err = e.target(h); err != nil {
		return resources.State{}, err
	}
	if pr.file, err = h.ReadFile(pr.path); err != nil {
		return resources.State{}, fmt.Errorf("%s: %w", e.addr, err)
	}
	pr.lines = parseEnv(pr.file.Content)
	parts := [][]byte{[]byte(h.FileFingerprint(pr.file))}
	for _, s := range e.feeds {
		v, err := s.resolve(ctx, h)
		if err != nil {
			return resources.State{}, err
		}
		for _, k := range s.envNames() {
			pr.want = append(pr.want, entry{Key: k, Owner: s.addr.Name, Value: v.bytes})
			pr.why[k] = v.why
		}
		parts = append(parts, []byte(h.Fingerprint([]byte(v.why), v.bytes)))
	}
	e.addOwnedValues(h, pr.lines)
	e.remember(pr)
	return resources.State{Exists: pr.file.Exists, Fingerprint: h.Fingerprint(parts...), Private: pr}, nil
}

// target is the service user and the .env path this writer manages.
func (e *EnvFile) target(h *resources.Host) (account.User, string, error) {
	u, err := account.Lookup(h, e.user)
	if err != nil {
		return u, "", fmt.Errorf("%s: looking up user %s: %w", e.addr, e.user, err)
	}
	if e.orphan != nil && e.orphan.Path != "" {
		return u, e.orphan.Path, nil
	}
	return u, envFilePath(u.Home), nil
}

// addOwnedValues registers the values of clawplan's lines with the redactor.
func (e *EnvFile) addOwnedValues(h *resources.Host, lines []envLine) {
	for _, l := range lines {
		if l.owner != "" && l.key != "" {
			if v, ok := currentValue([]envLine{l}, l.key); ok {
				h.Secrets.Add(v)
			}
		}
	}
}

func (e *EnvFile) remember(pr *envProbed) {
	rec := envRecord{User: e.user, Path: pr.path}
	for _, w := range pr.want {
		rec.Keys = append(rec.Keys, w.Key)
	}
	e.mu.Lock()
	e.last = rec
	e.mu.Unlock()
}

// Ownership records the file and the variables clawplan writes into it.
func (e *EnvFile) Ownership() (json.RawMessage, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return json.Marshal(e.last)
}

// Snapshot keeps the whole .env file (0600 in the state directory).
func (e *EnvFile) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	_, p, err := e.target(h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	full, err := h.Path(p)
	if err != nil {
		return resources.Snapshot{}, err
	}
	f, err := hostfs.Snapshot(full)
	if err != nil {
		return resources.Snapshot{}, fmt.Errorf("%s: snapshot: %w", e.addr, err)
	}
	raw, err := json.Marshal(snapData{Files: []hostfs.File{f}})
	return resources.Snapshot{Addr: e.addr, Data: raw}, err
}

// Restore puts the .env file back as the snapshot found it.
func (e *EnvFile) Restore(ctx context.Context, h *resources.Host, snap resources.Snapshot) error {
	return restoreSnapshot(h, snap)
}

// Apply writes the file once, with the values the secrets hold now (a
// rotation applied before this node is picked up), under the same lock as
// every other writer of the file in this process.
func (e *EnvFile) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	u, p, err := e.target(h)
	if err != nil {
		return err
	}
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer lockPath(full)()
	defer h.Forget(p)
	if err := checkLinks(h.Root, full); err != nil {
		return fmt.Errorf("%s: %w", e.addr, err)
	}
	cur, err := hostfs.Read(full)
	if err != nil {
		return fmt.Errorf("%s: %w", e.addr, err)
	}
	want, err := e.currentEntries(ctx, h)
	if err != nil {
		return err
	}
	m, err := mergeEnv(parseEnv(cur.Content), want, true)
	if err != nil {
		return fmt.Errorf("%s: %w", e.addr, err)
	}
	return e.write(full, cur, m.lines, e.owner(u, cur))
}

func (e *EnvFile) write(full string, cur hostfs.File, lines []envLine, own hostfs.Owner) error {
	out := render(lines)
	switch {
	case e.orphan != nil && blank(lines):
		return hostfs.Remove(full)
	case cur.Exists && bytes.Equal(out, cur.Content):
		return fixMode(full, fileMode, own, 0)
	}
	return hostfs.WriteAtomic(full, out, fileMode, dirMode, own)
}

// owner is the service user, or, when it is gone, whoever owns the file.
func (e *EnvFile) owner(u account.User, cur hostfs.File) hostfs.Owner {
	if u.Exists {
		return hostfs.Owner{UID: u.UID, GID: u.GID}
	}
	if cur.Exists {
		return hostfs.Owner{UID: cur.UID, GID: cur.GID}
	}
	return hostfs.Keep
}

func (e *EnvFile) currentEntries(ctx context.Context, h *resources.Host) ([]entry, error) {
	if e.orphan == nil {
		h.Forget("/etc/passwd")
		if u, err := account.Lookup(h, e.user); err != nil || !u.Exists {
			return nil, fmt.Errorf("%s: user %s does not exist: create it before delivering secrets to it", e.addr, e.user)
		}
	}
	var want []entry
	for _, s := range e.feeds {
		v, err := s.current(ctx, h)
		if err != nil {
			return nil, err
		}
		for _, k := range s.envNames() {
			want = append(want, entry{Key: k, Owner: s.addr.Name, Value: v})
		}
	}
	return want, nil
}
