package secret

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

func probeErr(t *testing.T, h *resources.Host, s *Secret) error {
	t.Helper()
	_, err := s.Probe(context.Background(), h)
	return err
}

func TestEnvSource(t *testing.T) {
	h := newHost(t)
	t.Setenv("CPT_TOKEN", "env-value-0123456789")
	s := decode(t, `secret "tok" {
  source { env = "CPT_TOKEN" }
  deliver { file = true }
}`)
	ch := apply(t, h, s)
	if ch.Action != resources.Create {
		t.Fatalf("action %s", ch.Action)
	}
	if got := read(t, h, "/home/openclaw/.openclaw/credentials/tok"); got != "env-value-0123456789" {
		t.Fatalf("credentials file holds %q", got)
	}
}

func TestMissingSources(t *testing.T) {
	h := newHost(t)
	os.Unsetenv("CPT_UNSET_VAR")
	t.Setenv("CPT_EMPTY", "")
	cases := map[string][]string{
		`source { env = "CPT_UNSET_VAR" }`:             {"secret.s: environment variable CPT_UNSET_VAR is not set; export it or change source"},
		`source { env = "CPT_EMPTY" }`:                 {"secret.s: the value from environment variable CPT_EMPTY is empty"},
		`source { file = "/etc/clawplan/missing" }`:    {"secret.s: source file /etc/clawplan/missing does not exist"},
		`source { command = ["cpt-no-such-command"] }`: {"secret.s:", "not found in PATH"},
	}
	for src, want := range cases {
		s := decode(t, "secret \"s\" {\n  "+src+"\n  deliver { file = true }\n}")
		errContains(t, probeErr(t, restest.Fresh(h), s), want...)
	}
	entries, _ := os.ReadDir(filepath.Join(h.Root, "home/openclaw"))
	if len(entries) != 0 {
		t.Fatalf("a failed probe left %v in the home", entries)
	}
}

func TestFileSource(t *testing.T) {
	h := newHost(t)
	put(t, h, "/etc/clawplan/tg", "123456:telegram-token\n", 0o600)
	s := decode(t, `secret "tg" {
  source { file = "/etc/clawplan/tg" }
  deliver { file = "/home/openclaw/.openclaw/credentials/telegram-bot-token" }
}`)
	apply(t, h, s)
	if got := read(t, h, "/home/openclaw/.openclaw/credentials/telegram-bot-token"); got != "123456:telegram-token" {
		t.Fatalf("want the value without its trailing newline, got %q", got)
	}
}

func TestCommandSource(t *testing.T) {
	h := newHost(t)
	s := decode(t, `secret "c" {
  source { command = ["printf", "%s\n", "command-value-42"] }
  deliver { file = true }
}`)
	apply(t, h, s)
	if got := read(t, h, "/home/openclaw/.openclaw/credentials/c"); got != "command-value-42" {
		t.Fatalf("got %q", got)
	}
}

func TestCommandFailureHidesStderr(t *testing.T) {
	h := newHost(t)
	s := decode(t, `secret "c" {
  source { command = ["sh", "-c", "echo leaked-canary-value >&2; exit 3"] }
  deliver { file = true }
}`)
	err := probeErr(t, h, s)
	errContains(t, err, "secret.c:", "exit status 3", "stderr, 20 bytes, is not shown")
	if strings.Contains(err.Error(), "leaked-canary") {
		t.Fatalf("stderr echoed: %v", err)
	}
}

func TestCommandTimeout(t *testing.T) {
	h := newHost(t)
	s := decode(t, `secret "c" {
  source {
    command = ["sleep", "30"]
    timeout = "300ms"
  }
  deliver { file = true }
}`)
	start := time.Now()
	errContains(t, probeErr(t, h, s), "timed out after 300ms")
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("timeout took %s", d)
	}
}

const generated = `secret "gw" {
  source {
    generate {
      length   = 40
      alphabet = "alnum"
    }
  }
  deliver { file = true }
}`

func TestGeneratePersistedAndStable(t *testing.T) {
	h := newHost(t)
	s := decode(t, generated)
	_, first := restest.Plan(t, h, s)
	if a, _ := attr(first, "value"); a.Unknown == "" || first.Action != resources.Create {
		t.Fatalf("first plan: want a create with the value unknown until apply: %+v", first)
	}
	must(t, s.Apply(context.Background(), h, first))
	stored := filepath.Join(h.StateDir, "secrets", "gw")
	v, err := os.ReadFile(stored)
	must(t, err)
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).Match(v) {
		t.Fatalf("generated %d bytes not matching alnum{40}", len(v))
	}
	if fi, _ := os.Stat(stored); fi.Mode().Perm() != 0o600 {
		t.Fatalf("stored value mode %o", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(stored)); fi.Mode().Perm() != 0o700 {
		t.Fatalf("stored value dir mode %o", fi.Mode().Perm())
	}
	for i := 0; i < 3; i++ {
		fresh := decode(t, generated)
		if _, ch := restest.Plan(t, restest.Fresh(h), fresh); ch.Action != resources.NoOp {
			t.Fatalf("plan %d after apply: %s %+v", i, ch.Action, ch.Attrs)
		}
	}
	if got := read(t, h, "/home/openclaw/.openclaw/credentials/gw"); got != string(v) {
		t.Fatalf("credentials file differs from the stored value")
	}
}

func TestGenerateSettingsChangeRegenerates(t *testing.T) {
	h := newHost(t)
	apply(t, h, decode(t, generated))
	longer := decode(t, strings.Replace(generated, "40", "64", 1))
	_, ch := restest.Plan(t, restest.Fresh(h), longer)
	a, ok := attr(ch, "value")
	if ch.Action != resources.Update || !ok || !strings.Contains(a.Unknown, "regenerated") {
		t.Fatalf("want an update that regenerates: %+v", ch)
	}
	must(t, longer.Apply(context.Background(), restest.Fresh(h), ch))
	if got := read(t, h, "/home/openclaw/.openclaw/credentials/gw"); len(got) != 64 {
		t.Fatalf("new value has %d characters", len(got))
	}
}

func TestLifecycle(t *testing.T) {
	t.Setenv("CPT_LIFE", "lifecycle-value-1234")
	for name, src := range map[string]string{
		"env": `secret "life" {
  source { env = "CPT_LIFE" }
  deliver { file = true }
  deliver { file = "/etc/openclaw/life" }
}`,
		"generate": generated,
	} {
		t.Run(name, func(t *testing.T) {
			restest.Lifecycle(t, newHost(t), decode(t, src))
		})
	}
}
