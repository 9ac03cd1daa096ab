package openclaw

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/secret"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// importHost is a temp root with an openclaw user that has the test's
// own ids, so the secret kind can deliver to it without root.
func importHost(t *testing.T) *resources.Host {
	t.Helper()
	h := newHost(t)
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/bin/bash\nopenclaw:x:%d:%d::/home/openclaw:/bin/bash\n", os.Getuid(), os.Getgid())
	put(t, h, "/etc/passwd", passwd, 0o644)
	return h
}

func put(t *testing.T, h *resources.Host, p, content string, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(h.Root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// applySecrets applies the example's secret blocks with the real secret
// kind (values from the environment, as .env.example has them) and
// returns them.
func applySecrets(t *testing.T, h *resources.Host, src string) []resources.Resource {
	t.Helper()
	t.Setenv("CLAWPLAN_GATEWAY_TOKEN", "0123456789abcdef0123456789abcdef0123456789abcdef")
	t.Setenv("CLAWPLAN_LMSTUDIO_KEY", "lm-studio-key-0123")
	t.Setenv("CLAWPLAN_TELEGRAM_BOT_TOKEN", "123456789:telegram-secret-token")
	var rs []resources.Resource
	for _, b := range blocksOf(src, "secret") {
		rs = append(rs, restest.MustDecode(t, secret.Kind{}, b, nil))
	}
	cat := &catalog{all: rs}
	for _, s := range resources.Synthesizers() {
		out, _ := s.Synthesize(cat)
		for _, r := range out {
			if r.Addr().Kind == "secret_env" {
				rs = append(rs, r)
			}
		}
	}
	for _, r := range rs {
		_, ch := restest.Plan(t, restest.Fresh(h), r)
		if err := r.Apply(context.Background(), restest.Fresh(h), ch); err != nil {
			t.Fatalf("apply %s: %v", r.Addr(), err)
		}
	}
	return rs
}

// blocksOf cuts the top-level blocks of kind out of a manifest's source.
func blocksOf(src, kind string) []string {
	var out []string
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], kind+" \"") {
			continue
		}
		j := i
		for j < len(lines) && lines[j] != "}" {
			j++
		}
		out = append(out, strings.Join(lines[i:j+1], "\n"))
		i = j
	}
	return out
}

