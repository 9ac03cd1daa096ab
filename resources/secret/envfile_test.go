package secret

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

const envPath = "/home/openclaw/.openclaw/.env"

const foreign = `# written by hand
EXISTING_KEY=keep-me   # a comment
export OTHER="quoted value"

OPENCLAW_GATEWAY_TOKEN=hand-written-old-token
LAST=1
`

func envSecrets(t *testing.T) (*Secret, *Secret) {
	t.Setenv("CPT_GW", "gateway-token-0123456789abcdef")
	t.Setenv("CPT_LM", "lm studio key with spaces")
	gw := decode(t, `secret "gateway_token" {
  source { env = "CPT_GW" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}`)
	lm := decode(t, `secret "lmstudio" {
  source { env = "CPT_LM" }
  deliver { env = "LM_API_TOKEN" }
}`)
	return gw, lm
}

func TestEnvFileCreates(t *testing.T) {
	h := newHost(t)
	gw, lm := envSecrets(t)
	ws := synthesize(t, gw, lm)
	if len(ws) != 1 || ws[0].Addr().String() != "secret_env.openclaw" {
		t.Fatalf("want one writer secret_env.openclaw, got %v", ws)
	}
	if deps := ws[0].DependsOn(); len(deps) != 2 {
		t.Fatalf("writer depends on %v", deps)
	}
	ch := restest.Lifecycle(t, h, ws[0])
	if ch.Action != resources.Create || len(ch.Files) != 1 || !ch.Files[0].Sensitive || ch.Files[0].Before+ch.Files[0].After != "" {
		t.Fatalf("want a create with one sensitive file and no contents: %+v", ch)
	}
	apply(t, restest.Fresh(h), ws[0])
	want := "# clawplan: secret.gateway_token" + markerSuffix + "\nOPENCLAW_GATEWAY_TOKEN=gateway-token-0123456789abcdef\n" +
		"# clawplan: secret.lmstudio" + markerSuffix + "\nLM_API_TOKEN='lm studio key with spaces'\n"
	if got := read(t, h, envPath); got != want {
		t.Fatalf(".env:\n%s\nwant:\n%s", got, want)
	}
	fi := stat(t, h, envPath)
	if fi.Mode().Perm() != 0o600 || stat(t, h, "/home/openclaw/.openclaw").Mode().Perm() != 0o700 {
		t.Fatalf(".env %o, ~/.openclaw %o", fi.Mode().Perm(), stat(t, h, "/home/openclaw/.openclaw").Mode().Perm())
	}
}

func TestEnvFilePreservesForeignLines(t *testing.T) {
	h := newHost(t)
	put(t, h, envPath, foreign+"OPENCLAW_GATEWAY_TOKEN=a-later-duplicate\n", 0o644)
	gw, lm := envSecrets(t)
	w := synthesize(t, gw, lm)[0]
	_, ch := restest.Plan(t, h, w)
	if a, ok := attr(ch, envPath+":mode"); !ok || a.Before != "0644" || a.After != "0600" {
		t.Fatalf("want the mode change 0644 -> 0600 in the plan: %v", attrPaths(ch))
	}
	notes := strings.Join(ch.Notes, "\n")
	if !strings.Contains(notes, "takes over the existing OPENCLAW_GATEWAY_TOKEN line") || !strings.Contains(notes, "removes a later OPENCLAW_GATEWAY_TOKEN line") {
		t.Fatalf("notes: %s", notes)
	}
	if strings.Contains(asJSON(t, ch), "hand-written-old-token") || strings.Contains(asJSON(t, ch), "a-later-duplicate") {
		t.Fatalf("the plan shows an old value: %s", asJSON(t, ch))
	}
	must(t, w.Apply(context.Background(), h, ch))
	want := `# written by hand
EXISTING_KEY=keep-me   # a comment
export OTHER="quoted value"

# clawplan: secret.gateway_token` + markerSuffix + `
OPENCLAW_GATEWAY_TOKEN=gateway-token-0123456789abcdef
LAST=1
# clawplan: secret.lmstudio` + markerSuffix + `
LM_API_TOKEN='lm studio key with spaces'
`
	if got := read(t, h, envPath); got != want {
		t.Fatalf(".env:\n%s\nwant:\n%s", got, want)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), w); again.Action != resources.NoOp {
		t.Fatalf("second plan %s: %+v", again.Action, again)
	}
}

