package importkit

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// DefaultStateDir is the state directory a manifest uses unless its
// settings name another (engine/config keeps the same default).
const DefaultStateDir = "/var/lib/clawplan"

// StateFile reads rel inside clawplan's state directory: h.StateDir when
// the run has one (already resolved under the root), else the default
// state directory under the root. A missing file is a File that does not
// exist.
func StateFile(h *resources.Host, rel string) (hostfs.File, error) {
	if h.StateDir != "" {
		return hostfs.Read(filepath.Join(h.StateDir, rel))
	}
	return h.ReadFile(path.Join(DefaultStateDir, rel))
}

// Owned returns the ownership records of the last successful apply
// (owned.json), by address; empty on a host clawplan never applied to.
func Owned(h *resources.Host) (map[resources.Addr]json.RawMessage, error) {
	v, err := h.Memo("importkit.owned", func() (any, error) {
		f, err := StateFile(h, "owned.json")
		if err != nil || !f.Exists {
			return map[resources.Addr]json.RawMessage{}, err
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(f.Content, &raw); err != nil {
			return nil, fmt.Errorf("clawplan's owned.json: %w", err)
		}
		out := map[resources.Addr]json.RawMessage{}
		for k, rec := range raw {
			if a, err := resources.ParseAddr(k); err == nil {
				out[a] = rec
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[resources.Addr]json.RawMessage), nil
}

// OwnedOfKind returns the names clawplan owns blocks of kind under,
// sorted, with their records.
func OwnedOfKind(h *resources.Host, kind string) ([]string, map[string]json.RawMessage, error) {
	owned, err := Owned(h)
	if err != nil {
		return nil, nil, err
	}
	recs := map[string]json.RawMessage{}
	var names []string
	for a, rec := range owned {
		if a.Kind == kind {
			names = append(names, a.Name)
			recs[a.Name] = rec
		}
	}
	sort.Strings(names)
	return names, recs, nil
}
