// Package restest helps test resource kinds without the engine: decode a
// block from HCL source the way the engine does, get a Host on a temp root,
// and run a resource through its whole life (probe, diff, snapshot, apply,
// no-change re-plan, restore) with the checks every kind must pass.
package restest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// NewHost returns a Host whose root is a fresh temp dir, with its state
// directory under it.
func NewHost(t testing.TB) *resources.Host {
	t.Helper()
	root := t.TempDir()
	state := filepath.Join(root, "var/lib/clawplan")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	return resources.NewHost(root, state, []byte("restest-key"), nil)
}

// Decode parses src, which holds exactly one block of kind k (for example
// `network "lan" { ... }`), and decodes it as the engine would. vars are
// made available to expressions as top-level names (e.g. "secret").
func Decode(t testing.TB, k resources.Kind, src string, vars map[string]cty.Value) (resources.Resource, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	content, d := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: k.Name(), LabelNames: []string{"name"}}}})
	diags = append(diags, d...)
	if diags.HasErrors() || len(content.Blocks) != 1 {
		t.Fatalf("restest.Decode: want one %s block: %v", k.Name(), diags)
	}
	b := content.Blocks[0]
	val, d := hcldec.Decode(b.Body, k.Spec(), &hcl.EvalContext{Variables: vars})
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	r, d := k.Decode(resources.Addr{Kind: k.Name(), Name: b.Labels[0]}, b.Body, val)
	return r, append(diags, d...)
}

// MustDecode is Decode that fails the test on error diagnostics.
func MustDecode(t testing.TB, k resources.Kind, src string, vars map[string]cty.Value) resources.Resource {
	t.Helper()
	r, diags := Decode(t, k, src, vars)
	if diags.HasErrors() {
		t.Fatalf("decode: %s", diags.Error())
	}
	if d := r.Validate(); d.HasErrors() {
		t.Fatalf("validate: %s", d.Error())
	}
	return r
}

// Plan probes r on a fresh read cache view of h and diffs it.
func Plan(t testing.TB, h *resources.Host, r resources.Resource) (resources.State, resources.Change) {
	t.Helper()
	st, err := r.Probe(context.Background(), h)
	if err != nil {
		t.Fatalf("probe %s: %v", r.Addr(), err)
	}
	ch, err := r.Diff(st)
	if err != nil {
		t.Fatalf("diff %s: %v", r.Addr(), err)
	}
	return st, ch
}

// Fresh returns a new Host on the same root, state dir and key, with an
// empty read cache, as the next run would see the machine.
func Fresh(h *resources.Host) *resources.Host {
	return resources.NewHost(h.Root, h.StateDir, []byte("restest-key"), nil)
}

// Lifecycle runs r through apply and restore on h and checks what every
// kind must guarantee: the first plan wants a change; after apply a fresh
// plan is no-op; restoring the snapshot brings back the pre-apply
// fingerprint. It returns the change that was applied.
func Lifecycle(t testing.TB, h *resources.Host, r resources.Resource) resources.Change {
	t.Helper()
	ctx := context.Background()
	before, ch := Plan(t, h, r)
	if ch.Action == resources.NoOp {
		t.Fatalf("%s: first plan is no-op; Lifecycle needs a resource that changes the host", r.Addr())
	}
	snap, err := r.Snapshot(ctx, h)
	if err != nil {
		t.Fatalf("snapshot %s: %v", r.Addr(), err)
	}
	if err := r.Apply(ctx, h, ch); err != nil {
		t.Fatalf("apply %s: %v", r.Addr(), err)
	}
	if _, again := Plan(t, Fresh(h), r); again.Action != resources.NoOp {
		t.Fatalf("%s: plan after apply is %s, want no-op: %+v", r.Addr(), again.Action, again)
	}
	if err := r.Restore(ctx, Fresh(h), snap); err != nil {
		t.Fatalf("restore %s: %v", r.Addr(), err)
	}
	after, _ := Plan(t, Fresh(h), r)
	if after.Fingerprint != before.Fingerprint {
		t.Fatalf("%s: fingerprint after restore %s, before apply %s", r.Addr(), after.Fingerprint, before.Fingerprint)
	}
	return ch
}
