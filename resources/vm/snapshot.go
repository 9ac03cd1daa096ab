package vm

import (
	"bytes"
	"context"
	"encoding/json"
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

// accountFiles are the files useradd, usermod and groupadd write,
// backups and lock included, restored byte for byte on rollback.
var accountFiles = []string{
	"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
	"/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-",
	"/etc/subuid", "/etc/subgid", "/etc/subuid-", "/etc/subgid-", "/etc/.pwd.lock",
}

// snapshotData is the vm block's snapshot: plain JSON, so a new process
// can restore it after a crash.
type snapshotData struct {
	Files []hostfs.File `json:"files"`
	Homes []homeSnap    `json:"homes"`
	// Unwritable are the Homebrew entries that lacked group write.
	Unwritable []string `json:"brew_unwritable,omitempty"`
	// Linger says whether the linger file existed (for loginctl).
	Linger bool   `json:"linger"`
	User   string `json:"user"`
	// MissingPackages were not installed before; rollback keeps them
	// installed (packages are additive) and records that here.
	MissingPackages []string `json:"missing_packages,omitempty"`
}

// homeSnap is one home directory as it was: the home of an account that
// did not exist is removed on restore (the apply created both).
type homeSnap struct {
	Path        string      `json:"path"`
	Existed     bool        `json:"existed"`
	Mode        os.FileMode `json:"mode,omitempty"`
	UserExisted bool        `json:"user_existed"`
}

// Snapshot captures the account files, the linger file, the homes the
// block may create, the .bashrc and the Homebrew permissions.
func (v *VM) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	st, err := v.Probe(ctx, h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	o := st.Private.(*observed)
	d := snapshotData{Linger: o.linger.Exists, User: v.cfg.ServiceUser, MissingPackages: o.missing, Unwritable: o.brew.Unwritable}
	paths := append(append([]string{}, accountFiles...), lingerDir+v.cfg.ServiceUser, "/var/mail/"+v.cfg.ServiceUser)
	d.Homes = append(d.Homes, homeOf(v.cfg.serviceUser(), o.service))
	if v.cfg.Homebrew {
		paths = append(paths, v.bashrcPath(o), "/var/mail/"+brewUser)
		d.Homes = append(d.Homes, homeOf(brewSpec(), o.brewUser))
	}
	for _, p := range paths {
		full, err := h.Path(p)
		if err != nil {
			return resources.Snapshot{}, err
		}
		f, err := hostfs.Snapshot(full)
		if err != nil {
			return resources.Snapshot{}, err
		}
		d.Files = append(d.Files, f)
	}
	b, err := json.Marshal(d)
	return resources.Snapshot{Addr: v.addr, Data: b}, err
}

func homeOf(want userSpec, st userState) homeSnap {
	if st.Exists {
		return homeSnap{Path: st.Home, Existed: st.HomeExists, Mode: st.HomeMode, UserExisted: true}
	}
	return homeSnap{Path: want.Home, Existed: st.HomeExists, Mode: st.HomeMode}
}

// Restore puts the accounts, lingering and permissions back as the
// snapshot found them. Installed packages stay (see snapshotData).
func (v *VM) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var d snapshotData
	if err := json.Unmarshal(s.Data, &d); err != nil {
		return fmt.Errorf("reading the snapshot of %s: %w", v.addr, err)
	}
	defer forgetAccounts(h, d.User)
	var errs []error
	if u, err := account.Lookup(h, d.User); systemdRunning(h) && !d.Linger && err == nil && u.Exists {
		// Only a user that exists can have lingering to undo; the apply
		// may have failed before it created the user.
		errs = append(errs, undoLinger(ctx, h, d.User, u.UID, !d.userExisted()))
	}
	for _, f := range d.Files {
		errs = append(errs, hostfs.Restore(f))
		h.Forget(hostPath(h, f.Path))
	}
	for _, hs := range d.Homes {
		errs = append(errs, restoreHome(h, hs))
	}
	for _, p := range d.Unwritable {
		errs = append(errs, clearModeBits(h, p, 0o020))
	}
	return errors.Join(errs...)
}

// userExisted says whether the service user was in /etc/passwd before
// the apply (the snapshot's copy of it).
func (d snapshotData) userExisted() bool {
	for _, f := range d.Files {
		if strings.HasSuffix(f.Path, "/etc/passwd") {
			return bytes.Contains(append([]byte("\n"), f.Content...), []byte("\n"+d.User+":"))
		}
	}
	return true // no copy: assume it existed, and leave its manager alone
}

// undoLinger turns lingering off. For an account the restore removes, it
// first waits for the manager lingering started (a manager whose user
// vanishes while it starts fails with status 217/USER and stays as a
// failed unit), and afterwards stops the user's slice (the manager and the
// runtime directory) and waits until it is gone.
func undoLinger(ctx context.Context, h *resources.Host, user string, uid int, removed bool) error {
	if !removed {
		return setLinger(ctx, h, user, false)
	}
	systemctl(ctx, "start", fmt.Sprintf("user@%d.service", uid)) // only waits for the start under way
	if err := setLinger(ctx, h, user, false); err != nil {
		return err
	}
	return systemctl(ctx, "stop", fmt.Sprintf("user-%d.slice", uid))
}

func systemctl(ctx context.Context, verb, unit string) error {
	if out, err := exec.CommandContext(ctx, "systemctl", verb, unit).CombinedOutput(); err != nil {
		return fmt.Errorf("systemctl %s %s: %v: %s", verb, unit, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// restoreHome removes a home the apply created, or puts back the mode of
// one that existed. Only /home/NAME homes are ever removed.
func restoreHome(h *resources.Host, hs homeSnap) error {
	full, err := h.Path(hs.Path)
	if err != nil {
		return err
	}
	if hs.Existed {
		if _, err := os.Stat(full); os.IsNotExist(err) {
			return nil
		}
		return os.Chmod(full, hs.Mode)
	}
	if hs.UserExisted {
		return nil // the apply did not create this home
	}
	if filepath.Dir(hs.Path) != "/home" || filepath.Base(hs.Path) == "home" {
		return fmt.Errorf("refusing to remove %s: clawplan only removes the /home/NAME homes it created", hs.Path)
	}
	return os.RemoveAll(full)
}
