package secret

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// TestEnvFileSourceReadsWhatTheWriterWrote delivers values through the
// .env writer (which quotes them) and reads them back with env_file
// sources into credentials files: the bytes arrive unchanged.
func TestEnvFileSourceReadsWhatTheWriterWrote(t *testing.T) {
	h := newHost(t)
	gw, lm := envSecrets(t)
	apply(t, h, synthesize(t, gw, lm)[0])
	put(t, h, "/home/openclaw/.openclaw/.env", read(t, h, envPath)+"# a later hand-made line wins, as in the gateway's loader\nLATE=first\nLATE=\"second value\"\n", 0o600)
	for key, want := range map[string]string{"OPENCLAW_GATEWAY_TOKEN": "gateway-token-0123456789abcdef", "LM_API_TOKEN": "lm studio key with spaces", "LATE": "second value"} {
		s := decode(t, `secret "copy" {
  source {
    env_file = "/home/openclaw/.openclaw/.env"
    key      = "`+key+`"
  }
  deliver { file = "/etc/copies/`+key+`" }
}`)
		hh := restest.Fresh(h)
		apply(t, hh, s)
		if got := read(t, h, "/etc/copies/"+key); got != want {
			t.Fatalf("%s: delivered %q, want %q", key, got, want)
		}
		if !strings.Contains(hh.Secrets.Redact(want), "(sensitive value)") {
			t.Fatalf("%s: the value read from the .env is not registered with the redactor", key)
		}
	}
}

// TestEnvFileSourceMissing fails the plan with what to do, never a value.
func TestEnvFileSourceMissing(t *testing.T) {
	h := newHost(t)
	src := func(file string) *Secret {
		return decode(t, `secret "gw" {
  source {
    env_file = "`+file+`"
    key      = "OPENCLAW_GATEWAY_TOKEN"
  }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}`)
	}
	_, err := src("/home/openclaw/.openclaw/.env").Probe(context.Background(), h)
	errContains(t, err, "secret.gw: source env_file /home/openclaw/.openclaw/.env does not exist; create it or change source")
	put(t, h, "/home/openclaw/.openclaw/.env", "OTHER=the-other-value-123\n#OPENCLAW_GATEWAY_TOKEN=commented-out-value\n", 0o600)
	_, err = src("/home/openclaw/.openclaw/.env").Probe(context.Background(), restest.Fresh(h))
	errContains(t, err, "secret.gw: /home/openclaw/.openclaw/.env has no OPENCLAW_GATEWAY_TOKEN line; add OPENCLAW_GATEWAY_TOKEN=... to it or change source")
	if strings.Contains(err.Error(), "value-123") || strings.Contains(err.Error(), "commented-out") {
		t.Fatalf("the error shows a value: %v", err)
	}
}

// TestEnvFileSourceValidate: env_file and key go together, once.
func TestEnvFileSourceValidate(t *testing.T) {
	for src, want := range map[string]string{
		`key = "A"`:            "key goes with env_file",
		`env_file = "/x/.env"`: "env_file needs key",
		`env_file = "x/.env"` + "\n" + `key = "A"`:                       "env_file must be an absolute path",
		`env_file = "/x/.env"` + "\n" + `key = "1A"`:                     "Invalid environment variable name",
		`env_file = "/x/.env"` + "\n" + `key = "A"` + "\n" + `env = "B"`: "Secret needs exactly one source",
	} {
		d := diags(t, "secret \"s\" {\n  source {\n"+src+"\n}\n  deliver { env = \"A\" }\n}")
		if !d.HasErrors() || !strings.Contains(d.Error(), want) {
			t.Errorf("source { %s }: %v, want %q", src, d, want)
		}
	}
	if d := diags(t, "secret \"s\" {\n  source {\n    env_file = \"/x/.env\"\n    key = \"A\"\n  }\n  deliver { env = \"A\" }\n}"); d.HasErrors() {
		t.Fatalf("a valid env_file source: %v", d)
	}
}
