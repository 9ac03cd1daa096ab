package openclaw

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
)

// record is what the writer owns in one openclaw.json: which block set
// which paths, which containers clawplan created, and whether it created
// the file. It is kept in the state directory (and handed to the engine
// through Ownership), so removing a block removes exactly its paths.
type record struct {
	Version     int                   `json:"version"`
	User        string                `json:"user"`
	File        string                `json:"file,omitempty"`
	CreatedFile bool                  `json:"created_file,omitempty"`
	Created     []doc.Path            `json:"created,omitempty"`
	Owners      map[string][]doc.Path `json:"owners"`
}

// recordPath is where the writer keeps its record for user.
func recordPath(h *resources.Host, user string) (string, error) {
	if h.StateDir == "" {
		return "", fmt.Errorf("openclaw_config.%s needs clawplan's state directory to record the openclaw.json paths it owns", user)
	}
	return filepath.Join(h.StateDir, "openclaw", user+".owned.json"), nil
}

// readRecord returns the record file as found and its decoded content
// (an empty record when there is none yet).
func readRecord(full, user string) (hostfs.File, record, error) {
	f, err := hostfs.Read(full)
	rec := record{Version: 1, User: user, Owners: map[string][]doc.Path{}}
	if err != nil || !f.Exists {
		return f, rec, err
	}
	if err := json.Unmarshal(f.Content, &rec); err != nil {
		return f, rec, fmt.Errorf("%s: %w (remove it only if openclaw.json holds nothing clawplan wrote)", full, err)
	}
	if rec.Owners == nil {
		rec.Owners = map[string][]doc.Path{}
	}
	return f, rec, nil
}

// encode renders the record deterministically.
// Each path is rendered once to sort by (a sort that renders both paths
// per comparison allocated tens of megabytes at 10,000 paths).
func (r record) encode() []byte {
	byKey := make([]keyedPath, len(r.Created))
	for i, p := range r.Created {
		byKey[i] = keyedPath{key: p.String(), path: p}
	}
	sort.SliceStable(byKey, func(i, j int) bool { return byKey[i].key < byKey[j].key })
	r.Created = make([]doc.Path, len(byKey))
	for i, kp := range byKey {
		r.Created[i] = kp.path
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	return append(b, '\n')
}

type keyedPath struct {
	key  string
	path doc.Path
}

// createdSet is the record's created containers by path string.
func (r record) createdSet() map[string]doc.Path {
	out := map[string]doc.Path{}
	for _, p := range r.Created {
		out[p.String()] = p
	}
	return out
}

// recordFile is the writer's record file as read, and its content.
type recordFile struct {
	file hostfs.File
	rec  record
}

// recordOf is the writer's record for user, read and decoded once per run
// (the writer and every block share it: at 10,000 paths a decoded record
// is several megabytes).
func recordOf(h *resources.Host, user string) (hostfs.File, record, error) {
	v, err := h.Memo(recordMemoKey(user), func() (any, error) {
		full, err := recordPath(h, user)
		if err != nil {
			return recordFile{}, nil
		}
		f, rec, err := readRecord(full, user)
		return recordFile{file: f, rec: rec}, err
	})
	if err != nil {
		return hostfs.File{}, record{}, err
	}
	r := v.(recordFile)
	return r.file, r.rec, nil
}

func recordMemoKey(user string) string { return "openclaw.record:" + user }
