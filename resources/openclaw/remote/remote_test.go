package remote

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// fixtureDB writes device_pairing_paired with OpenClaw's column names.
func fixtureDB(t *testing.T, h *resources.Host) {
	full := filepath.Join(h.Root, "home/openclaw/.openclaw/state/openclaw.sqlite")
	os.MkdirAll(filepath.Dir(full), 0o700)
	db, err := sql.Open("sqlite", full)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`CREATE TABLE device_pairing_paired (device_id TEXT PRIMARY KEY, public_key TEXT, display_name TEXT, operator_label TEXT, platform TEXT, device_family TEXT, client_id TEXT, client_mode TEXT, browser_origin TEXT, role TEXT, roles_json TEXT, scopes_json TEXT, approved_scopes_json TEXT, remote_ip TEXT, tokens_json TEXT, approved_via TEXT, node_surface_json TEXT, pending_node_surface_json TEXT, created_at_ms INTEGER, approved_at_ms INTEGER, last_seen_at_ms INTEGER, last_seen_reason TEXT)`,
		`INSERT INTO device_pairing_paired (device_id, display_name, scopes_json, approved_scopes_json, tokens_json) VALUES ('aaaa1111', 'gateway-client', '["operator.admin"]', '["operator.admin"]', '{"operator":{"token":"CANARY-DEVICE-TOKEN","role":"operator","scopes":["operator.read"]}}')`,
		`INSERT INTO device_pairing_paired (device_id, display_name, scopes_json, approved_scopes_json, tokens_json) VALUES ('bbbb2222', 'phone', '["operator.read"]', '["operator.read"]', '{"operator":{"token":"x","role":"operator","scopes":["operator.read"]}}')`}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(h.Root, "etc/passwd"), []byte("openclaw:x:1000:1000::/home/openclaw:/bin/bash\n"), 0o644)
}

func TestDevicesDiffFromFixture(t *testing.T) {
	h := restest.NewHost(t)
	os.MkdirAll(filepath.Join(h.Root, "etc"), 0o755)
	fixtureDB(t, h)
	d := &devices{addr: resources.Addr{Kind: DevicesKind, Name: "main"}, set: settings{User: "openclaw", Port: 1,
		Scopes: map[string][]string{"gateway-client": {"operator.write"}, "absent": {"operator.read"}}}}
	_, c := restest.Plan(t, h, d)
	if c.Action != resources.Update || len(c.Attrs) != 1 {
		t.Fatalf("want one update, got %+v", c)
	}
	if got := c.Attrs[0].After.([]any); len(got) != 2 || got[0] != "operator.read" || got[1] != "operator.write" {
		t.Fatalf("after = %v, want normalized [operator.read operator.write]", got)
	}
	raw, _ := json.Marshal(c)
	if strings.Contains(string(raw), "CANARY-DEVICE-TOKEN") || !strings.Contains(string(raw), "not paired yet") {
		t.Fatalf("plan leaks the token or misses the unpaired note: %s", raw)
	}
	d.set.Scopes = map[string][]string{"phone": {"operator.write"}}
	st, _ := d.Probe(context.Background(), restest.Fresh(h))
	if _, err := d.Diff(st); err == nil || !strings.Contains(err.Error(), "devices approve") {
		t.Fatalf("scopes beyond the approved baseline must fail the plan with the re-approval steps, got %v", err)
	}
}

func TestTunnelTokenNeverShown(t *testing.T) {
	h := restest.NewHost(t)
	const canary = "CANARY-TUNNEL-TOKEN-0123456789"
	os.MkdirAll(filepath.Join(h.Root, "etc/clawplan"), 0o700)
	os.WriteFile(filepath.Join(h.Root, "etc/clawplan/cf"), []byte(canary+"\n"), 0o600)
	tn := &tunnel{addr: resources.Addr{Kind: TunnelKind, Name: "main"}, set: settings{Port: 18789, Bind: "loopback", Tunnel: &tunnelConf{Secret: "cf", File: "/etc/clawplan/cf"}}}
	c := restest.Lifecycle(t, h, tn)
	raw, _ := json.Marshal(c)
	if strings.Contains(string(raw), canary) || strings.Contains(tn.unit(), canary) {
		t.Fatalf("token in the plan or the unit: %s", raw)
	}
	notes := strings.Join(c.Notes, "\n")
	for _, want := range []string{"SECURITY: the seed sets gateway bind = \"lan\"", "allowInsecureAuth", "manual step: cloudflared is not installed"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes miss %q:\n%s", want, notes)
		}
	}
	_, c2 := restest.Plan(t, restest.Fresh(h), tn)
	if err := tn.Apply(context.Background(), restest.Fresh(h), c2); err != nil {
		t.Fatal(err)
	}
	env, err := os.Stat(filepath.Join(h.Root, EnvPath))
	if err != nil || env.Mode().Perm() != 0o600 {
		t.Fatalf("env file: %v %v", env, err)
	}
}

func TestSSHVerifyEvidence(t *testing.T) {
	s := &sshTunnel{addr: resources.Addr{Kind: SSHKind, Name: "main"}, set: settings{Port: 18789, SSH: &sshConf{Host: "vm.example", User: "openclaw"}}}
	cs := s.Verify(context.Background(), nil)
	if len(cs) != 1 || !cs[0].Passed || !strings.HasPrefix(cs[0].Evidence, "ssh -L 18789:127.0.0.1:18789 openclaw@vm.example") {
		t.Fatalf("checks = %+v", cs)
	}
}
