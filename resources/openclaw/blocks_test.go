package openclaw

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/zclconf/go-cty/cty"
)

// Two blocks claiming one path is a diagnostic naming both.
func TestOverlapNamesBothBlocks(t *testing.T) {
	cat := mustManifest(t, `
agent "defaults" {
  sandbox {
    mode = "all"
  }
}
sandbox "default" {
  mode = "non-main"
}`)
	_, diags := synthesizer{}.Synthesize(cat)
	msg := renderDiags(diags)
	if !diags.HasErrors() || !strings.Contains(msg, "agent.defaults") || !strings.Contains(msg, "sandbox.default") || !strings.Contains(msg, "agents.defaults.sandbox.mode") {
		t.Fatalf("overlap: %s", msg)
	}
}

// Two secrets' file references share nothing; one secret used twice needs
// one secrets.providers entry, which is not an overlap.
func TestSharedProviderEntryIsNoOverlap(t *testing.T) {
	cat := mustManifest(t, `
secret "bot" {
  source { env = "X" }
  deliver { file = "/home/openclaw/.openclaw/credentials/bot" }
}
channel "discord" {
  token = secret.bot
}
channel "slack" {
  token = secret.bot
}`)
	w := synth(t, cat)
	h := newHost(t)
	apply(t, h, w)
	_, cfg := readConfig(t, h)
	if got := jsonText(lookup(cfg, "secrets.providers.bot")); got != `{"mode":"singleValue","path":"/home/openclaw/.openclaw/credentials/bot","source":"file"}` {
		t.Fatalf("provider entry: %s", got)
	}
	if got := jsonText(lookup(cfg, "channels.discord.token")); got != `{"id":"value","provider":"bot","source":"file"}` {
		t.Fatalf("discord token: %s", got)
	}
}

// A token that `openclaw gateway install` wrote in plain text shows as a
// fingerprint, never as its value, and the file diff is sensitive.
func TestPlainTokenShownAsFingerprint(t *testing.T) {
	h := newHost(t)
	const plain = "0123456789abcdef0123456789abcdef0123456789abcdef"
	writeConfig(t, h, `{"gateway": {"auth": {"mode": "token", "token": "`+plain+`"}}}`)
	cat := mustManifest(t, readExample(t))
	w := synth(t, cat)
	chs := plan(t, h, append(ours(cat), w)...)
	out, _ := json.Marshal(chs)
	if strings.Contains(string(out), plain) {
		t.Fatalf("the token leaked into the plan: %s", out)
	}
	gw := chs[resources.Addr{Kind: "gateway", Name: "main"}]
	var seen bool
	for _, a := range gw.Attrs {
		if a.Path == "gateway.auth.token" {
			seen = a.Sensitive && strings.HasPrefix(a.Before.(string), "(sensitive, fp ")
		}
	}
	if !seen {
		t.Fatalf("token attr: %+v", gw.Attrs)
	}
	if f := chs[w.addr].Files; len(f) != 1 || !strings.Contains(f[0].Before, `"token": "(sensitive, fp `) {
		t.Fatalf("file diff does not show the token's fingerprint: %+v", f)
	}
	if h.Secrets.Redact("x "+plain) != "x "+resources.Redacted {
		t.Fatal("the plain token was not added to the redactor")
	}
}

// A value of another shape where a block needs an object is a diagnostic
// at the attribute, and the file is not touched; a file that does not
// parse is refused.
func TestWriterRefusesWhatItCannotMerge(t *testing.T) {
	h := newHost(t)
	writeConfig(t, h, `{"channels": "none"}`)
	w := synth(t, mustManifest(t, readExample(t)))
	st, _ := w.Probe(t.Context(), h)
	if _, err := w.Diff(st); err == nil || !strings.Contains(err.Error(), "openclaw.json is in the way") {
		t.Fatalf("diff: %v", err)
	}
	writeConfig(t, h, `{"gateway": {`)
	st, _ = w.Probe(t.Context(), restest.Fresh(h))
	if _, err := w.Diff(st); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Fatalf("diff: %v", err)
	}
}

// A secret attribute refuses a plain string: values never land in the file.
func TestSecretAttributesTakeReferencesOnly(t *testing.T) {
	_, diags := manifest(t, `gateway "main" {
  auth_token = "hunter2hunter2"
}`)
	if !diags.HasErrors() {
		t.Fatal("a literal token was accepted")
	}
}

