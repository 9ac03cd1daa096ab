package openclaw

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// providerKind is the `llm_provider` block: models.providers.<label>.
type providerKind struct{ kindBase }

func (providerKind) Name() string { return "llm_provider" }

func (providerKind) Spec() hcldec.Spec { return providerSpec.spec() }

var costType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"input": cty.Number, "output": cty.Number, "cache_read": cty.Number, "cache_write": cty.Number,
}, []string{"input", "output", "cache_read", "cache_write"})

var modelType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"id": cty.String, "name": cty.String, "context_window": cty.Number, "max_tokens": cty.Number,
	"cost": costType, "input": cty.List(cty.String), "reasoning": cty.Bool,
}, []string{"context_window", "max_tokens", "cost", "input", "reasoning"})

var providerSpec = attrs{
	"base_url": required(cty.String),
	"api":      attr(cty.String),
	"api_key":  attr(resources.SecretRefType),
	"models":   attr(cty.List(modelType)),
	"privacy":  attr(cty.String),
}

type modelConf struct {
	ID            string `cty:"id"`
	Name          string `cty:"name"`
	ContextWindow *int   `cty:"context_window"`
	MaxTokens     *int   `cty:"max_tokens"`
	Cost          *struct {
		Input      *float64 `cty:"input"`
		Output     *float64 `cty:"output"`
		CacheRead  *float64 `cty:"cache_read"`
		CacheWrite *float64 `cty:"cache_write"`
	} `cty:"cost"`
	Input     []string `cty:"input"`
	Reasoning *bool    `cty:"reasoning"`
}

type providerConf struct {
	BaseURL string      `cty:"base_url"`
	API     *string     `cty:"api"`
	APIKey  cty.Value   `cty:"api_key"`
	Models  []modelConf `cty:"models"`
	Privacy *string     `cty:"privacy"`
}

// provider is one decoded llm_provider block.
type provider struct {
	base
	conf providerConf
	val  cty.Value
	key  *secretRef
}

var (
	_ resources.Exporter       = (*provider)(nil)
	_ resources.CrossValidator = (*provider)(nil)
)

// apis are the API types 2026.9.6 accepts for models.providers.*.api.
var apis = []string{"openai-completions", "openai-responses", "openai-chatgpt-responses", "anthropic-messages",
	"google-generative-ai", "google-vertex", "github-copilot", "bedrock-converse-stream", "ollama", "pi-messages", "azure-openai-responses"}

var providerID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func (providerKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	p := &provider{val: val}
	diags := decodeInto(addr, body, val, &p.conf)
	if diags.HasErrors() {
		return nil, diags
	}
	var d hcl.Diagnostics
	p.key, d = decodeSecretRef(p.conf.APIKey, body, "api_key")
	diags = append(diags, d...)
	diags = append(diags, p.check(addr, body)...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, p.init(addr, body, p.claimList(addr.Name, body))...)
	return p, diags
}

func (p *provider) check(addr resources.Addr, body hcl.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if !providerID.MatchString(addr.Name) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid provider id",
			Detail: fmt.Sprintf("llm_provider %q: the label is the provider id in model references (\"%s/MODEL\"); use lower-case letters, digits, '.', '_' and '-'.", addr.Name, addr.Name)})
	}
	if u, err := url.Parse(p.conf.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		diags = append(diags, errAt(body, "Invalid base_url", fmt.Sprintf("base_url = %q: want an http(s) URL such as http://127.0.0.1:1234/v1.", p.conf.BaseURL), "base_url"))
	}
	diags = append(diags, oneOf(body, str(p.conf.API, ""), apis, "api")...)
	diags = append(diags, oneOf(body, str(p.conf.Privacy, ""), []string{"local-only", "cloud"}, "privacy")...)
	seen := map[string]bool{}
	for _, m := range p.conf.Models {
		if m.ID == "" || m.Name == "" || seen[m.ID] {
			diags = append(diags, errAt(body, "Invalid model entry", fmt.Sprintf("every model needs a unique id and a name (OpenClaw 2026.9.6 rejects entries without name); check %q.", m.ID), "models"))
		}
		seen[m.ID] = true
		for _, in := range m.Input {
			diags = append(diags, oneOf(body, in, []string{"text", "image", "video", "audio"}, "models")...)
		}
	}
	if len(p.conf.Models) == 0 {
		r := rangeOf(body, "models")
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Provider without models",
			Detail:  fmt.Sprintf("OpenClaw accepts a provider without models only when %q is one of its bundled providers (lmstudio, ollama, ...); a custom id fails validation. List the models you use.", addr.Name),
			Subject: &r})
	}
	return diags
}

func (p *provider) claimList(id string, body hcl.Body) []claim {
	c := &claimer{body: body}
	root := []string{"models", "providers", id}
	c.set(keys(append(root, "baseUrl")...), p.conf.BaseURL, "base_url")
	c.set(keys(append(root, "api")...), str(p.conf.API, "openai-completions"), "api")
	c.secret(append(root, "apiKey"), p.key, "api_key")
	for _, m := range p.conf.Models {
		c.set(keys(append(root, "models")...).Child(where("id", m.ID)), modelEntry(m), "models")
	}
	return c.out
}

// modelEntry is one models[] entry in OpenClaw's spelling.
func modelEntry(m modelConf) map[string]any {
	e := map[string]any{"id": m.ID, "name": m.Name}
	if m.ContextWindow != nil {
		e["contextWindow"] = *m.ContextWindow
	}
	if m.MaxTokens != nil {
		e["maxTokens"] = *m.MaxTokens
	}
	if m.Input != nil {
		e["input"] = stringList(m.Input)
	}
	if m.Reasoning != nil {
		e["reasoning"] = *m.Reasoning
	}
	if c := m.Cost; c != nil {
		e["cost"] = map[string]any{"input": num(c.Input), "output": num(c.Output), "cacheRead": num(c.CacheRead), "cacheWrite": num(c.CacheWrite)}
	}
	return e
}

func num(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// Export is the decoded block with the API default filled in; the
// firewall kind reads base_url from it.
func (p *provider) Export() cty.Value {
	m := p.val.AsValueMap()
	if a, ok := m["api"]; !ok || a.IsNull() {
		m["api"] = cty.StringVal("openai-completions")
	}
	return cty.ObjectVal(m)
}

// Probe reads the provider's paths and asks its server for its models.
func (p *provider) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	st, err := p.base.Probe(ctx, h)
	if err != nil {
		return st, err
	}
	var ids []string
	for _, m := range p.conf.Models {
		ids = append(ids, m.ID)
	}
	st.Private.(*blockState).notes = llmNotes(ctx, h, p.conf.BaseURL, ids)
	return st, nil
}

// CrossValidate runs the security rules that concern this block.
func (p *provider) CrossValidate(c resources.Catalog) hcl.Diagnostics { return policyFor(c, p.addr) }
