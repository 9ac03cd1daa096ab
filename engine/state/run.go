package state

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
)

// Step is one journal line: a resource reached a status.
type Step struct {
	Addr   resources.Addr `json:"address"`
	Status string         `json:"status"` // snapshotted | applied | failed | restored
	Time   time.Time      `json:"time"`
	// Error is the failure's message, already redacted by the caller.
	Error string `json:"error,omitempty"`
}

// The journal statuses.
const (
	Snapshotted = "snapshotted"
	Applied     = "applied"
	Failed      = "failed"
	Restored    = "restored"
)

// Meta describes a run.
type Meta struct {
	ID           string                     `json:"id"`
	Kind         string                     `json:"kind"` // apply | rollback
	Started      time.Time                  `json:"started"`
	ManifestHash string                     `json:"manifest_hash,omitempty"`
	OwnedBefore  map[string]json.RawMessage `json:"owned_before"`
	// Target is the generation a rollback returns to.
	Target int `json:"target,omitempty"`
}

// Run is one apply or rollback on disk.
type Run struct {
	store *Store
	Meta  Meta
	j     *os.File
}

// BeginRun creates a run directory, marks it in flight and opens its journal.
func (s *Store) BeginRun(kind, manifestHash string, target int) (*Run, error) {
	owned, err := s.Owned()
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	id := fmt.Sprintf("%s-%09d-%s", now.Format("20060102T150405"), now.Nanosecond(), kind)
	r := &Run{store: s, Meta: Meta{ID: id, Kind: kind, Started: now, ManifestHash: manifestHash, OwnedBefore: owned, Target: target}}
	if err := writeJSON(r.path("meta.json"), r.Meta); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.path("snap"), 0o700); err != nil {
		return nil, err
	}
	if r.j, err = os.OpenFile(r.path("journal"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return nil, err
	}
	return r, writeFile(s.path("inflight"), []byte(id))
}

func (r *Run) path(parts ...string) string {
	return r.store.path(append([]string{"runs", r.Meta.ID}, parts...)...)
}

// Log appends one step to the journal and fsyncs it before returning.
func (r *Run) Log(a resources.Addr, status, errMsg string) error {
	b, _ := json.Marshal(Step{Addr: a, Status: status, Time: time.Now().UTC(), Error: errMsg})
	if _, err := r.j.Write(append(b, '\n')); err != nil {
		return err
	}
	return r.j.Sync()
}

// SaveSnapshot writes a resource's snapshot (0600) and journals it.
func (r *Run) SaveSnapshot(s resources.Snapshot) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := writeFile(r.path("snap", snapName(s.Addr)), b); err != nil {
		return err
	}
	return r.Log(s.Addr, Snapshotted, "")
}

func snapName(a resources.Addr) string { return a.String() + ".json" }

// Finish closes the journal and clears the in-flight mark.
func (r *Run) Finish() error {
	if r.j != nil {
		r.j.Close()
		r.j = nil
	}
	return os.Remove(r.store.path("inflight"))
}

// Inflight returns the run an interrupted apply or rollback left, or nil.
func (s *Store) Inflight() (*Run, error) {
	b, err := os.ReadFile(s.path("inflight"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.LoadRun(strings.TrimSpace(string(b)))
}

// LoadRun reads a run's metadata.
func (s *Store) LoadRun(id string) (*Run, error) {
	r := &Run{store: s}
	r.Meta.ID = id
	if err := readJSON(r.path("meta.json"), &r.Meta); err != nil {
		return nil, err
	}
	if r.Meta.Kind == "" {
		return nil, fmt.Errorf("run %s has no metadata in %s", id, s.Dir)
	}
	return r, nil
}

// Reopen opens a loaded run's journal for appending (to finish a rollback).
func (r *Run) Reopen() error {
	var err error
	r.j, err = os.OpenFile(r.path("journal"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	return err
}

// Steps reads the run's journal. A torn last line (a crash mid-write) is ignored.
func (r *Run) Steps() ([]Step, error) {
	f, err := os.Open(r.path("journal"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var steps []Step
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var st Step
		if json.Unmarshal(sc.Bytes(), &st) == nil {
			steps = append(steps, st)
		}
	}
	return steps, sc.Err()
}

// Snapshots returns the run's snapshots still to restore, newest first:
// every snapshotted resource that was not restored yet.
func (r *Run) Snapshots() ([]resources.Snapshot, error) {
	steps, err := r.Steps()
	if err != nil {
		return nil, err
	}
	order := []resources.Addr{}
	restored := map[resources.Addr]bool{}
	for _, st := range steps {
		switch st.Status {
		case Snapshotted:
			order = append(order, st.Addr)
		case Restored:
			restored[st.Addr] = true
		}
	}
	var out []resources.Snapshot
	for i := len(order) - 1; i >= 0; i-- {
		a := order[i]
		if restored[a] {
			continue
		}
		var s resources.Snapshot
		if err := readJSON(r.path("snap", snapName(a)), &s); err != nil {
			return nil, err
		}
		if s.Addr.Kind == "" {
			return nil, fmt.Errorf("snapshot of %s in run %s is missing", a, r.Meta.ID)
		}
		out = append(out, s)
	}
	return out, nil
}

// RunIDs lists the stored runs, oldest first.
func (s *Store) RunIDs() ([]string, error) {
	ents, err := os.ReadDir(s.path("runs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var ids []string
	for _, e := range ents {
		ids = append(ids, e.Name())
	}
	sort.Strings(ids)
	return ids, err
}

// RunDir is where a run's files are, for tests and diagnostics.
func (s *Store) RunDir(id string) string { return filepath.Join(s.Dir, "runs", id) }
