package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

var gwService = resources.Addr{Kind: "gateway_service", Name: "main"}

const (
	unitPath   = "/home/openclaw/.config/systemd/user/openclaw-gateway.service"
	configPath = "/home/openclaw/.openclaw/openclaw.json"
	token      = "5f1c0e9a7b3d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c"
	// configV1 is what the gateway needs to start offline on loopback.
	configV1 = `{"gateway":{"mode":"local","bind":"loopback","port":18789,"auth":{"mode":"token"}},` +
		`"discovery":{"mdns":{"mode":"off"}},"update":{"checkOnStart":false},"models":{"catalogRefresh":{"enabled":false}}}`
)

// configV2 and configV3 are later versions of the same config;
// configNoMode lacks gateway.mode, so the gateway refuses to start (78).
var (
	configV2     = strings.Replace(configV1, `"update"`, `"logging":{"level":"info"},"update"`, 1)
	configV3     = strings.Replace(configV1, `"update"`, `"logging":{"level":"debug"},"update"`, 1)
	configNoMode = strings.Replace(configV2, `"mode":"local",`, ``, 1)
)

// manifest is the stand-in manifest: the gateway, its openclaw.json and
// its .env (each triggering the gateway's restart when it changes), and
// extra blocks.
func manifest(port int, config, extra string) string {
	return fmt.Sprintf(`
rt_gateway "main" {
  user = "openclaw"
  port = %d
  bind = "loopback"
}
rt_file "config" {
  path     = %q
  content  = %q
  owner    = "openclaw"
  restarts = "main"
}
rt_file "env" {
  path     = "/home/openclaw/.openclaw/.env"
  content  = "OPENCLAW_GATEWAY_TOKEN=%s\n"
  owner    = "openclaw"
  restarts = "main"
}
%s`, port, configPath, config, token, extra)
}

// TestInsideSystemdContainer runs only inside the container that
// TestGatewayInSystemdContainer starts, as root, against the real user
// manager of the openclaw user and the real OpenClaw gateway. The steps
// build on each other.
func TestInsideSystemdContainer(t *testing.T) {
	if os.Getenv(insideEnv) == "" {
		t.Skip("runs inside the systemd container only (TestGatewayInSystemdContainer starts it)")
	}
	standIns()
	dir := t.TempDir()
	firstApply(t, dir)
	configChangeRestartsOnce(t, dir)
	failedApplyOwesRestart(t, dir)
	refusedConfigKeepsGateway(t, dir)
	rollbackRestoresUnit(t, dir)
}

// firstApply: for a fresh user the install is found, the unit is written
// and enabled, lingering starts the user manager, the refresh starts the
// gateway, which answers on loopback; the next plan has no changes.
func firstApply(t *testing.T, dir string) {
	s := session(t, dir, manifest(18789, configV1, ""))
	p := plan(t, s)
	if c, _ := p.Change(gwService); c.Action != resources.Create {
		t.Fatalf("first plan for %s: %+v", gwService, c)
	}
	res := apply(t, s, p)
	if !slices.Equal(res.Refreshed, []resources.Addr{gwService}) {
		t.Fatalf("refreshed %v, want exactly %s", res.Refreshed, gwService)
	}
	st := status(t)
	if st.UnitFileState != "enabled" || st.ActiveState != "active" {
		t.Fatalf("after the first apply: %+v", st)
	}
	if _, err := os.Stat("/var/lib/systemd/linger/openclaw"); err != nil {
		t.Fatalf("lingering: %v", err)
	}
	t.Logf("plan note: %s", waitListening(t, dir, 18789))
	answer(t, 18789)
	if p := plan(t, session(t, dir, manifest(18789, configV1, ""))); p.HasChanges() {
		t.Fatalf("second plan has changes: %+v", p.Changes)
	}
}

