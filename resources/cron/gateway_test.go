package cron

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/restest"
)

// openclawBin is the pinned OpenClaw that scripts/test-deps.sh installs.
const openclawBin = "/var/cache/clawplan/openclaw-current/node_modules/.bin/openclaw"

// testGateway is one real OpenClaw gateway on loopback, shared by every
// test of the package (starting one takes about ten seconds), in a temp
// root whose /home/openclaw is its HOME. TestMain stops it by its PID.
var testGateway struct {
	once sync.Once
	root string
	port int
	cmd  *exec.Cmd
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopGateway()
	os.Exit(code)
}

// gatewayRoot starts the shared gateway on first use and returns its root.
func gatewayRoot(t *testing.T) string {
	t.Helper()
	_, err := os.Stat(openclawBin)
	restest.Need(t, err == nil, "the openclaw CLI at "+openclawBin)
	testGateway.once.Do(startGateway)
	if testGateway.err != nil {
		t.Fatalf("starting the test gateway: %v", testGateway.err)
	}
	return testGateway.root
}

func startGateway() {
	g := &testGateway
	g.root, g.err = os.MkdirTemp("", "cpt-cron-")
	if g.err != nil {
		return
	}
	home := filepath.Join(g.root, "home/openclaw")
	token := randomHex(24)
	if g.port, g.err = freePort(); g.err != nil {
		return
	}
	config := fmt.Sprintf(`{"gateway":{"mode":"local","bind":"loopback","port":%d,"auth":{"mode":"token"}},`+
		`"discovery":{"mdns":{"mode":"off"}},"update":{"checkOnStart":false},"models":{"catalogRefresh":{"enabled":false}}}`, g.port)
	files := map[string]string{
		"etc/passwd":                            fmt.Sprintf("openclaw:x:%d:%d::/home/openclaw:/bin/bash\n", os.Getuid(), os.Getgid()),
		"home/openclaw/.openclaw/openclaw.json": config,
		// The CLI reads the token from ~/.openclaw/.env like the service does.
		"home/openclaw/.openclaw/.env": "OPENCLAW_GATEWAY_TOKEN=" + token + "\n",
	}
	for p, content := range files {
		full := filepath.Join(g.root, p)
		if g.err = os.MkdirAll(filepath.Dir(full), 0o700); g.err != nil {
			return
		}
		if g.err = os.WriteFile(full, []byte(content), 0o600); g.err != nil {
			return
		}
	}
	// Offline: no npm, no catalog, no update check (openclaw.md, section 7).
	os.Setenv("npm_config_offline", "true")
	os.Setenv("npm_config_registry", "http://127.0.0.1:9/")
	os.Setenv(EnvCLI, openclawBin)
	log, err := os.Create(filepath.Join(g.root, "gateway.log"))
	if g.err = err; err != nil {
		return
	}
	g.cmd = exec.Command(openclawBin, "gateway", "run", "--port", strconv.Itoa(g.port), "--bind", "loopback")
	g.cmd.Env = append(cliEnv(home, "openclaw", openclawBin), "OPENCLAW_GATEWAY_TOKEN="+token)
	g.cmd.Dir, g.cmd.Stdout, g.cmd.Stderr = home, log, log
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if g.err = g.cmd.Start(); g.err != nil {
		return
	}
	exited := make(chan struct{})
	go func() { g.cmd.Wait(); close(exited) }()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			g.err = fmt.Errorf("the gateway exited: see %s", log.Name())
			return
		default:
		}
		if reachable(g.port, 0) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	g.err = fmt.Errorf("the gateway did not listen on 127.0.0.1:%d within 90 s: see %s", g.port, log.Name())
}

// stopGateway ends the gateway this package started: SIGTERM to its PID
// (it stops in about 0.1 s), then SIGKILL to the process group it leads,
// which holds only the gateway and its workers.
func stopGateway() {
	g := &testGateway
	if g.cmd != nil && g.cmd.Process != nil {
		pid := g.cmd.Process.Pid
		syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		syscall.Kill(-pid, syscall.SIGKILL)
	}
	if g.root != "" && os.Getenv("CLAWPLAN_KEEP_TEST_GATEWAY") == "" {
		os.RemoveAll(g.root)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// gatewayHost is a Host on the gateway's root, as a new run sees it.
func gatewayHost(t *testing.T) *resources.Host {
	return resources.NewHost(gatewayRoot(t), filepath.Join(testGateway.root, "var/lib/clawplan"), []byte("restest-key"), nil)
}

// gatewayCLI is the package's own CLI runner, for the calls a person or
// another tool would make by hand.
func gatewayCLI(t *testing.T, h *resources.Host) *cli {
	t.Helper()
	acct, err := account.Lookup(h, "openclaw")
	if err != nil {
		t.Fatal(err)
	}
	c, err := newCLI(h, acct, testGateway.port, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func runCLI(t *testing.T, c *cli, args ...string) []byte {
	t.Helper()
	out, err := c.run(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
