package openclaw

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// catalog is a resources.Catalog over the blocks of one test manifest.
type catalog struct {
	all    []resources.Resource
	ranges map[resources.Addr]hcl.Range
}

func (c *catalog) Get(a resources.Addr) (resources.Resource, bool) {
	for _, r := range c.all {
		if r.Addr() == a {
			return r, true
		}
	}
	return nil, false
}

func (c *catalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for _, r := range c.all {
		if r.Addr().Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func (c *catalog) Range(a resources.Addr) hcl.Range { return c.ranges[a] }

// exportedSecret stands in for the secret kind (built by another helper):
// a secret block as other blocks see it, resources.SecretRefType built
// from its deliver blocks the way the secret kind exports it.
type exportedSecret struct {
	addr resources.Addr
	val  cty.Value
}

func (s *exportedSecret) Export() cty.Value         { return s.val }
func (s *exportedSecret) Addr() resources.Addr      { return s.addr }
func (s *exportedSecret) Validate() hcl.Diagnostics { return nil }
func (s *exportedSecret) Probe(context.Context, *resources.Host) (resources.State, error) {
	return resources.State{}, nil
}
func (s *exportedSecret) Diff(resources.State) (resources.Change, error) {
	return resources.Change{Addr: s.addr, Action: resources.NoOp}, nil
}
func (s *exportedSecret) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: s.addr}, nil
}
func (s *exportedSecret) Apply(context.Context, *resources.Host, resources.Change) error { return nil }
func (s *exportedSecret) Restore(context.Context, *resources.Host, resources.Snapshot) error {
	return nil
}

var aliasBad = regexp.MustCompile(`[^a-z0-9_-]`)

// secretRefVal builds the SecretRefType value of a secret delivered as env
// and/or file (env preferred for the ref), as the secret kind exports it.
func secretRefVal(name, env, file string) cty.Value {
	envV, fileV := cty.NullVal(cty.String), cty.NullVal(cty.String)
	ref := map[string]cty.Value{"source": cty.StringVal("file"), "provider": cty.StringVal(aliasBad.ReplaceAllString(name, "_")), "id": cty.StringVal("value")}
	if file != "" {
		fileV = cty.StringVal(file)
	}
	if env != "" {
		envV = cty.StringVal(env)
		ref = map[string]cty.Value{"source": cty.StringVal("env"), "provider": cty.StringVal("default"), "id": envV}
	}
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "env": envV, "file": fileV, "ref": cty.ObjectVal(ref)})
}

var secretSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "source"}, {Type: "deliver"}}}

// decodeSecret reads a secret block's deliver sinks.
func decodeSecret(t testing.TB, b *hcl.Block) *exportedSecret {
	t.Helper()
	content, diags := b.Body.Content(secretSchema)
	if diags.HasErrors() {
		t.Fatalf("secret %s: %s", b.Labels[0], diags.Error())
	}
	var env, file string
	for _, d := range content.Blocks {
		if d.Type != "deliver" {
			continue
		}
		attrs, _ := d.Body.JustAttributes()
		for name, a := range attrs {
			v, _ := a.Expr.Value(nil)
			if name == "env" && env == "" {
				env = v.AsString()
			}
			if name == "file" && file == "" {
				file = v.AsString()
			}
		}
	}
	return &exportedSecret{addr: resources.Addr{Kind: "secret", Name: b.Labels[0]}, val: secretRefVal(b.Labels[0], env, file)}
}

var kindsByName = map[string]resources.Kind{
	"gateway": gatewayKind{}, "llm_provider": providerKind{}, "channel": channelKind{}, "agent": agentKind{}, "sandbox": sandboxKind{},
}

