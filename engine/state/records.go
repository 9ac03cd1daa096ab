package state

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawplan/clawplan/resources"
)

// Owned returns what clawplan owns: each address's ownership record.
func (s *Store) Owned() (map[string]json.RawMessage, error) {
	owned := map[string]json.RawMessage{}
	return owned, readJSON(s.path("owned.json"), &owned)
}

// SetOwned replaces the ownership records.
func (s *Store) SetOwned(owned map[string]json.RawMessage) error {
	return writeJSON(s.path("owned.json"), owned)
}

// Pending returns the refreshes (restarts) still owed, by address.
func (s *Store) Pending() ([]resources.Addr, error) {
	var p []resources.Addr
	return p, readJSON(s.path("pending.json"), &p)
}

// SetPending records the refreshes still owed; an empty list clears them.
func (s *Store) SetPending(p []resources.Addr) error {
	return writeJSON(s.path("pending.json"), p)
}

// Generation is one successful apply.
type Generation struct {
	N            int       `json:"generation"`
	Run          string    `json:"run"`
	Time         time.Time `json:"time"`
	ManifestHash string    `json:"manifest_hash"`
	Changed      []string  `json:"changed"`
	// Triggers are the refreshes (restarts) the apply ran; a rollback of
	// this generation runs them again.
	Triggers []resources.Addr `json:"triggers,omitempty"`
	// RolledBack is set when a rollback undid this generation.
	RolledBack bool `json:"rolled_back,omitempty"`
}

// Generations returns every generation, oldest first.
func (s *Store) Generations() ([]Generation, error) {
	var g []Generation
	return g, readJSON(s.path("generations.json"), &g)
}

// Current is the newest generation not rolled back (0: none).
func (s *Store) Current() (int, error) {
	gens, err := s.Generations()
	for i := len(gens) - 1; i >= 0; i-- {
		if !gens[i].RolledBack {
			return gens[i].N, err
		}
	}
	return 0, err
}

// AddGeneration records a successful apply and returns its number.
func (s *Store) AddGeneration(run *Run, changed []string, triggers []resources.Addr) (int, error) {
	gens, err := s.Generations()
	if err != nil {
		return 0, err
	}
	n := 1
	if len(gens) > 0 {
		n = gens[len(gens)-1].N + 1
	}
	gens = append(gens, Generation{N: n, Run: run.Meta.ID, Time: time.Now().UTC(), ManifestHash: run.Meta.ManifestHash, Changed: changed, Triggers: triggers})
	return n, writeJSON(s.path("generations.json"), gens)
}

// MarkRolledBack flags every generation above target as rolled back.
func (s *Store) MarkRolledBack(target int) error {
	gens, err := s.Generations()
	if err != nil {
		return err
	}
	for i := range gens {
		if gens[i].N > target {
			gens[i].RolledBack = true
		}
	}
	return writeJSON(s.path("generations.json"), gens)
}

// Generation returns generation n.
func (s *Store) Generation(n int) (Generation, error) {
	gens, err := s.Generations()
	if err != nil {
		return Generation{}, err
	}
	for _, g := range gens {
		if g.N == n {
			return g, nil
		}
	}
	return Generation{}, fmt.Errorf("there is no generation %d; `clawplan rollback -list` shows them", n)
}
