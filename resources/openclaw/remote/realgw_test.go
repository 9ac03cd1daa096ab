package remote

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
)

// openclawBin is the pinned OpenClaw that scripts/test-deps.sh installs.
const openclawBin = "/var/cache/clawplan/openclaw-current/node_modules/.bin/openclaw"

// realGateway is one OpenClaw gateway on loopback in a temp root whose
// /home/openclaw is its HOME, as resources/cron's tests start it.
type realGateway struct {
	root, home string
	port       int
	token      string
	proc       *exec.Cmd
}

// newRealGateway prepares the root: passwd, a token-mode config with no
// token (OpenClaw then pairs the local CLI device itself), offline npm.
func newRealGateway(t *testing.T) *realGateway {
	t.Helper()
	_, err := os.Stat(openclawBin)
	restest.Need(t, err == nil, "the openclaw CLI at "+openclawBin)
	t.Setenv(EnvCLI, openclawBin)
	t.Setenv("OPENCLAW_GATEWAY_TOKEN", "")
	os.Unsetenv("OPENCLAW_GATEWAY_TOKEN")
	t.Setenv("npm_config_offline", "true")
	t.Setenv("npm_config_registry", "http://127.0.0.1:9/")
	root, err := os.MkdirTemp("", "cpt-devices-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	g := &realGateway{root: root, home: filepath.Join(root, "home/openclaw"), port: freePort(t), token: randomHex(24)}
	config := fmt.Sprintf(`{"gateway":{"mode":"local","bind":"loopback","port":%d,"auth":{"mode":"token"}},`+
		`"discovery":{"mdns":{"mode":"off"}},"update":{"checkOnStart":false},"models":{"catalogRefresh":{"enabled":false}}}`, g.port)
	g.write(t, "etc/passwd", fmt.Sprintf("openclaw:x:%d:%d::/home/openclaw:/bin/bash\n", os.Getuid(), os.Getgid()))
	g.write(t, "home/openclaw/.openclaw/openclaw.json", config)
	return g
}

func (g *realGateway) write(t *testing.T, p, content string) {
	t.Helper()
	full := filepath.Join(g.root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs `openclaw gateway run` and waits until it listens.
func (g *realGateway) start(t *testing.T, name string) {
	t.Helper()
	g.proc = startProc(t, g.home, filepath.Join(g.root, name+".log"), nil, "gateway", "run", "--port", strconv.Itoa(g.port), "--bind", "loopback")
	exited := make(chan struct{})
	go func() { g.proc.Wait(); close(exited) }()
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("the gateway exited:\n%s", tail(g.root, name+".log"))
		default:
		}
		if listening(g.port, 0) {
			return
		}
	}
	t.Fatalf("the gateway did not listen on 127.0.0.1:%d within 120 s:\n%s", g.port, tail(g.root, name+".log"))
}

// startProc starts openclaw in its own process group with HOME=home and
// the extra variables env; the test's cleanup stops it.
func startProc(t *testing.T, home, logPath string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(openclawBin, args...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = append(cliEnv(home, "openclaw", openclawBin), env...), home, log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopProc(cmd); log.Close() })
	return cmd
}

// stopProc ends a process this test started: SIGTERM to its PID, then
// SIGKILL to the process group it leads (only it and its workers).
func stopProc(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	pid := cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
}

// stop ends the gateway and waits until its port is free.
func (g *realGateway) stop(t *testing.T) {
	t.Helper()
	stopProc(g.proc)
	for i := 0; i < 100 && listening(g.port, 0); i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

// openclaw runs the CLI as a person would in the service user's HOME
// (the token from ~/.openclaw/.env) and returns its stdout. Output is
// never quoted on failure beyond OpenClaw's own error message.
func (g *realGateway) openclaw(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(openclawBin, append(args, "--json", "--timeout", "30000")...)
	cmd.Env, cmd.Dir = portEnv(cliEnv(g.home, "openclaw", openclawBin), g.port), g.home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("openclaw %s: %s", strings.Join(args[:2], " "), strings.ReplaceAll(failure(err, stdout.Bytes(), stderr.Bytes()), g.token, "***"))
	}
	return stdout.Bytes()
}

// openclawFails runs a CLI call that should fail and returns OpenClaw's
// message; ok is false when it succeeded.
func (g *realGateway) openclawFails(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(openclawBin, append(args, "--json", "--timeout", "30000")...)
	cmd.Env, cmd.Dir = portEnv(cliEnv(g.home, "openclaw", openclawBin), g.port), g.home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return failure(err, stdout.Bytes(), stderr.Bytes()), true
	}
	return "", false
}

// listed is one paired device as `openclaw devices list --json` shows it.
type listed struct {
	DeviceID      string   `json:"deviceId"`
	DisplayName   string   `json:"displayName"`
	OperatorLabel string   `json:"operatorLabel"`
	ClientID      string   `json:"clientId"`
	Role          string   `json:"role"`
	Roles         []string `json:"roles"`
	Scopes        []string `json:"scopes"`
	Tokens        []struct {
		Role        string   `json:"role"`
		Scopes      []string `json:"scopes"`
		CreatedAtMs int64    `json:"createdAtMs"`
		RotatedAtMs int64    `json:"rotatedAtMs"`
	} `json:"tokens"`
}

// devices is OpenClaw's own listing of the paired devices.
func (g *realGateway) devices(t *testing.T) []listed {
	t.Helper()
	var out struct {
		Paired []listed `json:"paired"`
	}
	if err := json.Unmarshal(g.openclaw(t, "devices", "list"), &out); err != nil {
		t.Fatal(err)
	}
	return out.Paired
}

// tokenScopes is the scopes of a listed device's token for role.
func (l listed) tokenScopes(role string) []string {
	for _, tk := range l.Tokens {
		if tk.Role == role {
			return tk.Scopes
		}
	}
	return nil
}

func byField(t *testing.T, devs []listed, match func(listed) bool, what string) listed {
	t.Helper()
	var hits []listed
	for _, d := range devs {
		if match(d) {
			hits = append(hits, d)
		}
	}
	if len(hits) != 1 {
		t.Fatalf("want exactly one paired device that is %s, got %d: %+v", what, len(hits), devs)
	}
	return hits[0]
}

func tail(root, name string) string {
	raw, _ := os.ReadFile(filepath.Join(root, name))
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
