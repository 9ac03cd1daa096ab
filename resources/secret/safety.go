package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/clawplan/clawplan/resources/hostfs"
	"golang.org/x/sys/unix"
)

// checkLinks refuses to write under full when a directory on the way is a
// symlink someone other than root made: the service user owns its home and
// could otherwise point ~/.openclaw/credentials at /etc and have clawplan,
// running as root, chmod and fill that instead. Root's own links (such as
// /home -> /data/home) are trusted.
func checkLinks(root, full string) error {
	root = filepath.Clean(root)
	rel, err := filepath.Rel(root, filepath.Dir(full))
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is outside the root %s", full, root)
	}
	p := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." {
			continue
		}
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode()&fs.ModeSymlink != 0 && st.Uid != 0 {
			return fmt.Errorf("%s is a symlink owned by uid %d: clawplan writes secrets only through real directories; replace it with a directory", p, st.Uid)
		}
	}
	return nil
}

// fixDir makes an existing directory 0700 and the user's; a missing one
// is left to the write that creates it with those.
func fixDir(dir string, own hostfs.Owner) error {
	err := fixMode(dir, dirMode, own, unix.O_DIRECTORY)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}

// fixMode narrows full's mode, then hands it to its owner, through a file
// descriptor opened without following a link: a path swapped for a symlink
// is refused, never chmodded through.
func fixMode(full string, want fs.FileMode, own hostfs.Owner, flags int) error {
	fd, err := unix.Open(full, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC|flags, 0)
	switch {
	case errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR):
		return fmt.Errorf("%s is a symlink or not a directory: clawplan does not change modes through links", full)
	case err != nil:
		return fmt.Errorf("opening %s: %w", full, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if fs.FileMode(st.Mode&0o7777) != want {
		if err := unix.Fchmod(fd, uint32(want)); err != nil {
			return fmt.Errorf("chmod %s: %w", full, err)
		}
	}
	if own != hostfs.Keep && (int(st.Uid) != own.UID || int(st.Gid) != own.GID) {
		if err := unix.Fchown(fd, own.UID, own.GID); err != nil {
			return fmt.Errorf("chown %s: %w", full, err)
		}
	}
	return nil
}
