package hostfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Resolve maps the host path p (absolute, as the manifest names it) to a
// path under root. It refuses relative paths, paths that climb out with
// "..", and existing parent directories that are symlinks leading outside
// root. The final component may not be a symlink at all: clawplan never
// writes through a link.
func Resolve(root, p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("path %q is not absolute: host paths must start with /", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return "", fmt.Errorf("path %q climbs with \"..\": name the file directly", p)
		}
	}
	if root == "" {
		root = "/"
	}
	root = filepath.Clean(root)
	full := filepath.Join(root, filepath.Clean(p))
	if err := checkLinks(root, full); err != nil {
		return "", err
	}
	if err := checkParents(root, full); err != nil {
		return "", err
	}
	if fi, err := os.Lstat(full); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return "", fmt.Errorf("%s is a symlink: clawplan does not write through links; replace it with a regular file", full)
	}
	return full, nil
}

// checkLinks refuses a path whose existing parent directories (below the
// root) include a symlink not owned by root. clawplan runs as root and
// writes into directories other users own (the service user's home): a
// link planted there, ~/.openclaw/credentials -> /etc, would otherwise turn
// a write of a token file into a write in /etc. Links root made
// (/var/run -> /run) are trusted.
func checkLinks(root, full string) error {
	rel, err := filepath.Rel(root, filepath.Dir(full))
	if err != nil || rel == "." {
		return nil
	}
	cur := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return nil // the rest does not exist yet: nothing to follow
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			return fmt.Errorf("%s is a symlink owned by uid %d: clawplan does not follow links other users control; replace it with a directory", cur, st.Uid)
		}
	}
	return nil
}

// checkParents resolves every existing parent of full and refuses one that
// ends outside root.
func checkParents(root, full string) error {
	if root == "/" {
		return nil
	}
	dir := filepath.Dir(full)
	for {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
				return fmt.Errorf("%s resolves to %s, outside the root %s", dir, real, root)
			}
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// ResolveRead is Resolve for reading: a final symlink owned by root (such
// as Debian's /etc/os-release -> ../usr/lib/os-release) is followed, one
// link at a time and within the root; links other users own are refused.
// Writes never follow links (Resolve).
func ResolveRead(root, p string) (string, error) {
	for hops := 0; hops < 8; hops++ {
		full, err := Resolve(root, p)
		if err == nil {
			return full, nil
		}
		fi, lerr := os.Lstat(filepath.Join(filepath.Clean(root), filepath.Clean(p)))
		if lerr != nil || fi.Mode()&os.ModeSymlink == 0 {
			return "", err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != 0 {
			return "", err
		}
		target, rerr := os.Readlink(filepath.Join(filepath.Clean(root), filepath.Clean(p)))
		if rerr != nil {
			return "", rerr
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(filepath.Clean(p)), target)
		}
		p = filepath.Clean(target) // absolute and inside the root: Resolve checks it again
		if strings.Contains(p, "..") {
			return "", fmt.Errorf("%s links out of the root", p)
		}
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", p)
}
