package engine

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/engine/config"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// SavedPlan is a plan written by `plan -out FILE`: what apply needs to
// re-plan and refuse if anything changed since. It never holds a secret
// value: fingerprints are keyed hashes, sensitive variables are left out
// (they must be given again) and only their keyed hash is kept.
type SavedPlan struct {
	FormatVersion string            `json:"format_version"`
	Manifest      string            `json:"manifest"`
	ManifestHash  string            `json:"manifest_hash"`
	Vars          []string          `json:"vars"` // NAME=VALUE of non-sensitive variables
	VarsHash      string            `json:"vars_hash"`
	Targets       []string          `json:"targets,omitempty"`
	Replace       []string          `json:"replace,omitempty"`
	Fingerprints  map[string]string `json:"fingerprints"`
	Summary       Summary           `json:"summary"`
	Checksum      string            `json:"checksum"`
}

// SavePlan writes p to path (0600), with a keyed checksum over its content.
func (s *Session) SavePlan(path string, p *Plan) error {
	sp := SavedPlan{FormatVersion: FormatVersion, Manifest: p.Manifest, ManifestHash: p.ManifestHash,
		Vars: plainVars(s.Config.Manifest), VarsHash: s.varsHash(), Targets: p.Targets, Replace: p.Replace,
		Fingerprints: p.Fingerprints, Summary: p.Summary}
	sp.Checksum = s.checksum(sp)
	b, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// ReadSavedPlan reads a saved plan without trusting it yet (see Verify).
func ReadSavedPlan(path string) (*SavedPlan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sp SavedPlan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s is not a clawplan plan file: %v", path, err)
	}
	if sp.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s has plan format %q; this clawplan reads %q: make the plan again", path, sp.FormatVersion, FormatVersion)
	}
	return &sp, nil
}

// Options returns the manifest options the plan was made with; the caller
// adds the environment (sensitive variables come from it again).
func (sp *SavedPlan) Options(environ []string) config.Options {
	return config.Options{Vars: sp.Vars, Environ: environ}
}

// VerifySaved checks a saved plan against this session, which loaded its
// manifest: the checksum (tampering), the manifest and variables, and,
// after re-planning, every fingerprint. It returns the fresh plan to apply.
func (s *Session) VerifySaved(sp *SavedPlan, fresh func() (*Plan, error)) (*Plan, error) {
	want := sp.Checksum
	sp.Checksum = ""
	if !hmac.Equal([]byte(want), []byte(s.checksum(*sp))) {
		return nil, fmt.Errorf("the plan file's checksum does not match: it was edited, or made on another host. Make a new plan with `clawplan plan -out FILE`")
	}
	sp.Checksum = want
	if sp.ManifestHash != s.Config.Manifest.Hash {
		return nil, fmt.Errorf("the manifest %s changed since the plan was made: make a new plan", sp.Manifest)
	}
	if sp.VarsHash != s.varsHash() {
		return nil, fmt.Errorf("the variables differ from those the plan was made with: give the same sensitive variables (CLAWPLAN_VAR_* or -var) again, or make a new plan")
	}
	p, err := fresh()
	if err != nil {
		return nil, err
	}
	if stale := staleAddrs(sp.Fingerprints, p.Fingerprints); len(stale) > 0 {
		return nil, fmt.Errorf("the host changed since the plan was made; these resources differ now: %s. Make a new plan and review it", strings.Join(stale, ", "))
	}
	return p, nil
}

func staleAddrs(old, cur map[string]string) []string {
	var out []string
	for a, fp := range old {
		if cur[a] != fp {
			out = append(out, a)
		}
	}
	for a := range cur {
		if _, ok := old[a]; !ok {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Session) checksum(sp SavedPlan) string {
	sp.Checksum = ""
	b, _ := json.Marshal(sp)
	return s.Host.Fingerprint([]byte("saved-plan"), b) + hashHex(b)[:16]
}

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// varsHash is a keyed hash over every variable's final value.
func (s *Session) varsHash() string {
	var parts [][]byte
	for _, v := range s.Config.Manifest.Variables {
		parts = append(parts, []byte(v.Name), hclwrite.TokensForValue(v.Value).Bytes())
	}
	return s.Host.Fingerprint(parts...)
}

// plainVars renders the non-sensitive variables as NAME=VALUE options.
func plainVars(m *config.Manifest) []string {
	var out []string
	for _, v := range m.Variables {
		if v.Sensitive || v.Value == cty.NilVal {
			continue
		}
		if v.Value.Type() == cty.String && !v.Value.IsNull() {
			out = append(out, v.Name+"="+v.Value.AsString())
			continue
		}
		out = append(out, v.Name+"="+string(hclwrite.TokensForValue(v.Value).Bytes()))
	}
	return out
}
