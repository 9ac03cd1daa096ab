package remote

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

// EnvCLI names an openclaw executable to use instead of the installed one
// (the same variable resources/cron reads).
const EnvCLI = ocli.EnvCLI

// gatewayWait is how long apply waits for the gateway to listen.
var gatewayWait = 60 * time.Second

// rotate runs `openclaw devices rotate` as the service user through its
// gateway. The output (it carries the new token) is never kept or logged.
func rotate(ctx context.Context, h *resources.Host, acct account.User, set settings, id string, scopes []string) error {
	port := set.Port
	bin, err := findCLI(h, acct.Home, set.Prefix)
	if err != nil {
		return err
	}
	home, err := h.Path(acct.Home)
	if err != nil {
		return err
	}
	args := []string{"devices", "rotate", "--device", id, "--role", "operator"}
	for _, s := range scopes {
		args = append(args, "--scope", s)
	}
	if len(scopes) == 0 {
		args = append(args, "--no-scopes")
	}
	args = append(args, "--json", "--timeout", "30000")
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Dir = portEnv(cliEnv(home, acct.Name, bin), port), home
	if h.Root == "/" && os.Geteuid() == 0 && acct.Exists && acct.UID > 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(acct.UID), Gid: uint32(acct.GID)}}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("openclaw devices rotate --device %s: %s", id, h.Secrets.Redact(failure(err, stdout.Bytes(), stderr.Bytes())))
	}
	return nil
}

// portEnv points the CLI at the gateway's port. `devices` has no --port,
// and --url makes OpenClaw 2026.9.6 demand the token on the command line
// ("gateway url override requires explicit credentials"), where every
// process could read it; OPENCLAW_GATEWAY_PORT keeps the configured local
// target and the token the CLI reads from ~/.openclaw/.env.
func portEnv(env []string, port int) []string {
	return append(env, "OPENCLAW_GATEWAY_PORT="+strconv.Itoa(port))
}

// failure is OpenClaw's JSON error message, else the exit status and the
// last line of stderr only: `devices rotate` prints the new device token
// on stdout, which no redactor knows, so stdout is never quoted.
func failure(err error, stdout, stderr []byte) string {
	var res struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(bytes.TrimSpace(stdout), &res) == nil && res.Error.Message != "" {
		return res.Error.Message
	}
	lines := strings.Split(strings.TrimSpace(string(stderr)), "\n")
	return fmt.Sprintf("%v: %s", err, lines[len(lines)-1])
}

// findCLI looks for openclaw like resources/cron: at the gateway's
// install_prefix, then where ocli.Find looks.
func findCLI(h *resources.Host, home, prefix string) (string, error) {
	return ocli.FindIn(h, home, prefix, "device scopes change only through it")
}

// cliEnv is the environment with the service user's HOME and USER.
func cliEnv(home, user, bin string) []string { return ocli.Env(home, user, bin) }

// listening reports whether the gateway accepts connections on loopback
// within patience.
func listening(port int, patience time.Duration) bool { return ocli.Listening(port, patience) }
