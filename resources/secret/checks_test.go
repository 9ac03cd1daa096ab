package secret

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

const configFile = "/home/openclaw/.openclaw/openclaw.json"

func TestLiteralTokenNote(t *testing.T) {
	t.Setenv("CLAWPLAN_GATEWAY_TOKEN", "gateway-token-0123456789")
	cases := map[string]bool{
		"{\n  // JSON5, as OpenClaw allows\n  gateway: {auth: {mode: 'token', token: 'literal-token-abcdef',},},\n}":        true,
		`{"gateway":{"auth":{"mode":"token","token":"${OPENCLAW_GATEWAY_TOKEN}"}}}`:                                         false,
		`{"gateway":{"auth":{"mode":"token","token":{"source":"env","provider":"default","id":"OPENCLAW_GATEWAY_TOKEN"}}}}`: false,
		`{"gateway":{"auth":{"mode":"token"}}}`: false,
	}
	for cfg, want := range cases {
		h := newHost(t)
		put(t, h, configFile, cfg, 0o600)
		_, ch := restest.Plan(t, h, decode(t, envToken))
		got := strings.Contains(strings.Join(ch.Notes, " "), "holds a literal gateway.auth.token")
		if got != want {
			t.Errorf("%s: note %v, want %v (%v)", cfg, got, want, ch.Notes)
		}
		if strings.Contains(asJSON(t, ch), "literal-token-abcdef") {
			t.Errorf("the note shows the literal token")
		}
	}
}

func TestLiteralTokenNoteForFileDeliveredToken(t *testing.T) {
	h := newHost(t)
	put(t, h, configFile, `{"gateway":{"auth":{"token":"literal-token-abcdef"}}}`, 0o600)
	t.Setenv("CPT_F", "file-token-0123456789")
	s := decode(t, `secret "gw_file" {
  source { env = "CPT_F" }
  deliver { file = true }
}`)
	if d := s.CrossValidate(catalog{s, gatewayWith(s.Export())}); d.HasErrors() {
		t.Fatal(d.Error())
	}
	if _, ch := restest.Plan(t, h, s); !strings.Contains(strings.Join(ch.Notes, " "), "literal gateway.auth.token") {
		t.Fatalf("no note: %v", ch.Notes)
	}
}

func TestUserNotCreatedYet(t *testing.T) {
	h := restest.NewHost(t)
	put(t, h, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644)
	t.Setenv("CPT_U", "user-value-0123456789")
	s := decode(t, `secret "u" {
  source { env = "CPT_U" }
  deliver { file = true }
}`)
	_, ch := restest.Plan(t, h, s)
	a, ok := attr(ch, credDir+"/u:owner")
	if ch.Action != resources.Create || !ok || !strings.Contains(a.Unknown, "user openclaw is not created yet") {
		t.Fatalf("want a create whose owner is unknown: %+v", ch)
	}
	err := s.Apply(context.Background(), h, ch)
	errContains(t, err, "user openclaw does not exist")
	if _, err := readErr(h, "/home"); err == nil {
		t.Fatal("a failed apply wrote something")
	}
}

func TestHomeElsewhere(t *testing.T) {
	h := restest.NewHost(t)
	put(t, h, "/etc/passwd", "openclaw:x:1000:1000::/srv/openclaw:/bin/sh\n", 0o644)
	t.Setenv("CPT_H", "home-value-0123456789")
	s := decode(t, `secret "h" {
  source { env = "CPT_H" }
  deliver { file = true }
}`)
	errContains(t, probeErr(t, h, s), "home is /srv/openclaw", `file = "/srv/openclaw/.openclaw/credentials/h"`)
}
