package vm

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/clawplan/clawplan/resources"
)

// SeedPackages are the packages of the seed's section 3 (plus nftables,
// which the firewall needs): every vm block installs them.
var SeedPackages = []string{"curl", "ca-certificates", "gnupg", "nftables", "build-essential", "procps", "file", "git"}

// dpkgStatus is where dpkg records what is installed.
const dpkgStatus = "/var/lib/dpkg/status"

// installedPackages reads dpkg's status file (through the read cache) and
// returns the packages whose status is "installed". Reading the file is
// what `dpkg-query` does, without starting a process per package.
func installedPackages(h *resources.Host) (map[string]bool, error) {
	f, err := h.ReadFile(dpkgStatus)
	if err != nil || !f.Exists {
		return map[string]bool{}, err
	}
	return parseDpkgStatus(string(f.Content)), nil
}

// parseDpkgStatus returns the installed packages of a dpkg status text:
// stanzas of "Field: value" lines separated by blank lines. A multi-arch
// package counts as installed in any architecture.
func parseDpkgStatus(text string) map[string]bool {
	out := map[string]bool{}
	var name, status string
	flush := func() {
		if name != "" && strings.HasSuffix(status, " installed") {
			out[name] = true
		}
		name, status = "", ""
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "Package:"):
			name = strings.TrimSpace(strings.TrimPrefix(line, "Package:"))
		case strings.HasPrefix(line, "Status:"):
			status = strings.TrimSpace(strings.TrimPrefix(line, "Status:"))
		}
	}
	flush()
	return out
}

// missingPackages returns the wanted packages that are not installed, in
// the order they are wanted.
func missingPackages(want []string, installed map[string]bool) []string {
	var out []string
	for _, p := range want {
		if !installed[p] {
			out = append(out, p)
		}
	}
	return out
}

// aptCommand is the one transaction that installs pkgs.
// Configuration files already on the host are kept (--force-confold):
// another block may have written one a package also ships
// (/etc/nftables.conf), and dpkg must not stop to ask with no terminal.
func aptCommand(pkgs []string) []string {
	return append([]string{"apt-get", "install", "-y", "--no-install-recommends",
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"}, pkgs...)
}

// installPackages installs pkgs in one apt transaction. It runs only on
// the real root: a package's maintainer scripts run on the machine that
// executes them, so installing into another root is not what it seems.
// When apt does not know a package (empty package lists on a fresh host),
// it refreshes the lists once and tries the same transaction again.
func installPackages(ctx context.Context, h *resources.Host, pkgs []string) error {
	if len(pkgs) == 0 {
		return nil
	}
	if h.Root != "/" {
		return fmt.Errorf("installing packages (%s) needs the real root: clawplan runs apt-get only with --root /, not under %s; install them there with: %s",
			strings.Join(pkgs, " "), h.Root, strings.Join(aptCommand(pkgs), " "))
	}
	defer h.Forget(dpkgStatus)
	out, err := apt(ctx, aptCommand(pkgs)...)
	if err != nil && strings.Contains(out, "Unable to locate package") {
		if uout, uerr := apt(ctx, "apt-get", "update"); uerr != nil {
			return fmt.Errorf("apt-get update: %v\n%s", uerr, tail(uout))
		}
		out, err = apt(ctx, aptCommand(pkgs)...)
	}
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(aptCommand(pkgs), " "), err, tail(out))
	}
	return nil
}

// apt runs an apt-get command, waiting up to two minutes for the dpkg
// lock (unattended-upgrades holds it for a while on a fresh Ubuntu).
func apt(ctx context.Context, args ...string) (string, error) {
	args = append([]string{args[0], "-o", "DPkg::Lock::Timeout=120"}, args[1:]...)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// tail is the last lines of a command's output, for an error message.
func tail(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
