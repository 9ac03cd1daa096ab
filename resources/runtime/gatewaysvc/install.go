package gatewaysvc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// NPM is the npm program that installs OpenClaw (looked up in PATH).
var NPM = "npm"

// install puts node@NODE and openclaw@VERSION into the prefix, as the
// service user: first Node (any npm can install it), then OpenClaw with
// that Node first in PATH, as the reference install does. It checks the
// result the way a plan does, from package.json files.
func (s *Service) install(ctx context.Context, h *resources.Host, acct account.User, prefix string) error {
	full, err := h.Path(prefix)
	if err != nil {
		return err
	}
	home, err := h.Path(acct.Home)
	if err != nil {
		return err
	}
	owner := hostfs.Owner{UID: acct.UID, GID: acct.GID}
	if err := hostfs.EnsureDir(full, 0o700, owner); err != nil {
		return err
	}
	npm, err := exec.LookPath(NPM)
	if err != nil {
		return fmt.Errorf("npm is needed to install OpenClaw %s into %s: install npm, or put node@%s and openclaw@%s there yourself: %w",
			s.set.Version, prefix, s.set.Node, s.set.Version, err)
	}
	before, err := readInstalled(h, prefix)
	if err != nil {
		return err
	}
	nodeBin := filepath.Join(full, "node_modules/node/bin")
	for _, pkg := range s.packages(before) {
		if err := runNPM(ctx, h, npm, full, home, nodeBin, acct, pkg); err != nil {
			return err
		}
	}
	s.forgetInstall(h, prefix)
	in, err := readInstalled(h, prefix)
	if err != nil {
		return err
	}
	if !in.ok(s.set.Version) {
		return fmt.Errorf("after npm install, %s holds openclaw %q on node %q; OpenClaw %s needs node %s",
			prefix, in.OpenClaw, in.Node, s.set.Version, in.nodeRequirement(s.set.Version))
	}
	return nil
}

// packages are what npm must install, in order: Node unless the installed
// one already satisfies OpenClaw, then OpenClaw.
func (s *Service) packages(in installed) []string {
	var pkgs []string
	if !in.nodeOK(s.set.Version) {
		pkgs = append(pkgs, "node@"+s.set.Node)
	}
	if in.OpenClaw != s.set.Version {
		pkgs = append(pkgs, "openclaw@"+s.set.Version)
	}
	return pkgs
}

func (s *Service) forgetInstall(h *resources.Host, prefix string) {
	h.Forget(path.Join(prefix, "node_modules/openclaw/package.json"))
	h.Forget(path.Join(prefix, "node_modules/node/package.json"))
}

// runNPM runs `npm install` of pkg into prefix as the user, with HOME set
// to the user's home and the prefix's Node first in PATH. npm's output goes
// to the log; its last lines go into the error when it fails.
func runNPM(ctx context.Context, h *resources.Host, npm, prefix, home, nodeBin string, acct account.User, pkg string) error {
	args := []string{"install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=warn", "--save-exact", pkg}
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = prefix
	cmd.Env = append(os.Environ(), "HOME="+home, "PATH="+nodeBin+string(os.PathListSeparator)+os.Getenv("PATH"), "npm_config_update_notifier=false")
	if os.Geteuid() == 0 && acct.UID != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(acct.UID), Gid: uint32(acct.GID)}}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	h.Log.Info("installing with npm", "packages", pkg, "prefix", prefix, "user", acct.Name)
	err := cmd.Run()
	for sc := bufio.NewScanner(bytes.NewReader(out.Bytes())); sc.Scan(); {
		h.Log.Info("npm: " + sc.Text())
	}
	if err != nil {
		return fmt.Errorf("npm install %s into %s: %w\n%s", pkg, prefix, err, tail(out.String(), 20))
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