// Validation catches what 2026.9.6 rejects before any file is written.
func TestStaticChecks(t *testing.T) {
	for src, want := range map[string]string{
		`gateway "main" { bind = "127.0.0.1" }`:                                                         `use one of ["loopback" "lan"`,
		`gateway "main" { bind = "custom" }`:                                                            "custom_bind_host goes with",
		`channel "telegram" { dm_policy = "allowlist" }`:                                                "Allowlist without entries",
		`channel "irc" {}`:                                                                              "Unknown channel",
		`channel "discord" { group_allow_from = ["1"] }`:                                                "No group allowlist",
		"sandbox \"default\" {\n docker { network = \"host\" }\n}":                                      "Sandbox network not allowed",
		"sandbox \"default\" {\n docker { binds = [\"/var/run/docker.sock:/var/run/docker.sock\"] }\n}": "Dangerous bind mount",
		"sandbox \"default\" {\n docker { binds = [\"rel:/x\"] }\n}":                                    "Relative bind source",
		`sandbox "other" {}`:                                                                            `Only sandbox "default"`,
		`agent "x" { max_concurrent = 1 }`:                                                              `Only for agent "defaults"`,
		`agent "defaults" { channels = ["telegram"] }`:                                                  "Only for named agents",
		`agent "Bad Id" {}`:                                                                             "Invalid agent id",
		`llm_provider "p" { base_url = "ftp://x" }`:                                                     "Invalid base_url",
		`llm_provider "p" {
  base_url = "http://127.0.0.1:1/v1"
  models = [{ id = "a", name = "" }]
}`: "Invalid model entry",
	} {
		_, diags := manifest(t, src)
		if !strings.Contains(renderDiags(diags), want) {
			t.Errorf("%s: want %q, got %s", src, want, renderDiags(diags))
		}
	}
}

// A 19-digit id given as an HCL number reaches openclaw.json with every
// digit: a number for Telegram, a string for Discord (which wants strings).
func TestSnowflakeFromManifest(t *testing.T) {
	h := newHost(t)
	w := synth(t, mustManifest(t, `
channel "telegram" {
  allow_from = [1234567890123456789, "42"]
}
channel "discord" {
  allow_from = [1234567890123456789]
}`))
	apply(t, h, w)
	text, _ := readConfig(t, h)
	if !strings.Contains(text, "        1234567890123456789,\n") || !strings.Contains(text, `"1234567890123456789"`) {
		t.Fatalf("snowflakes:\n%s", text)
	}
}

// The gateway exports the decoded block with its defaults, for the
// service side and the secret kind.
func TestGatewayExport(t *testing.T) {
	cat := mustManifest(t, readExample(t))
	r, _ := cat.Get(resources.Addr{Kind: "gateway", Name: "main"})
	v := r.(resources.Exporter).Export()
	if v.GetAttr("openclaw_version").AsString() != pinned() || v.GetAttr("port").AsBigFloat().String() != "18789" {
		t.Fatalf("export: %#v", v)
	}
	if tok := v.GetAttr("auth_token"); tok.GetAttr("name").AsString() != "gateway_token" {
		t.Fatalf("auth_token: %#v", tok)
	}
	bare := mustManifest(t, `gateway "g" {}`)
	r, _ = bare.Get(resources.Addr{Kind: "gateway", Name: "g"})
	v = r.(resources.Exporter).Export()
	if v.GetAttr("user").AsString() != "openclaw" || v.GetAttr("bind").AsString() != "loopback" || !v.GetAttr("auth_token").IsNull() {
		t.Fatalf("defaults: %#v", v)
	}
	if v.Type().AttributeType("control_ui") == cty.NilType {
		t.Fatal("control_ui missing from the export")
	}
}

// foreignFragments is a block of another kind that contributes to
// openclaw.json through the vocabulary's Fragmenter only.
type foreignFragments struct {
	exportedSecret
	frags []resources.Fragment
}

func (f *foreignFragments) Fragments() []resources.Fragment { return f.frags }

// A foreign block claiming a whole object that a block of ours writes
// into is an overlap too; claiming a free path is merged like ours.
func TestForeignFragments(t *testing.T) {
	cat := mustManifest(t, `channel "telegram" {
  dm_policy = "pairing"
}`)
	other := &foreignFragments{exportedSecret: exportedSecret{addr: resources.Addr{Kind: "cron", Name: "x"}}}
	other.frags = []resources.Fragment{{Doc: "openclaw.json", Path: []string{"channels", "telegram"}, Value: "off"}}
	cat.all = append(cat.all, other)
	_, diags := synthesizer{}.Synthesize(cat)
	if msg := renderDiags(diags); !strings.Contains(msg, "cron.x") || !strings.Contains(msg, "channel.telegram") {
		t.Fatalf("prefix overlap: %s", msg)
	}
	other.frags = []resources.Fragment{{Doc: "openclaw.json", Path: []string{"cron", "enabled"}, Value: true}}
	h := newHost(t)
	apply(t, h, synth(t, cat))
	if _, cfg := readConfig(t, h); lookup(cfg, "cron.enabled") != true {
		t.Fatalf("foreign fragment not written: %v", cfg)
	}
}
