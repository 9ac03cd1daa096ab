package secret

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
)

// openclawDir is the pinned OpenClaw install scripts/test-deps.sh caches.
func openclawDir(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("CLAWPLAN_CACHE")
	if cache == "" {
		cache = "/var/cache/clawplan"
	}
	dir := filepath.Join(cache, "openclaw-"+schema.OpenClawVersion, "node_modules")
	_, errOC := os.Stat(filepath.Join(dir, ".bin/openclaw"))
	_, errNode := os.Stat(filepath.Join(dir, ".bin/node"))
	restest.Need(t, errOC == nil && errNode == nil, "openclaw "+schema.OpenClawVersion+" with Node 24")
	return dir
}

// runAs runs a program from the OpenClaw install as the openclaw user
// (uid 1000) with HOME in the temp root, offline.
func runAs(t *testing.T, h *resources.Host, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "setpriv", append([]string{"--reuid=1000", "--regid=1000", "--clear-groups", "--"}, args...)...)
	cmd.Env = []string{"HOME=" + filepath.Join(h.Root, "home/openclaw"), "PATH=" + filepath.Join(dir, ".bin") + ":/usr/bin:/bin",
		"npm_config_offline=true", "npm_config_registry=http://127.0.0.1:9", "NO_COLOR=1"}
	cmd.Dir = "/"
	out, err := cmd.Output()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("%v timed out", args)
	}
	return out
}

// openToUser lets uid 1000 walk into the temp root (t.TempDir is 0700).
func openToUser(t *testing.T, h *resources.Host) {
	for _, d := range []string{filepath.Dir(h.Root), h.Root, filepath.Join(h.Root, "home")} {
		must(t, os.Chmod(d, 0o711))
	}
}

// TestDotenvReadsBack writes awkward values through the .env writer and
// reads them back with the dotenv parser the gateway uses.
func TestDotenvReadsBack(t *testing.T) {
	restest.NeedRoot(t)
	dir := openclawDir(t)
	h := newHost(t)
	openToUser(t, h)
	values := map[string]string{"CPT_A": "plain-0123456789", "CPT_B": "with space # and hash", "CPT_C": `back\slash #x`, "CPT_D": "it's #1 here"}
	var rs []resources.Resource
	for name, v := range values {
		t.Setenv(name, v)
		rs = append(rs, decode(t, `secret "`+strings.ToLower(name)+`" {
  source { env = "`+name+`" }
  deliver { env = "`+name+`_OUT" }
}`))
	}
	put(t, h, envPath, "FOREIGN='keep # this'\n", 0o600)
	for _, w := range synthesize(t, rs...) {
		apply(t, h, w)
	}
	script := `const d=require(process.argv[1]);const fs=require("fs");process.stdout.write(JSON.stringify(d.parse(fs.readFileSync(process.argv[2]))))`
	out := runAs(t, h, dir, filepath.Join(dir, ".bin/node"), "-e", script, filepath.Join(dir, "dotenv"), filepath.Join(h.Root, envPath))
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("dotenv output %q: %v", out, err)
	}
	for name, v := range values {
		if got[name+"_OUT"] != v {
			t.Errorf("%s_OUT: dotenv reads %q, want %q", name, got[name+"_OUT"], v)
		}
	}
	if got["FOREIGN"] != "keep # this" {
		t.Errorf("foreign line: %q", got["FOREIGN"])
	}
}

// TestOpenClawResolvesRefs applies the three secrets of the reference setup
// and has the real OpenClaw validate a config built from their exports and
// resolve every SecretRef in it, as the openclaw user.
func TestOpenClawResolvesRefs(t *testing.T) {
	restest.NeedRoot(t)
	dir := openclawDir(t)
	h := newHost(t)
	openToUser(t, h)
	t.Setenv("CPT_LM_KEY", "lm-studio-key-0123456789")
	t.Setenv("CPT_TG", "123456789:telegram-bot-token-abcdef")
	gw := decode(t, rotating)
	lm := decode(t, `secret "lmstudio" {
  source { env = "CPT_LM_KEY" }
  deliver { file = true }
}`)
	tg := decode(t, `secret "telegram_bot" {
  source { env = "CPT_TG" }
  deliver { file = true }
}`)
	for _, r := range []resources.Resource{gw, lm, tg, synthesize(t, gw, lm, tg)[0]} {
		apply(t, h, r)
	}
	cfg := map[string]any{
		"gateway":   map[string]any{"mode": "local", "bind": "loopback", "auth": map[string]any{"mode": "token", "token": refJSON(gw)}},
		"discovery": map[string]any{"mdns": map[string]any{"mode": "off"}},
		"update":    map[string]any{"checkOnStart": false},
		"channels":  map[string]any{"telegram": map[string]any{"enabled": true, "botToken": refJSON(tg), "dmPolicy": "allowlist", "allowFrom": []string{"123456"}}},
		"models": map[string]any{"mode": "merge", "catalogRefresh": map[string]any{"enabled": false}, "providers": map[string]any{"lmstudio": map[string]any{
			"baseUrl": "http://127.0.0.1:1234/v1", "api": "openai-completions", "apiKey": refJSON(lm),
			"models": []any{map[string]any{"id": "qwen/qwen3-32b", "name": "Qwen3 32B"}}}}},
		"secrets": map[string]any{"providers": map[string]any{lm.Alias(): provider(h, lm), tg.Alias(): provider(h, tg)}},
	}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	p := filepath.Join(h.Root, "home/openclaw/.openclaw/openclaw.json")
	must(t, os.WriteFile(p, b, 0o600))
	must(t, os.Chown(p, 1000, 1000))

	var valid struct{ Valid bool }
	out := runAs(t, h, dir, "openclaw", "config", "validate", "--json")
	if json.Unmarshal(out, &valid) != nil || !valid.Valid {
		t.Fatalf("openclaw config validate: %s\n%s", out, b)
	}
	var audit struct {
		Resolution struct{ RefsChecked int }
		Summary    struct{ PlaintextCount, UnresolvedRefCount int }
	}
	out = runAs(t, h, dir, "openclaw", "secrets", "audit", "--json")
	if json.Unmarshal(out, &audit) != nil || audit.Resolution.RefsChecked != 3 || audit.Summary.UnresolvedRefCount != 0 || audit.Summary.PlaintextCount != 0 {
		t.Fatalf("openclaw secrets audit: %s", out)
	}
}

func refJSON(s *Secret) map[string]any {
	ref := s.Export().GetAttr("ref")
	return map[string]any{"source": ref.GetAttr("source").AsString(), "provider": ref.GetAttr("provider").AsString(), "id": ref.GetAttr("id").AsString()}
}

// provider is the secrets.providers entry a file SecretRef needs, with the
// exported path seen from outside the temp root.
func provider(h *resources.Host, s *Secret) map[string]any {
	return map[string]any{"source": "file", "mode": "singleValue", "path": filepath.Join(h.Root, s.Export().GetAttr("file").AsString())}
}