// configChangeRestartsOnce: a config change restarts the gateway once,
// after the write.
func configChangeRestartsOnce(t *testing.T, dir string) {
	cursor := journalCursor(t)
	before := status(t)
	s := session(t, dir, manifest(18789, configV2, ""))
	res := apply(t, s, plan(t, s))
	after := status(t)
	if !slices.Equal(res.Refreshed, []resources.Addr{gwService}) || after.InvocationID == before.InvocationID || !after.Active() {
		t.Fatalf("config change: refreshed %v, invocation %s -> %s (%s)", res.Refreshed, before.InvocationID, after.InvocationID, after.ActiveState)
	}
	if n := startsSince(t, cursor); n != 1 {
		t.Fatalf("the gateway started %d times for one config change, want 1", n)
	}
}

// failedApplyOwesRestart: a failed apply after the config write leaves the
// old config, does not restart the gateway, and journals the restart; the
// next plan shows it owed and the next apply restarts once.
func failedApplyOwesRestart(t *testing.T, dir string) {
	running := status(t)
	s := session(t, dir, manifest(18789, configV3, `rt_fail "boom" {
  depends_on = [rt_file.config]
}`))
	if _, err := s.Apply(context.Background(), plan(t, s)); err == nil {
		t.Fatal("the apply with rt_fail succeeded")
	}
	if b, _ := os.ReadFile(configPath); string(b) != configV2 {
		t.Fatalf("after the failed apply openclaw.json is %s, want the old config", b)
	}
	if now := status(t); now.InvocationID != running.InvocationID {
		t.Fatal("the gateway restarted although the apply failed")
	}
	s = session(t, dir, manifest(18789, configV2, ""))
	p := plan(t, s)
	if !slices.Equal(p.Pending, []resources.Addr{gwService}) || !p.HasChanges() {
		t.Fatalf("the next plan should owe %s a restart: pending %v", gwService, p.Pending)
	}
	cursor := journalCursor(t)
	res := apply(t, s, p)
	if !slices.Equal(res.Refreshed, []resources.Addr{gwService}) || startsSince(t, cursor) != 1 || status(t).InvocationID == running.InvocationID {
		t.Fatalf("the owed restart: refreshed %v", res.Refreshed)
	}
	if p := plan(t, session(t, dir, manifest(18789, configV2, ""))); len(p.Pending) != 0 || p.HasChanges() {
		t.Fatalf("the owed restart is still pending: %v", p.Pending)
	}
}

// refusedConfigKeepsGateway: a config the gateway refuses (no
// gateway.mode: exit 78, which the unit does not restart) fails the
// restart, so the engine restores the old config and restarts again on
// it: the gateway keeps running.
func refusedConfigKeepsGateway(t *testing.T, dir string) {
	s := session(t, dir, manifest(18789, configNoMode, ""))
	if _, err := s.Apply(context.Background(), plan(t, s)); err == nil || !strings.Contains(err.Error(), "exit status 78") {
		t.Fatalf("apply of a config the gateway refuses: %v", err)
	}
	if b, _ := os.ReadFile(configPath); string(b) != configV2 {
		t.Fatalf("after the refused config openclaw.json is %s, want the old config", b)
	}
	if st := status(t); !st.Active() {
		t.Fatalf("the gateway is down after the refused config: %+v\n%s", st, gatewayLog())
	}
	answer(t, 18789)
}

// rollbackRestoresUnit: a unit change (the port), then rollback: the
// unit's bytes, its enablement and its running state come back, the
// gateway restarts once and listens on the old port again.
func rollbackRestoresUnit(t *testing.T, dir string) {
	oldUnit, _ := os.ReadFile(unitPath)
	s := session(t, dir, manifest(18790, configV2, ""))
	p := plan(t, s)
	if c, _ := p.Change(gwService); c.Action != resources.Update || !hasAttr(c, "unit.Service.ExecStart") {
		t.Fatalf("port change plan: %+v", c)
	}
	apply(t, s, p)
	if b, _ := os.ReadFile(unitPath); !bytes.Contains(b, []byte("gateway --port 18790")) {
		t.Fatalf("unit after the port change:\n%s", b)
	}
	moved := status(t)
	cursor := journalCursor(t)
	if _, err := s.Rollback(context.Background(), engine.Previous); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(unitPath); !bytes.Equal(b, oldUnit) {
		t.Fatalf("unit after rollback:\n%s", b)
	}
	back := status(t)
	if back.UnitFileState != "enabled" || !back.Active() || back.InvocationID == moved.InvocationID || back.NeedDaemonReload {
		t.Fatalf("after rollback: %+v", back)
	}
	if n := startsSince(t, cursor); n != 1 {
		t.Fatalf("the rollback started the gateway %d times, want 1", n)
	}
	waitListening(t, dir, 18789)
	answer(t, 18789)
}

