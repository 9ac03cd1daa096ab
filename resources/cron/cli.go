package cron

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/openclaw/ocli"
)

// EnvCLI names an openclaw executable to use instead of the installed one.
const EnvCLI = ocli.EnvCLI

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
func newCLI(h *resources.Host, acct account.User, port int, prefix string) (*cli, error) {
	home, err := h.Path(acct.Home)
	if err != nil {
		return nil, err
	}
	bin, err := findCLI(h, acct.Home, prefix)
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

// findCLI looks for openclaw at the gateway's install_prefix, then where
// ocli.Find looks.
func findCLI(h *resources.Host, home, prefix string) (string, error) {
	return ocli.FindIn(h, home, prefix, "cron jobs are changed only through it")
}

// cliEnv is the service user's environment for the CLI (ocli.Env).
func cliEnv(home, user, bin string) []string { return ocli.Env(home, user, bin) }

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

// failure and lastLines are ocli's.
func failure(err error, stdout, stderr []byte) string { return ocli.Failure(err, stdout, stderr) }

func lastLines(s string) string { return ocli.LastLines(s) }

// reachable reports whether the gateway listens (ocli.Listening).
func reachable(port int, patience time.Duration) bool { return ocli.Listening(port, patience) }
