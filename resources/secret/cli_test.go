package secret

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// cli is the clawplan binary run against a temp root, collecting all it prints.
type cli struct {
	t        *testing.T
	bin      string
	root     string
	manifest string
	env      []string
	outputs  []string
}

func (c *cli) run(wantCode int, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "-root", c.root)...)
	cmd.Dir, cmd.Env = c.manifest, append(os.Environ(), c.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	c.outputs = append(c.outputs, out.String())
	if code != wantCode {
		c.t.Fatalf("clawplan %v: exit %d, want %d\n%s", args, code, wantCode, out.String())
	}
	return out.String()
}

func (c *cli) stored() string {
	b, _ := os.ReadFile(filepath.Join(c.root, "var/lib/clawplan/secrets/gateway_token"))
	return string(b)
}

// buildCLI builds cmd/clawplan; in CI a tree that does not build fails here.
func buildCLI(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "clawplan")
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin/go"), "build", "-o", bin, "github.com/clawplan/clawplan/cmd/clawplan").CombinedOutput()
	restest.Need(t, err == nil, "a clawplan binary (go build ./cmd/clawplan: "+strings.TrimSpace(string(out))+")")
	return bin
}

const cliManifest = `secret "gateway_token" {
  source {
    generate { length = 48 }
  }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

secret "telegram_bot" {
  source { env = "CPT_CLI_CANARY" }
  deliver { file = true }
}
`

// TestCLICanary is the canary check through the real CLI: plans in
// all three formats, apply, a failed rotation rolled back, a rotation, a
// saved plan, `rollback` and debug logs. No output and no file others can
// read holds the canary or any generated token; the credentials file holds
// the canary, 0600.
func TestCLICanary(t *testing.T) {
	restest.NeedRoot(t)
	c := &cli{t: t, bin: buildCLI(t), root: t.TempDir(), manifest: t.TempDir()}
	raw := make([]byte, 12)
	rand.Read(raw)
	canary := "cpt-cli-canary-" + hex.EncodeToString(raw)
	c.env = []string{"CPT_CLI_CANARY=" + canary}
	must(t, os.WriteFile(filepath.Join(c.manifest, "main.hcl"), []byte(cliManifest), 0o644))
	must(t, os.MkdirAll(filepath.Join(c.root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(c.root, "etc/passwd"), []byte(testPasswd), 0o644))
	must(t, os.MkdirAll(filepath.Join(c.root, "home/openclaw"), 0o750))
	must(t, os.Chown(filepath.Join(c.root, "home/openclaw"), 1000, 1000))

	for _, f := range []string{"text", "json", "markdown"} {
		c.run(0, "plan", "-format", f)
	}
	c.run(0, "apply", "-auto-approve", "-log-level", "debug")
	c.run(0, "plan", "-detailed-exitcode")
	tokens := []string{c.stored()}

	// A rotation that fails on the immutable .env is rolled back.
	env := filepath.Join(c.root, "home/openclaw/.openclaw/.env")
	chattr := exec.Command("chattr", "+i", env).Run()
	restest.Need(t, chattr == nil, "chattr +i on the test filesystem")
	t.Cleanup(func() { exec.Command("chattr", "-i", env).Run() })
	out := c.run(1, "apply", "-auto-approve", "-replace", "secret.gateway_token", "-log-level", "debug")
	must(t, exec.Command("chattr", "-i", env).Run())
	if !strings.Contains(out, "restored") || c.stored() != tokens[0] {
		t.Fatalf("the failed rotation was not rolled back:\n%s", out)
	}
	for _, f := range []string{"text", "json", "markdown"} {
		c.run(0, "plan", "-replace", "secret.gateway_token", "-format", f)
	}
	c.run(0, "plan", "-replace", "secret.gateway_token", "-out", filepath.Join(c.manifest, "saved.plan"))
	c.run(0, "apply", "-auto-approve", "-log-level", "debug", filepath.Join(c.manifest, "saved.plan"))
	tokens = append(tokens, c.stored())
	c.run(0, "rollback", "-log-level", "debug")
	if c.stored() != tokens[0] || !strings.Contains(read2(t, env), tokens[0]) || tokens[0] == tokens[1] {
		t.Fatal("rollback did not bring the first token back to the state and the .env")
	}
	c.run(0, "plan", "-detailed-exitcode")

	restest.CanarySweep(t, "the CLI: plans in 3 formats, apply, failed rotation, saved plan, rollback, debug logs",
		append(tokens, canary), c.outputs, c.root, filepath.Join(c.root, "var/lib/clawplan"))
	cred := filepath.Join(c.root, "home/openclaw/.openclaw/credentials/telegram_bot")
	if fi, err := os.Stat(cred); err != nil || fi.Mode().Perm() != 0o600 || read2(t, cred) != canary {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	if !strings.Contains(strings.Join(c.outputs, ""), "level=DEBUG") {
		t.Fatal("no debug log was captured; the log check is void")
	}
}

func read2(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	must(t, err)
	return string(b)
}

// TestExampleManifest applies testdata/example with the placeholder values
// of its .env.example, which must list every variable the manifest reads.
func TestExampleManifest(t *testing.T) {
	restest.NeedRoot(t)
	dir, err := filepath.Abs("testdata/example")
	must(t, err)
	c := &cli{t: t, bin: buildCLI(t), root: t.TempDir(), manifest: dir}
	listed := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(read2(t, filepath.Join(dir, ".env.example"))), "\n") {
		name, _, _ := strings.Cut(l, "=")
		listed[name] = true
		c.env = append(c.env, l)
	}
	for _, m := range regexp.MustCompile(`source \{ env = "(\w+)" \}`).FindAllStringSubmatch(read2(t, filepath.Join(dir, "main.hcl")), -1) {
		if !listed[m[1]] {
			t.Errorf(".env.example does not list %s", m[1])
		}
	}
	must(t, os.MkdirAll(filepath.Join(c.root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(c.root, "etc/passwd"), []byte(testPasswd), 0o644))
	c.run(0, "validate")
	c.run(0, "apply", "-auto-approve")
	c.run(0, "plan", "-detailed-exitcode")
	for p, want := range map[string]string{
		"home/openclaw/.openclaw/credentials/telegram-bot-token": "123456789:replace-with-the-telegram-bot-token",
		"home/openclaw/.openclaw/credentials/lmstudio":           "replace-with-the-lm-studio-api-key",
	} {
		if got := read2(t, filepath.Join(c.root, p)); got != want {
			t.Errorf("%s: %q", p, got)
		}
	}
	if !strings.Contains(read2(t, filepath.Join(c.root, "home/openclaw/.openclaw/.env")), "OPENCLAW_GATEWAY_TOKEN=replace-with-a-long-random-token-48-hex-characters\n") {
		t.Error("the gateway token is not in .env")
	}
}
