// Package ocli finds and prepares the openclaw CLI for kinds that can change
// something only through the running gateway (cron jobs, device scopes):
// where the CLI is, the service user's environment to run it in, the
// message a failed call left, and whether the gateway listens.
package ocli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/schema"
)

// EnvCLI names an openclaw executable to use instead of the installed one.
const EnvCLI = "CLAWPLAN_OPENCLAW"

// Find looks for openclaw: $CLAWPLAN_OPENCLAW, the service user's install
// at the pinned version (~/.openclaw/runtime/VERSION, as the gateway
// service installs it), ~/.openclaw/runtime, then PATH. why completes the
// error: what only the CLI can change.
func Find(h *resources.Host, home, why string) (string, error) { return FindIn(h, home, "", why) }

// FindIn is Find with the gateway block's install_prefix (absolute, on the
// host) tried first; "" means the default prefix.
func FindIn(h *resources.Host, home, installPrefix, why string) (string, error) {
	if p := os.Getenv(EnvCLI); p != "" {
		return p, nil
	}
	var tried []string
	prefixes := []string{path.Join(home, ".openclaw/runtime", schema.OpenClawVersion), path.Join(home, ".openclaw/runtime")}
	if installPrefix != "" {
		prefixes = append([]string{installPrefix}, prefixes...)
	}
	for _, prefix := range prefixes {
		if bin, ok := InPrefix(h, prefix); ok {
			return bin, nil
		}
		tried = append(tried, path.Join(prefix, "node_modules/.bin/openclaw"))
	}
	if p, err := exec.LookPath("openclaw"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("the openclaw CLI is not installed (looked in %s and PATH; set %s to use another): %s", strings.Join(tried, ", "), EnvCLI, why)
}

// InPrefix is the openclaw executable of an npm install prefix on the
// host, if there is one. npm makes node_modules/.bin/openclaw a relative
// symlink into node_modules/openclaw: it is followed only while every link
// is root's and stays under the root (hostfs.ResolveRead), and the link
// itself is returned, so node_modules/.bin (where node is) stays its dir.
func InPrefix(h *resources.Host, prefix string) (string, bool) {
	p := path.Join(prefix, "node_modules/.bin/openclaw")
	full, err := hostfs.ResolveRead(h.Root, p)
	if err != nil {
		return "", false
	}
	if fi, err := os.Stat(full); err != nil || fi.IsDir() {
		return "", false
	}
	return filepath.Join(h.Root, p), true
}

// Env is the process environment with HOME and USER of the service user,
// and the CLI's directory (where node sits beside it) first in PATH.
func Env(home, user, bin string) []string {
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

// Failure is the best message a failed call left: OpenClaw's JSON error,
// else the last lines of its output (callers redact it).
func Failure(err error, stdout, stderr []byte) string {
	var res struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(bytes.TrimSpace(stdout), &res) == nil && res.Error.Message != "" {
		return res.Error.Message
	}
	return fmt.Sprintf("%v: %s", err, LastLines(string(stdout)+string(stderr)))
}

// LastLines is the last eight lines of s.
func LastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// Listening reports whether something accepts TCP connections on the
// gateway's loopback port, trying for at most patience.
func Listening(port int, patience time.Duration) bool {
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
