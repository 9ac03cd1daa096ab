package vm

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// The seed's section 11: Homebrew refuses to run as root, so it lives in a
// linuxbrew user's home, and the service user reaches it through the
// linuxbrew group.
const (
	brewUser   = "linuxbrew"
	brewHome   = "/home/linuxbrew"
	brewPrefix = "/home/linuxbrew/.linuxbrew"
	// brewLine puts brew on the service user's PATH in interactive shells.
	brewLine = `eval "$(/home/linuxbrew/.linuxbrew/bin/brew shellenv)"`
)

// brewState is what the host has of the Homebrew permissions.
type brewState struct {
	// Unwritable are the entries of the Homebrew prefix (host paths) that
	// the linuxbrew group cannot write; empty until Homebrew is installed.
	Unwritable []string
	// Bashrc is the service user's .bashrc.
	Bashrc hostfs.File
	// PrefixExists says Homebrew is installed (its prefix is there).
	PrefixExists bool
}

// probeBrew reads the permissions section 11 sets.
func probeBrew(h *resources.Host, serviceHome string) (brewState, error) {
	var st brewState
	var err error
	if st.Bashrc, err = h.ReadFile(filepath.Join(serviceHome, ".bashrc")); err != nil {
		return st, err
	}
	if full, err := h.Path(brewPrefix); err == nil {
		_, serr := os.Stat(full)
		st.PrefixExists = serr == nil
	}
	st.Unwritable, err = unwritable(h, brewPrefix)
	return st, err
}

// hasBrewLine reports whether the .bashrc already sets up brew.
func (st brewState) hasBrewLine() bool {
	return st.Bashrc.Exists && strings.Contains(string(st.Bashrc.Content), brewLine)
}

// unwritable walks the tree at host path dir and returns the files and
// directories (not symlinks) without group write permission.
func unwritable(h *resources.Host, dir string) ([]string, error) {
	full, err := h.Path(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(full, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o020 == 0 {
			out = append(out, hostPath(h, p))
		}
		return nil
	})
	return out, err
}

// hostPath turns a resolved path back into the host path it names.
func hostPath(h *resources.Host, full string) string {
	if h.Root == "/" {
		return full
	}
	rel, err := filepath.Rel(h.Root, full)
	if err != nil {
		return full
	}
	return "/" + filepath.ToSlash(rel)
}

// withBrewLine is the .bashrc with the brew line appended.
func withBrewLine(cur []byte) []byte {
	out := append([]byte(nil), cur...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, []byte("# Homebrew for OpenClaw skills (clawplan)\n"+brewLine+"\n")...)
}

// setModeBits adds bits to the mode of host path p (not following a symlink).
func setModeBits(h *resources.Host, p string, bits os.FileMode) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(full)
	if err != nil || fi.Mode()&os.ModeSymlink != 0 {
		return err
	}
	return os.Chmod(full, fi.Mode().Perm()|bits)
}

// clearModeBits removes bits from the mode of host path p.
func clearModeBits(h *resources.Host, p string, bits os.FileMode) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(full)
	if os.IsNotExist(err) || err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Chmod(full, fi.Mode().Perm()&^bits)
}
