package openclaw

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
)

// modelServer is an LM Studio-style server on loopback serving two
// models; with key set it answers 401 unless the request carries it.
func modelServer(t *testing.T, key string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/v1/models" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"object":"list","data":[{"id":"qwen/qwen3-32b"},{"id":"text-embedding-nomic"}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// verifyOne runs a resource's Verify and returns its only check.
func verifyOne(t *testing.T, h *resources.Host, r resources.Resource) resources.Check {
	t.Helper()
	checks := r.(resources.Verifier).Verify(context.Background(), h)
	if len(checks) != 1 {
		t.Fatalf("%d checks, want 1: %+v", len(checks), checks)
	}
	t.Logf("%s %t: %s", checks[0].Name, checks[0].Passed, checks[0].Evidence)
	return checks[0]
}

func TestVerifyLLMServesDeclaredModels(t *testing.T) {
	url := modelServer(t, "")
	c := verifyOne(t, newHost(t), providerWith(t, url, "qwen/qwen3-32b"))
	if !c.Passed || c.Name != "LLM lmstudio answers" ||
		!strings.Contains(c.Evidence, "GET "+url+"/models: 200, serves 2 model(s): qwen/qwen3-32b, text-embedding-nomic; all 1 declared present") {
		t.Fatalf("%+v", c)
	}
	c = verifyOne(t, newHost(t), providerWith(t, url, "qwen/qwen3-32b", "qwen/qwen3-235b"))
	if c.Passed || !strings.Contains(c.Evidence, "declared but not served: qwen/qwen3-235b") {
		t.Fatalf("a missing model must fail: %+v", c)
	}
}

func TestVerifyLLMDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/v1"
	l.Close()
	c := verifyOne(t, newHost(t), providerWith(t, closed, "m"))
	if c.Passed || !strings.Contains(c.Evidence, "no answer (") || !strings.Contains(c.Evidence, "connection refused") {
		t.Fatalf("%+v", c)
	}
	c = verifyOne(t, newHost(t), providerWith(t, "http://192.0.2.10:1234/v1", "m"))
	if c.Passed || !strings.Contains(c.Evidence, "not probed: with --root") {
		t.Fatalf("under --root only loopback is dialed: %+v", c)
	}
}

// The key goes where the secret kind delivers it: the service user's
// ~/.openclaw/.env. It is sent, never shown, and known to the redactor.
func TestVerifyLLMSendsDeliveredKey(t *testing.T) {
	const key = "sk-verify-test-key-0123456789"
	url := modelServer(t, key)
	cat := mustManifest(t, fmt.Sprintf(`secret "lm" {
  source { env = "X" }
  deliver { env = "LM_API_TOKEN" }
}
llm_provider "lmstudio" {
  base_url = %q
  api_key  = secret.lm
  models   = [{ id = "qwen/qwen3-32b", name = "Qwen" }]
}`, url))
	p, _ := cat.Get(resources.Addr{Kind: "llm_provider", Name: "lmstudio"})
	h := newHost(t)
	if c := verifyOne(t, h, p); c.Passed || !strings.Contains(c.Evidence, "401: the server wants an API key, and none is delivered") {
		t.Fatalf("without the .env: %+v", c)
	}
	env := "/home/openclaw/.openclaw/.env"
	full, _ := h.Path(env)
	if err := hostfs.WriteAtomic(full, []byte("# clawplan: secret.lm\nLM_API_TOKEN='"+key+"'\n"), 0o600, 0o700, hostfs.Keep); err != nil {
		t.Fatal(err)
	}
	c := verifyOne(t, h, p)
	if !c.Passed || !strings.Contains(c.Evidence, "(API key from "+env+" (LM_API_TOKEN))") || strings.Contains(c.Evidence, key) {
		t.Fatalf("with the .env: %+v", c)
	}
	if h.Secrets.Redact("x"+key+"x") == "x"+key+"x" {
		t.Error("the key was not added to the redactor")
	}
}

func TestDotenvValue(t *testing.T) {
	env := []byte("A=1\nexport B = 'two words' \nC=\"q\" # c\nD=plain # comment\nA=last\n#E=commented\n")
	for key, want := range map[string]string{"A": "last", "B": "two words", "C": "q", "D": "plain"} {
		if got, ok := dotenvValue(env, key); !ok || got != want {
			t.Errorf("%s = %q, %t; want %q", key, got, ok, want)
		}
	}
	if _, ok := dotenvValue(env, "E"); ok {
		t.Error("a commented-out line is not an assignment")
	}
}

