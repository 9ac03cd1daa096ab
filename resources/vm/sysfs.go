package vm

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxHops bounds the symlinks one lookup follows, as the kernel does.
const maxHops = 40

// resolveIn resolves the host path p under root the way a process chrooted
// to root would: every symlink is followed, an absolute target starts again
// at root and ".." never climbs above it. /sys is a forest of symlinks, and
// a recorded tree under testdata/ must read exactly like the live one
// without any link leading out of it.
func resolveIn(root, p string) (string, error) {
	root = filepath.Clean(root)
	parts := split(p)
	cur, hops := "/", 0
	for len(parts) > 0 {
		part := parts[0]
		parts = parts[1:]
		if part == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		full := filepath.Join(root, next)
		fi, err := os.Lstat(full)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxHops {
			return "", fmt.Errorf("%s: too many levels of symbolic links", p)
		}
		target, err := os.Readlink(full)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			cur = "/"
		}
		parts = append(split(target), parts...)
	}
	return filepath.Join(root, cur), nil
}

// split returns the non-empty, non-"." components of p.
func split(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

// readIn reads the file p under root (see resolveIn). A missing file is
// ("", false, nil).
func readIn(root, p string) (string, bool, error) {
	full, err := resolveIn(root, p)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	b, err := os.ReadFile(full)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	return string(b), err == nil, err
}

// readlinkIn returns the target of the symlink p under root, its parents
// resolved under root; "" when p is missing or not a link.
func readlinkIn(root, p string) string {
	dir, err := resolveIn(root, path.Dir(path.Clean("/"+p)))
	if err != nil {
		return ""
	}
	t, err := os.Readlink(filepath.Join(dir, path.Base(p)))
	if err != nil {
		return ""
	}
	return t
}

// existsIn reports whether p exists under root.
func existsIn(root, p string) bool {
	_, err := resolveIn(root, p)
	return err == nil
}

// listIn returns the names in directory p under root, nil when it is missing.
func listIn(root, p string) []string {
	full, err := resolveIn(root, p)
	if err != nil {
		return nil
	}
	ents, err := os.ReadDir(full)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
