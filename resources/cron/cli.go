package cron

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/schema"
)

// EnvCLI names an openclaw executable to use instead of the installed one.
const EnvCLI = "CLAWPLAN_OPENCLAW"

// envToken is the gateway token variable; the CLI inherits it when set.
const envToken = "OPENCLAW_GATEWAY_TOKEN"

// callTimeout bounds one CLI call; the CLI's own --timeout is shorter.
var callTimeout = 90 * time.Second

// cliSlots bounds concurrent CLI calls: each is a Node process of a few
// hundred megabytes, and the gateway serialises cron changes anyway.
var cliSlots = make(chan struct{}, 2)

// cli runs `openclaw` as the service user, against its gateway.
type cli struct {
	bin     string
	env     []string
	dir     string
	cred    *syscall.Credential
	port    int
	secrets *resources.Redactor
}

// newCLI finds the openclaw executable and prepares the environment for
// acct: HOME is its home (under the root), so the CLI reads its config,
// .env and token like the gateway does.
func newCLI(h *resources.Host, acct account.User, port int) (*cli, error) {
	home, err := h.Path(acct.Home)
	if err != nil {
		return nil, err
	}
	bin, err := findCLI(h, acct.Home)
	if err != nil {
		return nil, err
	}
	c := &cli{bin: bin, dir: home, port: port, secrets: h.Secrets}
	if tok := os.Getenv(envToken); tok != "" {
		h.Secrets.Add(tok)
	}
	c.env = cliEnv(home, acct.Name, bin)
	if h.Root == "/" && os.Geteuid() == 0 && acct.Exists && acct.UID > 0 {
		c.cred = &syscall.Credential{Uid: uint32(acct.UID), Gid: uint32(acct.GID)}
	}
	if _, err := os.Stat(home); err != nil {
		c.dir = "/"
	}
	return c, nil
}

// findCLI looks for openclaw: $CLAWPLAN_OPENCLAW, the service user's
// install at the pinned version (~/.openclaw/runtime/VERSION, as the
// gateway service installs it), ~/.openclaw/runtime, then PATH.
func findCLI(h *resources.Host, home string) (string, error) {
	if p := os.Getenv(EnvCLI); p != "" {
		return p, nil
	}
	var tried []string
	for _, prefix := range []string{path.Join(home, ".openclaw/runtime", schema.OpenClawVersion), path.Join(home, ".openclaw/runtime")} {
		full, err := h.Path(path.Join(prefix, "node_modules/.bin/openclaw"))
		if err != nil {
			continue
		}
		if _, err := os.Stat(full); err == nil {
			return full, nil
		}
		tried = append(tried, full)
	}
	if p, err := exec.LookPath("openclaw"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("the openclaw CLI is not installed (looked in %s and PATH; set %s to use another): cron jobs are changed only through it", strings.Join(tried, ", "), EnvCLI)
}

// cliEnv is the process environment with HOME and USER of the service
// user, and the CLI's directory (where node sits beside it) first in PATH.
func cliEnv(home, user, bin string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "USER", "LOGNAME", "PATH", "OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH":
			continue
		}
		env = append(env, kv)
	}
	dir := filepath.Dir(bin)
	paths := []string{dir, filepath.Join(dir, "..", "node", "bin"), os.Getenv("PATH")}
	return append(env, "HOME="+home, "USER="+user, "LOGNAME="+user, "PATH="+strings.Join(paths, ":"))
}

// run runs one CLI call and returns its JSON output. A failure carries
// OpenClaw's own message, with every known secret scrubbed.
func (c *cli) run(ctx context.Context, args ...string) (json.RawMessage, error) {
	cliSlots <- struct{}{}
	defer func() { <-cliSlots }()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	args = append(args, "--json", "--port", strconv.Itoa(c.port), "--timeout", "30000")
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env, cmd.Dir = c.env, c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := failure(err, stdout.Bytes(), stderr.Bytes())
		if ctx.Err() != nil {
			msg = "no answer within " + callTimeout.String() + " (killed): " + msg
		}
		return nil, fmt.Errorf("openclaw %s: %s", strings.Join(args[:2], " "), c.secrets.Redact(msg))
	}
	out := bytes.TrimSpace(stdout.Bytes())
	if !json.Valid(out) {
		return nil, fmt.Errorf("openclaw %s printed no JSON: %s", strings.Join(args[:2], " "), c.secrets.Redact(lastLines(stdout.String()+stderr.String())))
	}
	return out, nil
}

// failure is the best message a failed call left: the JSON error, else
// the last lines of its output.
func failure(err error, stdout, stderr []byte) string {
	var res struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(bytes.TrimSpace(stdout), &res) == nil && res.Error.Message != "" {
		return res.Error.Message
	}
	return fmt.Sprintf("%v: %s", err, lastLines(string(stdout)+string(stderr)))
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// reachable reports whether something accepts TCP connections on the
// gateway's loopback port, trying for at most patience.
func reachable(port int, patience time.Duration) bool {
	deadline := time.Now().Add(patience)
	for {
		conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 500*time.Millisecond)
		if err == nil {
			conn.Close()
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}
