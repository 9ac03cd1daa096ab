package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// Apply stops and disables the unit (on this machine, when it is enabled
// or running), then deletes the link, the files the plan showed and the
// directories the tunnel's first write created, when they are empty.
func (o *tunnelOrphan) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	st, _ := c.Private.(orphanState)
	defer h.Forget(o.rec.Unit)
	defer h.Forget(o.rec.Env)
	systemd := onHost(h) && st.OurUnit && (st.Link != "" || active(ctx, h, o.unitName()))
	if systemd {
		if err := systemctl(ctx, h, "disable", "--now", o.unitName()); err != nil {
			return err
		}
	}
	if st.OurUnit && st.Link != "" {
		if err := removeLink(h, o.wantsPath()); err != nil {
			return err
		}
	}
	for p, ours := range map[string]bool{o.rec.Unit: st.OurUnit, o.rec.Env: st.OurEnv} {
		if err := removeFile(h, p, ours); err != nil {
			return err
		}
	}
	if err := removeEmptyDirs(h, o.rec.Dirs); err != nil {
		return err
	}
	if systemd {
		return systemctl(ctx, h, "daemon-reload")
	}
	return nil
}

func removeFile(h *resources.Host, p string, ours bool) error {
	if !ours {
		return nil
	}
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	return hostfs.Remove(full)
}

func removeLink(h *resources.Host, p string) error {
	full, err := linkPath(h, p)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(full); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return nil // gone already (systemctl disable), or not a link clawplan knows
	}
	return hostfs.Remove(full)
}

// removeEmptyDirs removes the directories deepest first; one that holds
// anything (another program's file) stays, with everything above it.
func removeEmptyDirs(h *resources.Host, dirs []string) error {
	for _, d := range dirs {
		full, err := h.Path(d)
		if err != nil {
			return err
		}
		err = os.Remove(full)
		if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
			continue
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func systemctl(ctx context.Context, h *resources.Host, args ...string) error {
	if out, err := exec.CommandContext(ctx, "systemctl", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("systemctl %s: %v: %s", strings.Join(args, " "), err, h.Secrets.Redact(string(out)))
	}
	return nil
}

// Restore puts the files and the link back and, on this machine, starts
// the unit again when it was running. It reads only the snapshot.
func (o *tunnelOrphan) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var d orphanSnapshot
	if err := json.Unmarshal(s.Data, &d); err != nil {
		return err
	}
	for _, f := range []hostfs.File{d.Env, d.Unit} {
		if err := hostfs.Restore(f); err != nil {
			return err
		}
	}
	if err := restoreLink(d.LinkPath, d.Link); err != nil {
		return err
	}
	h.Forget(o.rec.Unit)
	h.Forget(o.rec.Env)
	if !onHost(h) || !d.Unit.Exists {
		return nil
	}
	if err := systemctl(ctx, h, "daemon-reload"); err != nil || !d.Active {
		return err
	}
	return systemctl(ctx, h, "start", filepath.Base(d.Unit.Path))
}

func restoreLink(full, target string) error {
	if target == "" {
		return nil
	}
	if cur, err := os.Readlink(full); err == nil && cur == target {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Symlink(target, full)
}
