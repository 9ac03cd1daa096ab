package openclaw

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/resources/secret"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Interface guards: every contributing kind imports.
var (
	_ resources.Importer = gatewayKind{}
	_ resources.Importer = providerKind{}
	_ resources.Importer = channelKind{}
	_ resources.Importer = agentKind{}
	_ resources.Importer = sandboxKind{}
)

// Import reads the service user's openclaw.json and returns this kind's
// blocks. All five kinds share one reading per run (importFor).
func (gatewayKind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	return importedOf(ctx, h, "gateway")
}

func (providerKind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	return importedOf(ctx, h, "llm_provider")
}

func (channelKind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	return importedOf(ctx, h, "channel")
}

func (agentKind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	return importedOf(ctx, h, "agent")
}

func (sandboxKind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	return importedOf(ctx, h, "sandbox")
}

func importedOf(ctx context.Context, h *resources.Host, kind string) ([]resources.ImportedBlock, error) {
	im, err := importFor(ctx, h)
	if err != nil || im == nil {
		return nil, err
	}
	var out []resources.ImportedBlock
	for _, b := range im.blocks {
		if b.kind == kind {
			out = append(out, b.out())
		}
	}
	return out, nil
}

// importer is one reading of openclaw.json into blocks whose fragments
// are the file's values at the paths each block manages.
type importer struct {
	h      *resources.Host
	user   string
	file   string
	r      reader
	found  []secret.Found
	owners map[string][]doc.Path // the writer's record: block -> paths
	blocks []*imported
	// general notes go on the gateway block (or the first block).
	general []string
}

// imported is one block being imported.
type imported struct {
	kind, name string
	body       *bodyW
	notes      []string // what a plan will still change, what was left out
}

func (b *imported) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

func (b *imported) out() resources.ImportedBlock {
	c := ""
	for i, n := range b.notes {
		if i > 0 {
			c += "\n"
		}
		c += n
	}
	return resources.ImportedBlock{Name: b.name, Comment: c, Write: b.body.write}
}

// importFor reads openclaw.json once per run; nil when there is none.
func importFor(ctx context.Context, h *resources.Host) (*importer, error) {
	v, err := h.Memo("openclaw.import", func() (any, error) { return newImporter(ctx, h) })
	if err != nil {
		return nil, err
	}
	return v.(*importer), nil
}

func newImporter(ctx context.Context, h *resources.Host) (*importer, error) {
	user, err := importUser(h)
	if err != nil {
		return nil, err
	}
	l, err := load(h, user)
	switch {
	case err != nil:
		return nil, err
	case !l.file.Exists:
		return nil, nil
	case l.parseErr != nil:
		return nil, fmt.Errorf("%s does not parse (%v): fix it by hand, then import again", l.path, l.parseErr)
	}
	im := &importer{h: h, user: user, file: l.path, r: reader{root: l.doc.Root}}
	if im.found, err = secret.Discover(h, user); err != nil {
		return nil, err
	}
	if im.owners, err = ownersOf(h, user); err != nil {
		return nil, err
	}
	im.build(ctx)
	im.check()
	return im, nil
}

// importUser is the service user whose file clawplan wrote (its records
// say), else the default one.
func importUser(h *resources.Host) (string, error) {
	names, recs, err := importkit.OwnedOfKind(h, "gateway")
	if err != nil {
		return "", err
	}
	for _, n := range names {
		var rec ownedPaths
		if json.Unmarshal(recs[n], &rec) == nil && rec.User != "" {
			return rec.User, nil
		}
	}
	if users, _, err := importkit.OwnedOfKind(h, writerKindName); err == nil && len(users) > 0 {
		return users[0], nil
	}
	return defaultUser, nil
}

// ownersOf is the writer's record of which block set which paths.
func ownersOf(h *resources.Host, user string) (map[string][]doc.Path, error) {
	f, err := importkit.StateFile(h, "openclaw/"+user+".owned.json")
	if err != nil || !f.Exists {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(f.Content, &rec); err != nil {
		return nil, fmt.Errorf("clawplan's record of %s's openclaw.json: %w", user, err)
	}
	return rec.Owners, nil
}

// build imports every block, in the order a manifest lists them; the
// sandbox's custom image is read from the Docker engine.
func (im *importer) build(ctx context.Context) {
	im.gateway()
	im.providers()
	im.channels()
	im.agents()
	im.sandbox(ctx)
}

func (im *importer) add(kind, name string) *imported {
	b := &imported{kind: kind, name: name, body: &bodyW{}}
	im.blocks = append(im.blocks, b)
	return b
}

// secretAttr writes name = secret.NAME for the SecretRef at keys, when a
// secret block can deliver it; anything else at keys stays in the file as
// it is (the block does not claim it), with a note why.
func (im *importer) secretAttr(b *imported, body *bodyW, name string, keys ...string) {
	v := im.r.at(keys...)
	if v == nil {
		return
	}
	p := doc.Keys(keys...).String()
	switch f, ok := im.secretFor(v); {
	case ok:
		body.ref(name, "secret", f.Name)
	case v.Kind == doc.String:
		b.note("%s holds a credential in plain text: left in the file as it is (clawplan never copies a secret's value). Move it to a secret block and set %s = secret.NAME.", p, name)
	default:
		b.note("%s refers to a secret that is not on this host (no .env line, no file, or a provider clawplan does not write): left in the file as it is.", p)
	}
}

// secretFor is the found secret a SecretRef value names.
func (im *importer) secretFor(v *doc.Value) (secret.Found, bool) {
	str := func(k string) string {
		if x, ok := v.Lookup(k); ok && x.Kind == doc.String {
			return x.Text
		}
		return ""
	}
	if v.Kind != doc.Object || len(v.Keys()) != 3 {
		return secret.Found{}, false
	}
	switch src, prov, id := str("source"), str("provider"), str("id"); {
	case src == "env" && prov == "default":
		return secret.ForEnv(im.found, id)
	case src == "file" && id == "value":
		pv := im.r.at("secrets", "providers", prov)
		path := strVal(member(pv, "path"))
		if path == cty.NilVal || strVal(member(pv, "mode")) != cty.StringVal("singleValue") {
			return secret.Found{}, false
		}
		f, ok := secret.ForFile(im.found, path.AsString())
		return f, ok && f.Alias() == prov
	}
	return secret.Found{}, false
}

func member(v *doc.Value, key string) *doc.Value {
	x, _ := v.Lookup(key)
	return x
}

// vars are the secrets as the imported blocks see them (secret.NAME).
func (im *importer) vars() map[string]cty.Value {
	m := map[string]cty.Value{}
	for _, f := range im.found {
		m[f.Name] = f.Export()
	}
	return map[string]cty.Value{"secret": cty.ObjectVal(m)}
}

// kinds maps block types to this package's kinds, for decoding.
var importKinds = map[string]resources.Kind{
	"gateway": gatewayKind{}, "llm_provider": providerKind{}, "channel": channelKind{}, "agent": agentKind{}, "sandbox": sandboxKind{},
}

// diagText renders error diagnostics as note lines.
func diagText(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d.Summary+": "+d.Detail)
		}
	}
	return out
}
