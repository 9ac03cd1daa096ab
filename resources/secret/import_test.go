package secret

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
)

// importHost is a temp root whose openclaw user has the test's own ids,
// so the files a test writes are owned the way a secret wants them.
func importHost(t *testing.T) *resources.Host {
	t.Helper()
	h := restest.NewHost(t)
	put(t, h, "/etc/passwd", fmt.Sprintf("root:x:0:0:root:/root:/bin/bash\nopenclaw:x:%d:%d::/home/openclaw:/bin/bash\n", os.Getuid(), os.Getgid()), 0o644)
	must(t, os.MkdirAll(filepath.Join(h.Root, "home/openclaw/.openclaw/credentials"), 0o700))
	must(t, os.Chmod(filepath.Join(h.Root, "home/openclaw/.openclaw/credentials"), 0o700))
	return h
}

// recordOwned writes owned.json as the engine does after an apply.
func recordOwned(t *testing.T, h *resources.Host, rs ...resources.Resource) {
	t.Helper()
	owned := map[string]json.RawMessage{}
	for _, r := range rs {
		rec, err := r.(resources.Owner).Ownership()
		must(t, err)
		owned[r.Addr().String()] = rec
	}
	b, err := json.Marshal(owned)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(h.StateDir, "owned.json"), b, 0o600))
}

// importSecrets imports h's secrets, checks that no value is in the
// manifest, and decodes every block the way the engine will.
func importSecrets(t *testing.T, h *resources.Host, values ...string) (map[string]*Secret, []resources.ImportedBlock) {
	t.Helper()
	blocks, err := Kind{}.Import(context.Background(), restest.Fresh(h))
	must(t, err)
	out := map[string]*Secret{}
	for _, b := range blocks {
		src := string(importkit.Render("secret", b))
		for _, v := range values {
			if strings.Contains(src+b.Comment, v) {
				t.Fatalf("the imported block holds a secret value:\n%s\n%s", b.Comment, src)
			}
		}
		out[b.Name] = restest.MustDecode(t, Kind{}, src, nil).(*Secret)
	}
	return out, blocks
}

// planAll plans the secrets and their .env writer on a fresh read of h.
func planAll(t *testing.T, h *resources.Host, ss map[string]*Secret) []resources.Change {
	t.Helper()
	var rs []resources.Resource
	for _, s := range ss {
		rs = append(rs, s)
	}
	for _, w := range synthesize(t, rs...) {
		rs = append(rs, w)
	}
	var out []resources.Change
	for _, r := range rs {
		_, ch := restest.Plan(t, restest.Fresh(h), r)
		out = append(out, ch)
	}
	return out
}

// TestImportClawplanBuilt: secrets clawplan applied (two .env lines, a
// credentials file) import under their names and plan as no-ops, with
// their original sources gone from the environment.
func TestImportClawplanBuilt(t *testing.T) {
	h := importHost(t)
	gw, lm := envSecrets(t)
	t.Setenv("CPT_TG", "123456789:tg-secret-xyz")
	tg := decode(t, `secret "telegram_bot" {
  source { env = "CPT_TG" }
  deliver { file = "/home/openclaw/.openclaw/credentials/telegram-bot-token" }
}`)
	w := synthesize(t, gw, lm, tg)[0]
	for _, r := range []resources.Resource{gw, lm, tg, w} {
		apply(t, restest.Fresh(h), r)
	}
	recordOwned(t, h, gw, lm, tg, w)
	for _, k := range []string{"CPT_GW", "CPT_LM", "CPT_TG"} {
		os.Unsetenv(k)
	}
	ss, blocks := importSecrets(t, h, "gateway-token-0123456789abcdef", "lm studio key", "tg-secret-xyz")
	if len(ss) != 3 || ss["gateway_token"] == nil || ss["lmstudio"] == nil || ss["telegram_bot"] == nil {
		t.Fatalf("imported %v, want gateway_token, lmstudio, telegram_bot", names(blocks))
	}
	want := "source {\n    env_file = \"/home/openclaw/.openclaw/.env\"\n    key      = \"OPENCLAW_GATEWAY_TOKEN\"\n  }\n  deliver {\n    env = \"OPENCLAW_GATEWAY_TOKEN\"\n  }"
	if src := string(importkit.Render("secret", blocks[0])); blocks[0].Name != "gateway_token" || !strings.Contains(src, want) {
		t.Fatalf("first block:\n%s", src)
	}
	for _, ch := range planAll(t, h, ss) {
		if ch.Action != resources.NoOp {
			t.Errorf("%s: %s %+v %v", ch.Addr, ch.Action, ch.Attrs, ch.Notes)
		}
	}
}