// recordOwned writes owned.json as the engine does after an apply.
func recordOwned(t *testing.T, h *resources.Host, rs ...resources.Resource) {
	t.Helper()
	owned := map[string]json.RawMessage{}
	for _, r := range rs {
		if o, ok := r.(resources.Owner); ok {
			rec, err := o.Ownership()
			if err != nil {
				t.Fatal(err)
			}
			owned[r.Addr().String()] = rec
		}
	}
	b, _ := json.Marshal(owned)
	if err := os.WriteFile(filepath.Join(h.StateDir, "owned.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// importAll imports every kind of this package and the secrets, checks
// that no secret value is in the manifest, and decodes the blocks the way
// the engine does, with the imported secrets' exports as secret.NAME.
func importAll(t *testing.T, h *resources.Host, values ...string) (*catalog, []resources.ImportedBlock) {
	t.Helper()
	ctx := context.Background()
	secrets, err := secret.Kind{}.Import(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]cty.Value{}
	cat := &catalog{ranges: map[resources.Addr]hcl.Range{}}
	for _, b := range secrets {
		s := restest.MustDecode(t, secret.Kind{}, string(importkit.Render("secret", b)), nil)
		exports[b.Name] = s.(resources.Exporter).Export()
		cat.all = append(cat.all, s)
	}
	vars := map[string]cty.Value{"secret": cty.ObjectVal(exports)}
	var all []resources.ImportedBlock
	for _, kind := range []string{"gateway", "llm_provider", "channel", "agent", "sandbox"} {
		blocks, err := kindsByName[kind].(resources.Importer).Import(ctx, h)
		if err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
		for _, b := range blocks {
			src := string(importkit.Render(kind, b))
			for _, v := range values {
				if strings.Contains(src+b.Comment, v) {
					t.Fatalf("%s.%s holds a secret value:\n%s%s", kind, b.Name, b.Comment, src)
				}
			}
			r, diags := restest.Decode(t, kindsByName[kind], src, vars)
			if diags.HasErrors() {
				t.Fatalf("%s.%s does not decode: %s\n%s", kind, b.Name, diags.Error(), src)
			}
			cat.all = append(cat.all, r)
			all = append(all, b)
		}
	}
	return cat, all
}

// planChanges plans the imported blocks and their writer on a fresh view
// of h and returns every attribute that changes, as "ADDR PATH".
func planChanges(t *testing.T, h *resources.Host, cat *catalog) []string {
	t.Helper()
	w := synth(t, cat)
	var out []string
	for addr, ch := range plan(t, restest.Fresh(h), append(ours(cat), w)...) {
		for _, a := range ch.Attrs {
			out = append(out, addr.String()+" "+a.Path)
		}
		if ch.Action != resources.NoOp && len(ch.Attrs) == 0 {
			out = append(out, addr.String()+" "+string(ch.Action))
		}
	}
	sort.Strings(out)
	return out
}

// TestImportExampleNoChanges: the example manifest applied (the real
// secret kind delivers its secrets, the writer writes openclaw.json), then
// imported: the imported blocks plan as no-ops, comments announce nothing,
// and the gateway keeps its name.
func TestImportExampleNoChanges(t *testing.T) {
	h := importHost(t)
	src := readExample(t)
	secrets := applySecrets(t, h, src)
	cat := mustManifest(t, src)
	w := synth(t, cat)
	apply(t, restest.Fresh(h), w)
	recordOwned(t, h, append(append(secrets, ours(cat)...), w)...)
	imported, blocks := importAll(t, restest.Fresh(h), "0123456789abcdef0123", "lm-studio-key", "telegram-secret-token")
	var names []string
	for _, b := range blocks {
		names = append(names, b.Name)
		if strings.Contains(b.Comment, "A plan") || strings.Contains(b.Comment, "refuses") || strings.Contains(b.Comment, "left in the file") {
			t.Errorf("%s: the comment announces a change:\n%s", b.Name, b.Comment)
		}
	}
	if want := "main lmstudio telegram defaults trusted untrusted-reader default"; strings.Join(names, " ") != want {
		t.Fatalf("imported %q, want %q", strings.Join(names, " "), want)
	}
	if changes := planChanges(t, h, imported); len(changes) > 0 {
		t.Fatalf("the imported manifest plans changes:\n%s", strings.Join(changes, "\n"))
	}
	if d := crossValidate(imported); d.HasErrors() {
		t.Fatalf("the imported manifest does not validate: %s", d.Error())
	}
}

// handBuilt is openclaw.json as the seed has it written by hand (JSON5,
// comments), plus a Discord bot token in plain text and a key the blocks
// do not manage.
const handBuilt = `{
  // section 7 of the seed
  gateway: { mode: "local", port: 18789, bind: "loopback",
    auth: { mode: "token", token: { source: "env", provider: "default", id: "OPENCLAW_GATEWAY_TOKEN" } } },
  discovery: { mdns: { mode: "off" } },
  logging: { redactSensitive: "tools" },
  update: { checkOnStart: false },
  channels: {
    telegram: { enabled: true, dmPolicy: "allowlist", allowFrom: [123456789], groupPolicy: "allowlist",
      groups: { "*": { requireMention: true } },
      tokenFile: "/home/openclaw/.openclaw/credentials/telegram-bot-token" },
    discord: { token: "plain-discord-token-value" },
  },
  models: { providers: { lmstudio: { baseUrl: "http://192.168.1.50:1234/v1", api: "openai-completions",
    models: [{ id: "qwen/qwen3-32b", name: "Qwen3 32B", contextWindow: 32768, maxTokens: 2048, cost: { input: 0.5 } }] } } },
  agents: { defaults: {
    model: { primary: "lmstudio/qwen/qwen3-32b", fallbacks: [] },
    sandbox: { mode: "non-main", scope: "agent", workspaceAccess: "rw",
      docker: { image: "openclaw-sandbox:custom", network: "bridge", user: "1000:1000",
        binds: ["/home/openclaw/.openclaw/workspace:/home/openclaw/.openclaw/workspace:rw"] } } } },
  tools: { elevated: { enabled: false }, deny: ["group:web", "browser"], web: { search: { enabled: true, maxResults: 5 } } },
}`

// TestImportHandBuilt: a hand-made config imports into blocks that
// decode and validate; what a plan would still change (defaults clawplan
// always writes, a cost entry it always writes whole, the Discord
// channel's defaults) is exactly what the comments announce, and the
// plain-text token stays in the file, unclaimed and unshown.
func TestImportHandBuilt(t *testing.T) {
	h := importHost(t)
	put(t, h, "/home/openclaw/.openclaw/openclaw.json", handBuilt, 0o600)
	put(t, h, "/home/openclaw/.openclaw/.env", "OPENCLAW_GATEWAY_TOKEN=hand-made-gateway-token\n", 0o600)
	put(t, h, "/home/openclaw/.openclaw/credentials/telegram-bot-token", "123:hand-made-bot-token", 0o600)
	imported, blocks := importAll(t, h, "hand-made-gateway-token", "hand-made-bot-token", "plain-discord-token-value")
	var comments string
	for _, b := range blocks {
		comments += b.Comment + "\n"
	}
	var planned []string
	for _, c := range planChanges(t, h, imported) {
		addr, path, _ := strings.Cut(c, " ")
		if strings.HasPrefix(addr, "openclaw_config.") {
			continue // the writer of those same values
		}
		planned = append(planned, path)
		if !strings.Contains(comments, "A plan sets "+path+" to ") {
			t.Errorf("%s changes %s and no comment says so:\n%s", addr, path, comments)
		}
	}
	if n := strings.Count(comments, "A plan sets "); n != len(planned) {
		t.Errorf("the comments announce %d changes, the plan has %d: %v\n%s", n, len(planned), planned, comments)
	}
	for _, want := range []string{"models.catalogRefresh.enabled", "channels.discord.dmPolicy", `models.providers.lmstudio.models[id="qwen/qwen3-32b"].cost.output`} {
		if !strings.Contains(strings.Join(planned, " "), want) {
			t.Errorf("want a planned change of %s, got %v", want, planned)
		}
	}
	if !strings.Contains(comments, "channels.discord.token holds a credential in plain text: left in the file as it is") {
		t.Errorf("the plain-text Discord token is not reported:\n%s", comments)
	}
}

// TestImportRefusedByPolicy: a host that breaks an error-level security
// rule imports with the rule's finding in the block's comment.
func TestImportRefusedByPolicy(t *testing.T) {
	h := importHost(t)
	put(t, h, "/home/openclaw/.openclaw/openclaw.json", `{"gateway": {"bind": "lan", "auth": {"mode": "none"}}}`, 0o600)
	blocks, err := gatewayKind{}.Import(context.Background(), h)
	if err != nil || len(blocks) != 1 {
		t.Fatalf("import: %v %v", blocks, err)
	}
	if c := blocks[0].Comment; !strings.Contains(c, "clawplan refuses this as the host has it: Gateway reachable beyond loopback without auth") {
		t.Fatalf("comment:\n%s", c)
	}
}