func session(t *testing.T, dir, src string) *engine.Session {
	t.Helper()
	path := filepath.Join(dir, "main.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, diags := engine.Load(path, config.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := engine.NewSession(c, "/", log, true)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func plan(t *testing.T, s *engine.Session) *engine.Plan {
	t.Helper()
	p, err := s.Plan(context.Background(), engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func apply(t *testing.T, s *engine.Session, p *engine.Plan) *engine.ApplyResult {
	t.Helper()
	res, err := s.Apply(context.Background(), p)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func hasAttr(c resources.Change, path string) bool {
	return slices.ContainsFunc(c.Attrs, func(a resources.AttrChange) bool { return a.Path == path })
}

// status asks the openclaw user's manager (uid 1000) about the unit.
func status(t *testing.T) systemd.Status {
	t.Helper()
	ctx := context.Background()
	m, err := systemd.Dial(ctx, systemd.PrivateSocket(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := m.Status(ctx, systemd.UnitName)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitListening re-plans until gateway_service's note says the gateway
// listens on port, on loopback only (read from /proc/net/tcp*).
func waitListening(t *testing.T, dir string, port int) string {
	t.Helper()
	want := fmt.Sprintf("127.0.0.1:%d", port)
	start := time.Now()
	defer func() { t.Logf("listening on %s after %s", want, time.Since(start).Round(100*time.Millisecond)) }()
	deadline := start.Add(60 * time.Second)
	for {
		p := plan(t, session(t, dir, manifest(port, configV2, "")))
		c, _ := p.Change(gwService)
		for _, n := range c.Notes {
			if strings.Contains(n, want) && strings.Contains(n, "only: loopback") {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the gateway did not listen on %s: notes %v, state %+v\n%s", want, c.Notes, status(t), gatewayLog())
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// gatewayLog is the end of what the gateway printed (it logs to the journal).
func gatewayLog() string {
	out, _ := exec.Command("journalctl", "-q", "-o", "short-monotonic", "-n", "60", "_SYSTEMD_USER_UNIT="+systemd.UnitName).CombinedOutput()
	return string(out)
}

// answer checks that the real gateway answers HTTP on loopback.
func answer(t *testing.T, port int) {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: (&net.Dialer{}).DialContext}}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatalf("the gateway does not answer on loopback: %v", err)
	}
	resp.Body.Close()
	t.Logf("GET http://127.0.0.1:%d/ -> %s (server %q)", port, resp.Status, resp.Header.Get("Server"))
}

// journalCursor is the journal's current end.
func journalCursor(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("journalctl", "-n", "0", "--show-cursor", "-q").CombinedOutput()
	cur, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "-- cursor: ")
	if err != nil || !ok {
		t.Fatalf("journal cursor: %v %s", err, out)
	}
	return cur
}

// startsSince counts the user manager's "unit started" entries for the
// unit after cursor. The user manager's entries live in the user's journal
// file, and journalctl does not combine --after-cursor with field matches
// across files, so the fields are matched here.
func startsSince(t *testing.T, cursor string) int {
	t.Helper()
	exec.Command("journalctl", "--sync").Run()
	out, err := exec.Command("journalctl", "--after-cursor="+cursor, "-o", "json", "-q").Output()
	if err != nil {
		t.Fatalf("journalctl: %v %s", err, out)
	}
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(l), &e) != nil {
			continue
		}
		if e["USER_UNIT"] == systemd.UnitName && e["MESSAGE_ID"] == "39f53479d3a045ac8e11786248231fbf" && e["JOB_TYPE"] == "start" {
			n++
		}
	}
	return n
}
