package views

import (
	"encoding/json"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/resources"
)

// JSONPlan is the machine-readable plan, documented by schema/plan.schema.json.
type JSONPlan struct {
	FormatVersion string         `json:"format_version"`
	Manifest      string         `json:"manifest"`
	ManifestHash  string         `json:"manifest_hash"`
	Changes       []JSONChange   `json:"changes"`
	Summary       engine.Summary `json:"summary"`
	Pending       []string       `json:"pending_refresh"`
	Warnings      []string       `json:"warnings"`
	Interrupted   string         `json:"interrupted_run,omitempty"`
	// Notes are what resources without changes want a reviewer to know
	// (manual steps such as a Proxmox setting, files merged in).
	Notes []JSONNote `json:"notes"`
}

// JSONNote is one note of a resource that does not change.
type JSONNote struct {
	Address string `json:"address"`
	Note    string `json:"note"`
}

// JSONChange is one resource's change.
type JSONChange struct {
	Address   string            `json:"address"`
	Action    resources.Action  `json:"action"`
	Before    map[string]any    `json:"before"`
	After     map[string]any    `json:"after"`
	Sensitive []string          `json:"sensitive"`
	Unknown   map[string]string `json:"unknown"`
	Files     []JSONFile        `json:"files"`
	Notes     []string          `json:"notes"`
	Triggers  []string          `json:"triggers"`
}

// JSONFile is one file's change, as a unified diff.
type JSONFile struct {
	Path      string `json:"path"`
	Diff      string `json:"diff,omitempty"`
	Sensitive bool   `json:"sensitive"`
}

// JSON renders the plan as indented JSON.
func JSON(p *engine.Plan) ([]byte, error) {
	jp := JSONPlan{FormatVersion: engine.FormatVersion, Manifest: p.Manifest, ManifestHash: p.ManifestHash,
		Summary: p.Summary, Pending: []string{}, Warnings: append([]string{}, p.Warnings...), Interrupted: p.Interrupted,
		Changes: []JSONChange{}, Notes: []JSONNote{}}
	for _, c := range p.Changes {
		if c.Action == resources.NoOp {
			for _, n := range c.Notes {
				jp.Notes = append(jp.Notes, JSONNote{Address: c.Addr.String(), Note: n})
			}
		}
	}
	for _, a := range p.Pending {
		jp.Pending = append(jp.Pending, a.String())
	}
	for _, c := range visible(p.Changes) {
		jp.Changes = append(jp.Changes, jsonChange(c))
	}
	return json.MarshalIndent(jp, "", "  ")
}

func jsonChange(c resources.Change) JSONChange {
	jc := JSONChange{Address: c.Addr.String(), Action: c.Action, Before: map[string]any{}, After: map[string]any{},
		Sensitive: []string{}, Unknown: map[string]string{}, Files: []JSONFile{}, Notes: append([]string{}, c.Notes...), Triggers: []string{}}
	for _, a := range c.Attrs {
		jc.Before[a.Path], jc.After[a.Path] = a.Before, a.After
		if a.Sensitive {
			jc.Sensitive = append(jc.Sensitive, a.Path)
		}
		if a.Unknown != "" {
			jc.Unknown[a.Path] = a.Unknown
		}
	}
	for _, f := range c.Files {
		jf := JSONFile{Path: f.Path, Sensitive: f.Sensitive}
		if !f.Sensitive {
			jf.Diff = Unified(f.Path, f.Before, f.After)
		}
		jc.Files = append(jc.Files, jf)
	}
	for _, t := range c.Triggers {
		jc.Triggers = append(jc.Triggers, t.String())
	}
	return jc
}
