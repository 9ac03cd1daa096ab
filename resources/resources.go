package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Addr names one resource: the block type and its label, written KIND.NAME.
type Addr struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// String returns the address as written in manifests and on the command line.
func (a Addr) String() string { return a.Kind + "." + a.Name }

// MarshalText writes the address as KIND.NAME, so maps keyed by Addr are readable JSON.
func (a Addr) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads KIND.NAME.
func (a *Addr) UnmarshalText(b []byte) error {
	p, err := ParseAddr(string(b))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// ParseAddr reads KIND.NAME.
func ParseAddr(s string) (Addr, error) {
	kind, name, ok := strings.Cut(s, ".")
	if !ok || kind == "" || name == "" || strings.Contains(name, ".") {
		return Addr{}, fmt.Errorf("invalid address %q: want TYPE.NAME, for example network.lan", s)
	}
	return Addr{Kind: kind, Name: name}, nil
}

// Action is what a plan will do to one resource.
type Action string

// The actions, in OpenTofu's vocabulary.
const (
	NoOp    Action = "no-op"
	Create  Action = "create"
	Update  Action = "update"
	Delete  Action = "delete"
	Replace Action = "replace"
)

// Symbol is the one-column marker a text plan prints before the address.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	case Replace:
		return "-/+"
	}
	return " "
}

// State is what a probe found on the host. Fingerprint must change whenever
// anything the resource manages changes on the host; it is computed with
// Host.Fingerprint so it never carries secret material. Private is the
// kind's own probed data, handed back to Diff and never serialized.
type State struct {
	Exists      bool
	Fingerprint string
	Private     any
}