// manifest decodes every block of src the way the engine does: secrets
// first (other blocks refer to them as secret.NAME), then this package's
// kinds, with Validate run on each.
func manifest(t testing.TB, src string) (*catalog, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "main.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %s", diags.Error())
	}
	schema := &hcl.BodySchema{}
	for _, k := range append(resources.BlockTypes, "secret") {
		schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: k, LabelNames: []string{"name"}})
	}
	content, d := f.Body.Content(schema)
	if d.HasErrors() {
		t.Fatalf("content: %s", d.Error())
	}
	cat := &catalog{ranges: map[resources.Addr]hcl.Range{}}
	secrets := map[string]cty.Value{}
	for _, b := range content.Blocks {
		if b.Type == "secret" {
			s := decodeSecret(t, b)
			secrets[b.Labels[0]] = s.val
			cat.all = append(cat.all, s)
			cat.ranges[s.addr] = b.DefRange
		}
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"secret": cty.ObjectVal(secrets)}}
	if len(secrets) == 0 {
		ctx.Variables["secret"] = cty.EmptyObjectVal
	}
	for _, b := range content.Blocks {
		k, ok := kindsByName[b.Type]
		if !ok {
			continue
		}
		val, d := hcldec.Decode(b.Body, k.Spec(), ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		addr := resources.Addr{Kind: b.Type, Name: b.Labels[0]}
		r, d := k.Decode(addr, b.Body, val)
		diags = append(diags, d...)
		if r == nil {
			continue
		}
		diags = append(diags, r.Validate()...)
		cat.all = append(cat.all, r)
		cat.ranges[addr] = b.DefRange
	}
	return cat, diags
}

// mustManifest is manifest that fails on error diagnostics.
func mustManifest(t testing.TB, src string) *catalog {
	t.Helper()
	cat, diags := manifest(t, src)
	if diags.HasErrors() {
		t.Fatalf("manifest: %s", diags.Error())
	}
	return cat
}

func readExample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/openclaw-config/main.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// synth runs the synthesizer and returns the writer.
func synth(t testing.TB, c *catalog) *writer {
	t.Helper()
	rs, diags := synthesizer{}.Synthesize(c)
	if diags.HasErrors() {
		t.Fatalf("synthesize: %s", diags.Error())
	}
	if len(rs) != 1 {
		t.Fatalf("synthesize: %d nodes, want 1", len(rs))
	}
	return rs[0].(*writer)
}

// crossValidate runs every CrossValidator of the catalog.
func crossValidate(c *catalog) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range c.all {
		if cv, ok := r.(resources.CrossValidator); ok {
			diags = append(diags, cv.CrossValidate(c)...)
		}
	}
	return diags
}

// ours returns the catalog's blocks of this package.
func ours(c *catalog) []resources.Resource {
	var out []resources.Resource
	for _, r := range c.all {
		if _, ok := r.(contributor); ok {
			out = append(out, r)
		}
	}
	return out
}

// plan probes and diffs every given resource on a fresh view of h.
func plan(t testing.TB, h *resources.Host, rs ...resources.Resource) map[resources.Addr]resources.Change {
	t.Helper()
	out := map[resources.Addr]resources.Change{}
	for _, r := range rs {
		_, ch := restest.Plan(t, h, r)
		out[r.Addr()] = ch
	}
	return out
}

// apply applies the writer's planned change on h (the contributing blocks
// have nothing to apply) and returns its snapshot.
func apply(t testing.TB, h *resources.Host, w *writer) resources.Snapshot {
	t.Helper()
	_, ch := restest.Plan(t, h, w)
	snap, err := w.Snapshot(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Apply(context.Background(), h, ch); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return snap
}

// newHost is a temp root with OpenClaw treated as not installed, unless a
// test says otherwise.
func newHost(t testing.TB) *resources.Host {
	t.Helper()
	t.Setenv(openclawEnv, "off")
	return restest.NewHost(t)
}

// configPath is the full path of the user's openclaw.json under the root.
func configPath(h *resources.Host, user string) string {
	return filepath.Join(h.Root, "home", user, ".openclaw", "openclaw.json")
}

// writeConfig puts an existing openclaw.json on the host.
func writeConfig(t testing.TB, h *resources.Host, content string) {
	t.Helper()
	if err := hostfs.WriteAtomic(configPath(h, "openclaw"), []byte(content), 0o600, 0o700, hostfs.Keep); err != nil {
		t.Fatal(err)
	}
}

// readConfig returns the user's openclaw.json, parsed as Go data.
func readConfig(t testing.TB, h *resources.Host) (string, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(configPath(h, "openclaw"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := doc.Parse(b)
	if err != nil {
		t.Fatalf("openclaw.json does not parse: %v\n%s", err, b)
	}
	return string(b), doc.ToGo(d.Root).(map[string]any)
}

// lookup walks a dotted path of plain keys in parsed JSON.
func lookup(m any, path string) any {
	cur := m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
