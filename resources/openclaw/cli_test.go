package openclaw

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// openclawBin returns the real CLI installed by scripts/test-deps.sh.
func openclawBin(t testing.TB) string {
	t.Helper()
	cache := os.Getenv("CLAWPLAN_CACHE")
	if cache == "" {
		cache = "/var/cache/clawplan"
	}
	bin := filepath.Join(cache, "openclaw-current", "node_modules", ".bin", "openclaw")
	_, err := os.Stat(bin)
	restest.Need(t, err == nil, "the openclaw CLI (Node 24 + openclaw, "+bin+")")
	return bin
}

// runOpenClaw runs the CLI offline against HOME=home, as the service user
// would, with the env secrets the secret kind delivers.
func runOpenClaw(t testing.TB, bin, home string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	token := make([]byte, 24)
	rand.Read(token)
	cmd.Env = append(offlineEnv(home, filepath.Dir(bin)), "OPENCLAW_GATEWAY_TOKEN="+hex.EncodeToString(token), "LM_API_TOKEN=lm-studio")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("openclaw %v: %v\n%s", args, err, stderr.String())
	}
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	return out
}

// applyExample renders a manifest into a temp root and returns the
// service user's home under it.
func applyManifest(t testing.TB, src string) (*resources.Host, string) {
	t.Helper()
	h := newHost(t)
	w := synth(t, mustManifest(t, src))
	apply(t, h, w)
	return h, filepath.Join(h.Root, "home", "openclaw")
}

type validateOut struct {
	Valid    bool `json:"valid"`
	Issues   []struct{ Path, Message string }
	Warnings []struct{ Path, Message string }
}

func validate(t testing.TB, bin, home string) validateOut {
	t.Helper()
	var v validateOut
	out := runOpenClaw(t, bin, home, "config", "validate", "--json")
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("config validate printed no JSON: %v\n%s", err, out)
	}
	return v
}

// The example, as clawplan writes it, is valid for the real OpenClaw and
// its deep security audit finds nothing critical.
func TestRealOpenClawAcceptsExample(t *testing.T) {
	bin := openclawBin(t)
	_, home := applyManifest(t, readExample(t))
	v := validate(t, bin, home)
	if !v.Valid || len(v.Warnings) > 0 {
		t.Fatalf("openclaw config validate: %+v", v)
	}
	var audit struct {
		Summary  struct{ Critical, Warn, Info int }
		Findings []struct{ CheckID, Severity, Title, Detail string }
	}
	out := runOpenClaw(t, bin, home, "security", "audit", "--deep", "--json")
	if err := json.Unmarshal(out, &audit); err != nil {
		t.Fatalf("security audit printed no JSON: %v\n%s", err, out)
	}
	for _, f := range audit.Findings {
		if f.Severity != "info" {
			t.Logf("audit %s %s: %s", f.Severity, f.CheckID, f.Title)
		}
	}
	restest.Summary(t, "audit", 1, audit.Summary.Critical, "openclaw security audit --deep of examples/openclaw-config as written")
	if audit.Summary.Critical != 0 {
		t.Fatalf("security audit: %d critical findings: %s", audit.Summary.Critical, out)
	}
	t.Logf("audit summary: critical %d, warn %d, info %d", audit.Summary.Critical, audit.Summary.Warn, audit.Summary.Info)
}

// Every channel renders where 2026.9.6 wants it (validate only: the audit
// would install the external plugins from npm).
func TestRealOpenClawAcceptsEveryChannel(t *testing.T) {
	bin := openclawBin(t)
	src := `
secret "discord" {
  source { env = "X" }
  deliver { env = "DISCORD_BOT_TOKEN" }
}
secret "slack_bot" {
  source { env = "X" }
  deliver { file = "/home/openclaw/.openclaw/credentials/slack-bot" }
}
secret "slack_app" {
  source { env = "X" }
  deliver { env = "SLACK_APP_TOKEN" }
}
gateway "main" {}
channel "discord" {
  dm_policy       = "allowlist"
  allow_from      = [1234567890123456789]
  require_mention = true
  token           = secret.discord
}
channel "slack" {
  dm_policy       = "pairing"
  require_mention = true
  token           = secret.slack_bot
  app_token       = secret.slack_app
}
channel "whatsapp" {
  dm_policy        = "allowlist"
  allow_from       = ["+15551234567"]
  group_allow_from = ["+15551234567"]
  require_mention  = true
}
`
	_, home := applyManifest(t, src)
	if v := validate(t, bin, home); !v.Valid {
		b, _ := os.ReadFile(filepath.Join(home, ".openclaw", "openclaw.json"))
		t.Fatalf("openclaw config validate: %+v\n%s", v, b)
	}
	b, _ := os.ReadFile(filepath.Join(home, ".openclaw", "openclaw.json"))
	if !strings.Contains(string(b), `"1234567890123456789"`) || !strings.Contains(string(b), `"mode": "singleValue"`) {
		t.Errorf("discord id or file provider missing:\n%s", b)
	}
}

// A commented JSON5 file with foreign keys stays valid for OpenClaw after
// clawplan merged into it.
func TestRealOpenClawReadsMergedJSON5(t *testing.T) {
	bin := openclawBin(t)
	h := newHost(t)
	writeConfig(t, h, `// hand-written
{
  meta: {lastTouchedVersion: "2026.9.6"}, // OpenClaw's own
  channels: {telegram: {allowFrom: [1234567890123456789,], linkPreview: false}},
}
`)
	w := synth(t, mustManifest(t, readExample(t)))
	apply(t, h, w)
	text, _ := readConfig(t, h)
	if !strings.Contains(text, "// hand-written") || !strings.Contains(text, `"linkPreview": false`) {
		t.Fatalf("merge lost foreign content:\n%s", text)
	}
	if v := validate(t, bin, filepath.Join(h.Root, "home", "openclaw")); !v.Valid {
		t.Fatalf("openclaw config validate: %+v\n%s", v, text)
	}
}