func TestEnvFilePrunesRemovedSecret(t *testing.T) {
	h := newHost(t)
	put(t, h, envPath, foreign, 0o600)
	gw, lm := envSecrets(t)
	apply(t, h, synthesize(t, gw, lm)[0])
	// lmstudio is removed from the manifest: the writer of the remaining
	// secrets drops its line and marker, and nothing else.
	w := synthesize(t, gw)[0]
	_, ch := restest.Plan(t, restest.Fresh(h), w)
	if a, ok := attr(ch, "env.LM_API_TOKEN"); !ok || a.After != nil || !a.Sensitive {
		t.Fatalf("want env.LM_API_TOKEN removed: %+v", ch.Attrs)
	}
	must(t, w.Apply(context.Background(), restest.Fresh(h), ch))
	got := read(t, h, envPath)
	if strings.Contains(got, "LM_API_TOKEN") || strings.Contains(got, "secret.lmstudio") {
		t.Fatalf("lmstudio lines left:\n%s", got)
	}
	for _, keep := range []string{"# written by hand", "EXISTING_KEY=keep-me   # a comment", `export OTHER="quoted value"`, "LAST=1", "OPENCLAW_GATEWAY_TOKEN=gateway-token"} {
		if !strings.Contains(got, keep) {
			t.Fatalf("%q lost:\n%s", keep, got)
		}
	}
}

func TestEnvFileOrphan(t *testing.T) {
	h := newHost(t)
	put(t, h, envPath, "FOREIGN=1\n", 0o600)
	gw, lm := envSecrets(t)
	w := synthesize(t, gw, lm)[0]
	apply(t, h, w)
	rec, err := w.Ownership()
	must(t, err)
	orphan, err := EnvKind{}.Orphan(w.Addr(), rec)
	must(t, err)
	_, ch := restest.Plan(t, restest.Fresh(h), orphan)
	if ch.Action != resources.Delete {
		t.Fatalf("orphan action %s", ch.Action)
	}
	must(t, orphan.Apply(context.Background(), restest.Fresh(h), ch))
	if got := read(t, h, envPath); got != "FOREIGN=1\n" {
		t.Fatalf("after orphan delete: %q", got)
	}
	// With nothing but clawplan's lines, the file goes.
	put(t, h, envPath, "", 0o600)
	apply(t, restest.Fresh(h), w)
	_, ch = restest.Plan(t, restest.Fresh(h), orphan)
	must(t, orphan.Apply(context.Background(), restest.Fresh(h), ch))
	if _, err := readErr(h, envPath); err == nil {
		t.Fatalf(".env with only clawplan's lines should be removed")
	}
}

func TestQuoteEnv(t *testing.T) {
	for in, want := range map[string]string{
		"abcDEF0123-_.":   "abcDEF0123-_.",
		"has space":       "'has space'",
		"hash#value":      "'hash#value'",
		`back\slash`:      `'back\slash'`,
		"it's":            `"it's"`,
		`it's "x"`:        "",
		"line\nbreak":     "",
		`it's $HOME`:      "",
		"trailing space ": "'trailing space '",
	} {
		got, err := quoteEnv([]byte(in))
		if (err != nil) != (want == "") || got != want {
			t.Errorf("quoteEnv(%q) = %q, %v; want %q", in, got, err, want)
		}
		if want != "" && unquoteEnv(got) != in {
			t.Errorf("unquoteEnv(%q) = %q, want %q", got, unquoteEnv(got), in)
		}
	}
}