// TestImportHandBuilt is the seed's way, done by hand: the gateway token
// in ~/.openclaw/.env (no clawplan marker), the Telegram token in a
// credentials file named by tokenFile, an LLM key in a file provider.
// Nothing clawplan owns; openclaw.json (JSON5) says what is a secret.
func TestImportHandBuilt(t *testing.T) {
	h := importHost(t)
	put(t, h, envPath, "# by hand\nOPENCLAW_GATEWAY_TOKEN=hand-token-0123456789\nBRAVE_API_KEY=brave-key-0123456789\n", 0o600)
	put(t, h, "/home/openclaw/.openclaw/credentials/telegram-bot-token", "123456:hand-telegram-token", 0o600)
	put(t, h, "/home/openclaw/.openclaw/credentials/lm-key", "hand-lm-key-value", 0o600)
	put(t, h, "/home/openclaw/.openclaw/openclaw.json", `{
  // the seed: token omitted from the config, read from the environment
  gateway: { auth: { mode: "token", token: { source: "env", provider: "default", id: "OPENCLAW_GATEWAY_TOKEN" } } },
  channels: { telegram: { tokenFile: "/home/openclaw/.openclaw/credentials/telegram-bot-token" } },
  models: { providers: { lm: { apiKey: { source: "file", provider: "lmkey", id: "value" } } } },
  secrets: { providers: { lmkey: { source: "file", path: "/home/openclaw/.openclaw/credentials/lm-key", mode: "singleValue" } } },
}`, 0o600)
	ss, blocks := importSecrets(t, h, "hand-token", "brave-key", "hand-telegram", "hand-lm-key")
	if len(ss) != 3 || ss["gateway_token"] == nil || ss["telegram_bot_token"] == nil || ss["lmkey"] == nil {
		t.Fatalf("imported %v, want gateway_token, lmkey, telegram_bot_token (BRAVE_API_KEY is referenced by nothing)", names(blocks))
	}
	if ref := ss["lmkey"].Export().GetAttr("ref"); ref.GetAttr("provider").AsString() != "lmkey" || ref.GetAttr("source").AsString() != "file" {
		t.Fatalf("lmkey exports %#v, want the file provider the config names", ref)
	}
	if !strings.Contains(blocks[0].Comment, "the first apply marks it as clawplan's") {
		t.Fatalf("gateway_token's comment does not say the .env line is adopted:\n%s", blocks[0].Comment)
	}
	for _, ch := range planAll(t, h, ss) {
		switch {
		case ch.Addr.Kind == "secret_env":
			// Taking the hand-made line over adds clawplan's marker above it; the value stays.
			if ch.Action != resources.Update || len(ch.Attrs) != 0 || !strings.Contains(strings.Join(ch.Notes, "\n"), "takes over the existing OPENCLAW_GATEWAY_TOKEN line") {
				t.Errorf("%s: %s %+v %v, want only the marker adoption", ch.Addr, ch.Action, ch.Attrs, ch.Notes)
			}
		case ch.Action != resources.NoOp:
			t.Errorf("%s: %s %+v %v", ch.Addr, ch.Action, ch.Attrs, ch.Notes)
		}
	}
}

func names(bs []resources.ImportedBlock) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Name)
	}
	return out
}