// The deep audit of the real CLI on the example as clawplan writes it,
// with the gateway token delivered in ~/.openclaw/.env as the secret
// kind does: 0 critical. A world-readable openclaw.json is critical.
func TestVerifyAuditRealCLI(t *testing.T) {
	bin := openclawBin(t)
	h := newHost(t)
	w := synth(t, mustManifest(t, readExample(t)))
	apply(t, h, w)
	env := filepath.Join(h.Root, "home", "openclaw", ".openclaw", ".env")
	if err := os.WriteFile(env, []byte("OPENCLAW_GATEWAY_TOKEN="+strings.Repeat("5a", 24)+"\nLM_API_TOKEN=lm-studio\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(openclawEnv, bin)
	c := verifyOne(t, restest.Fresh(h), w)
	if !c.Passed || c.Name != "security audit: 0 critical" || !strings.Contains(c.Evidence, "security audit --deep (HOME=") ||
		!strings.Contains(c.Evidence, ": 0 critical, ") {
		t.Fatalf("the example: %+v", c)
	}
	if err := os.Chmod(configPath(h, "openclaw"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = verifyOne(t, restest.Fresh(h), w)
	if c.Passed || !strings.Contains(c.Evidence, "critical: ") || !strings.Contains(c.Evidence, "fs.config.perms_world_readable") {
		t.Fatalf("a world-readable config: %+v", c)
	}
}

// Without the CLI or the file there is nothing to audit: the check fails
// and says why, at once.
func TestVerifyAuditMissing(t *testing.T) {
	h := newHost(t)
	w := synth(t, mustManifest(t, readExample(t)))
	if c := verifyOne(t, h, w); c.Passed || !strings.Contains(c.Evidence, "OpenClaw is not installed") {
		t.Fatalf("no CLI: %+v", c)
	}
	t.Setenv(openclawEnv, openclawBin(t))
	if c := verifyOne(t, restest.Fresh(h), w); c.Passed || !strings.Contains(c.Evidence, "/home/openclaw/.openclaw/openclaw.json does not exist") {
		t.Fatalf("no config: %+v", c)
	}
}

// Run as root with the service user present, the audit runs as that user:
// the state it creates in ~/.openclaw is the user's, not root's, so the
// gateway can still write it.
func TestVerifyAuditRunsAsServiceUser(t *testing.T) {
	restest.NeedRoot(t)
	bin := openclawBin(t)
	h := newHost(t)
	for _, d := range []string{filepath.Dir(h.Root), h.Root} {
		os.Chmod(d, 0o755) // the user must reach its home under the root
	}
	put := func(p, content string, mode os.FileMode) {
		full := filepath.Join(h.Root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n", 0o644)
	put("etc/group", "root:x:0:\nopenclaw:x:1000:\n", 0o644)
	home := filepath.Join(h.Root, "home", "openclaw")
	os.Chmod(home, 0o750)
	os.Chown(home, 1000, 1000)
	w := synth(t, mustManifest(t, readExample(t)))
	apply(t, h, w)
	put("home/openclaw/.openclaw/.env", "OPENCLAW_GATEWAY_TOKEN="+strings.Repeat("5a", 24)+"\n", 0o600)
	os.Chown(filepath.Join(home, ".openclaw", ".env"), 1000, 1000)
	t.Setenv(openclawEnv, bin)
	c := verifyOne(t, restest.Fresh(h), w)
	if !c.Passed || !strings.Contains(c.Evidence, ", as openclaw)") {
		t.Fatalf("%+v", c)
	}
	entries, _ := os.ReadDir(filepath.Join(home, ".openclaw"))
	for _, e := range entries {
		fi, err := os.Stat(filepath.Join(home, ".openclaw", e.Name()))
		if err == nil && fi.Sys().(*syscall.Stat_t).Uid != 1000 {
			t.Errorf("~/.openclaw/%s belongs to uid %d after the audit", e.Name(), fi.Sys().(*syscall.Stat_t).Uid)
		}
	}
}

// judgeAudit reads the report forms the CLI prints: a summary with
// findings, a refusal whose error is an object (as 2026.9.6 prints for a
// CLI error) or a string with issues (an invalid config).
func TestJudgeAudit(t *testing.T) {
	cases := []struct {
		out  string
		pass bool
		ev   string
	}{
		{`{"summary":{"critical":2,"warn":1,"info":0},"findings":[{"checkId":"fs.config.perms_writable","severity":"critical"},{"checkId":"sandbox.dangerous_bind_mount","severity":"critical"},{"checkId":"gateway.probe_failed","severity":"warn"},{"checkId":"summary.attack_surface","severity":"info"}]}`,
			false, "audit: 2 critical, 1 warn, 0 info; critical: fs.config.perms_writable, sandbox.dangerous_bind_mount; warn: gateway.probe_failed"},
		{`{"summary":{"critical":0,"warn":2,"info":1},"findings":[{"checkId":"config.insecure_or_dangerous_flags","severity":"warn"},{"checkId":"config.insecure_or_dangerous_flags","severity":"warn"}]}`,
			true, "audit: 0 critical, 2 warn, 1 info; warn: config.insecure_or_dangerous_flags (x2)"},
		{`{"ok":false,"error":{"type":"cli_error","message":"Unsafe fallback OpenClaw temp dir: /home/openclaw/.cache/openclaw-1000"}}`,
			false, "audit: refused to audit: Unsafe fallback OpenClaw temp dir: /home/openclaw/.cache/openclaw-1000"},
		{`{"ok":false,"error":"Invalid config","issues":[{"path":"logging","message":"Unrecognized key \"redactSensitive\""}]}`,
			false, `audit: refused to audit: Invalid config logging: Unrecognized key "redactSensitive"`},
		{`{"ts":1}`, false, "audit: the report has no summary"},
	}
	for _, c := range cases {
		var rep auditReport
		if err := json.Unmarshal([]byte(c.out), &rep); err != nil {
			t.Fatalf("%s: %v", c.out, err)
		}
		pass, ev := judgeAudit("audit", rep, nil)
		if pass != c.pass || ev != c.ev {
			t.Errorf("%s:\ngot  %t %s\nwant %t %s", c.out, pass, ev, c.pass, c.ev)
		}
	}
	if r := reason("[openclaw] The CLI command failed.\n[openclaw] Reason: Unsafe temp dir\n[openclaw] Help: openclaw --help\n"); r != "Unsafe temp dir" {
		t.Errorf("reason: %q", r)
	}
}