// AttrChange is one attribute's before and after, as JSON-compatible values
// (nil, bool, string, float64/json.Number, []any, map[string]any).
// Sensitive attributes carry fingerprints, never values. Unknown says why
// the after value cannot be known until apply.
type AttrChange struct {
	Path      string `json:"path"`
	Before    any    `json:"before"`
	After     any    `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
	Unknown   string `json:"unknown,omitempty"`
}

// FileDiff is the content change of one managed file. A Sensitive file's
// contents are never rendered: only that it changed.
type FileDiff struct {
	Path      string `json:"path"`
	Before    string `json:"before"`
	After     string `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Change is what Diff computed for one resource: computed once, rendered by
// several views, and handed back to Apply. Private carries whatever Apply
// needs and is never rendered or saved.
type Change struct {
	Addr   Addr         `json:"address"`
	Action Action       `json:"action"`
	Attrs  []AttrChange `json:"attributes,omitempty"`
	Files  []FileDiff   `json:"files,omitempty"`
	// Notes are lines a reviewer should read: restarts needed, values that
	// are unknown because a component is not installed yet, manual steps.
	Notes []string `json:"notes,omitempty"`
	// Triggers are resources to refresh (restart, reload) once, after the
	// whole apply succeeded, because this change touched what they read.
	Triggers []Addr `json:"triggers,omitempty"`
	Private  any    `json:"-"`
}

// Snapshot is the exact pre-change state of what Apply will touch. Data is
// the kind's own JSON; it may hold secret bytes and is stored only in the
// 0700 state directory, as 0600 files.
type Snapshot struct {
	Addr Addr            `json:"address"`
	Data json.RawMessage `json:"data"`
}

// Resource is one declared block, decoded. Every method but Apply and
// Restore must leave the host untouched.
type Resource interface {
	Addr() Addr
	Validate() hcl.Diagnostics
	Probe(ctx context.Context, h *Host) (State, error)
	Diff(current State) (Change, error)
	Snapshot(ctx context.Context, h *Host) (Snapshot, error)
	Apply(ctx context.Context, h *Host, c Change) error
	Restore(ctx context.Context, h *Host, s Snapshot) error
}

// Kind is one block type. Spec is the block body's schema: the engine uses
// it to find references, decode the body to a cty object (which other blocks
// may reference as KIND.NAME.attr) and export a JSON Schema for editors.
// Decode builds the Resource from that object; body is there for source
// ranges (hcldec.SourceRange) in diagnostics.
type Kind interface {
	Name() string
	Spec() hcldec.Spec
	Decode(addr Addr, body hcl.Body, val cty.Value) (Resource, hcl.Diagnostics)
}

// Orphaner is a Kind that can rebuild, from what its Owner recorded, a
// resource whose block was removed from the manifest; its Diff returns Delete.
type Orphaner interface {
	Orphan(addr Addr, record json.RawMessage) (Resource, error)
}

// Owner is a Resource that records, after a successful apply, what it owns
// on the host, so that a later run can delete exactly that.
type Owner interface {
	Ownership() (json.RawMessage, error)
}

// Remembering is an Owner that wants, before it probes, the record its
// last successful apply left (what it owned then), to find what it must
// clean up when its own settings moved (a renamed file, a dropped key).
type Remembering interface {
	Remember(record json.RawMessage)
}

// Catalog is every resource of one run, for cross-block checks.
type Catalog interface {
	Get(a Addr) (Resource, bool)
	OfKind(kind string) []Resource
	// Range returns where a block is declared, for diagnostics that point at two blocks.
	Range(a Addr) hcl.Range
}

// CrossValidator is a Resource with checks that span blocks, run at validate
// time, after every block decoded.
type CrossValidator interface {
	CrossValidate(c Catalog) hcl.Diagnostics
}

// Dependent is a Resource with dependencies no expression shows.
type Dependent interface {
	DependsOn() []Addr
}

// Refresher is a Resource that others can trigger (Change.Triggers): Refresh
// runs once, after every change of the apply succeeded.
type Refresher interface {
	Refresh(ctx context.Context, h *Host) error
}

// Exporter is a Resource whose value, as other blocks see it (KIND.NAME),
// differs from its decoded body: derived defaults, or a secret, which exports
// where it is delivered and never its value.
type Exporter interface {
	Export() cty.Value
}

// SourceHolder is a Resource that keeps its block body after Decode, to
// point its Validate and CrossValidate diagnostics at attributes. Once the
// manifest is validated the engine calls ReleaseSource: the resource drops
// the body, so the manifest's syntax trees can be freed before the plan.
type SourceHolder interface {
	ReleaseSource()
}

// Synthesizer adds nodes that no block declares, built from the declared
// ones: one writer for a file many blocks contribute to. It runs after every
// block decoded; the nodes it returns take part in the graph like any other.
type Synthesizer interface {
	Synthesize(c Catalog) ([]Resource, hcl.Diagnostics)
}

// Replacer is a Resource that `-replace ADDR` can force: Replace returns
// the change that recreates it from scratch (a secret regenerates its
// value). Resources without it are replaced by re-applying their Diff with
// Action Replace.
type Replacer interface {
	Replace(current State) (Change, error)
}

// Check is the outcome of one functional test of the live host, with the
// evidence a reviewer needs to believe it.
type Check struct {
	Name     string `json:"name"`
	Passed   bool   `json:"passed"`
	Evidence string `json:"evidence"`
}

// Verifier is a Resource with functional tests that `clawplan verify`
// (and `apply -verify`) runs against the live host: the seed's checks that
// the gateway listens on loopback only, that sandboxes reach the internet
// but not the LAN, that the LLM answers, that the audit finds 0 critical.
type Verifier interface {
	Verify(ctx context.Context, h *Host) []Check
}

// ImportedBlock is one block an Importer found on the host: its name, and
// a function that writes its attributes and nested blocks.
type ImportedBlock struct {
	Name string
	// Comment, if set, is written above the block (what was found, what
	// to review).
	Comment string
	Write   func(body *hclwrite.Body)
}

// Importer is a Kind that describes what it finds on a host as blocks of
// its type, so `clawplan import` can write a manifest for an existing,
// hand-built host: planned against the same host, it shows no changes.
// Secrets are imported as references to where they live, never as values.
type Importer interface {
	Import(ctx context.Context, h *Host) ([]ImportedBlock, error)
}

// Foundation is a Resource the rest of the host stands on (the vm block:
// packages, the service user, lingering): every other resource applies
// after it, so a secret is not delivered into a home that does not exist
// yet, nor a config file written before the package that ships it.
type Foundation interface {
	Foundation()
}
