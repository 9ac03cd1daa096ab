package vm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// Apply makes the guest match the change: it refuses strict mismatches
// before touching anything, then installs packages in one transaction,
// creates groups and accounts, and sets lingering and Homebrew permissions.
func (v *VM) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	w, ok := c.Private.(*work)
	if !ok {
		return fmt.Errorf("%s: the change carries no plan of work; plan again", v.addr)
	}
	if err := strictError(w.Strict); err != nil {
		return err
	}
	defer forgetAccounts(h, v.cfg.ServiceUser)
	if err := installPackages(ctx, h, w.Install); err != nil {
		return err
	}
	if err := v.applyAccounts(ctx, h, w); err != nil {
		return err
	}
	if w.Linger != nil {
		if err := setLinger(ctx, h, v.cfg.ServiceUser, *w.Linger); err != nil {
			return err
		}
	}
	return v.applyBrew(ctx, h, w)
}

// strictError lists the hardware mismatches a strict block refuses.
func strictError(checks []Check) error {
	if len(checks) == 0 {
		return nil
	}
	lines := make([]string, len(checks))
	for i, c := range checks {
		lines[i] = "  - " + c.Note()
	}
	return fmt.Errorf("strict = true and the VM is not set up as recommended (%d mismatch(es)); nothing was changed:\n%s\nfix them on the Proxmox host, or set strict = false to treat them as notes",
		len(checks), strings.Join(lines, "\n"))
}

func (v *VM) applyAccounts(ctx context.Context, h *resources.Host, w *work) error {
	for _, g := range w.Groups {
		if err := accountTool(ctx, h, "groupadd", "--system", g); err != nil {
			return err
		}
	}
	for _, u := range w.Create {
		if err := createUser(ctx, h, u); err != nil {
			return err
		}
	}
	for _, m := range w.Modify {
		if err := modifyUser(ctx, h, m.Name, m.Shell, m.AddGroups); err != nil {
			return err
		}
	}
	return nil
}

func (v *VM) applyBrew(ctx context.Context, h *resources.Host, w *work) error {
	if w.BrewHome {
		if err := setModeBits(h, brewHome, 0o005); err != nil {
			return err
		}
	}
	for _, p := range w.BrewWritable {
		if err := setModeBits(h, p, 0o020); err != nil {
			return err
		}
	}
	if !w.Bashrc {
		return nil
	}
	h.Forget("/etc/passwd")
	u, err := account.Lookup(h, v.cfg.ServiceUser)
	if err != nil || !u.Exists {
		return errors.Join(err, fmt.Errorf("user %s is missing after creating it", v.cfg.ServiceUser))
	}
	return appendBrewLine(h, filepath.Join(u.Home, ".bashrc"), hostfs.Owner{UID: u.UID, GID: u.GID})
}

// appendBrewLine adds the brew line to a .bashrc, keeping its mode and
// owner (a new one is 0644, owned by the user).
func appendBrewLine(h *resources.Host, p string, o hostfs.Owner) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer h.Forget(p)
	cur, err := hostfs.Read(full)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if cur.Exists {
		mode, o = cur.Mode, hostfs.Owner{UID: cur.UID, GID: cur.GID}
		if strings.Contains(string(cur.Content), brewLine) {
			return nil
		}
	}
	return hostfs.WriteAtomic(full, withBrewLine(cur.Content), mode, 0o755, o)
}

// setLinger creates or removes the user's linger file; on a live systemd
// host it goes through loginctl, which also starts or stops the manager.
func setLinger(ctx context.Context, h *resources.Host, user string, on bool) error {
	p := lingerDir + user
	defer h.Forget(p)
	if systemdRunning(h) {
		verb := map[bool]string{true: "enable-linger", false: "disable-linger"}[on]
		if out, err := exec.CommandContext(ctx, "loginctl", verb, user).CombinedOutput(); err != nil {
			return fmt.Errorf("loginctl %s %s: %v: %s", verb, user, err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	if !on {
		return hostfs.Remove(full)
	}
	return hostfs.WriteAtomic(full, nil, 0o644, 0o755, hostfs.Keep)
}

// systemdRunning reports whether the root is this machine and systemd is
// its init (then loginctl works).
func systemdRunning(h *resources.Host) bool {
	if h.Root != "/" {
		return false
	}
	fi, err := os.Stat("/run/systemd/system")
	return err == nil && fi.IsDir()
}

// forgetAccounts drops the cached account files after a change.
func forgetAccounts(h *resources.Host, user string) {
	for _, p := range accountFiles {
		h.Forget(p)
	}
	h.Forget(lingerDir + user)
}
