package secret

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"golang.org/x/sys/unix"
)

const credDir = "/home/openclaw/.openclaw/credentials"

func TestFreshHomeIsPrivate(t *testing.T) {
	restest.NeedRoot(t)
	h := newHost(t)
	t.Setenv("CPT_P", "private-value-123456")
	apply(t, h, decode(t, `secret "p" {
  source { env = "CPT_P" }
  deliver { file = true }
}`))
	for p, mode := range map[string]uint32{"/home/openclaw/.openclaw": 0o700, credDir: 0o700, credDir + "/p": 0o600} {
		fi := stat(t, h, p)
		if uint32(fi.Mode().Perm()) != mode || owner(fi) != "1000:1000" {
			t.Errorf("%s: %o %s, want %o 1000:1000", p, fi.Mode().Perm(), owner(fi), mode)
		}
	}
	if got := read(t, h, credDir+"/p"); strings.HasSuffix(got, "\n") {
		t.Errorf("credentials file ends in a newline")
	}
}

func TestModesEnforcedInPlan(t *testing.T) {
	restest.NeedRoot(t)
	h := newHost(t)
	t.Setenv("CPT_M", "mode-value-123456")
	put(t, h, credDir+"/m", "mode-value-123456", 0o644)
	must(t, unixChmod(filepath.Join(h.Root, credDir), 0o755))
	s := decode(t, `secret "m" {
  source { env = "CPT_M" }
  deliver { file = true }
}`)
	_, ch := restest.Plan(t, h, s)
	want := map[string][2]any{
		credDir + ":mode":    {"0755", "0700"},
		credDir + ":owner":   {"0:0", "1000:1000"},
		credDir + "/m:mode":  {"0644", "0600"},
		credDir + "/m:owner": {"0:0", "1000:1000"},
	}
	if ch.Action != resources.Update || len(ch.Attrs) != len(want) || len(ch.Files) != 0 || len(ch.Triggers) != 0 {
		t.Fatalf("want only mode and owner changes: %s %v files %v triggers %v", ch.Action, attrPaths(ch), ch.Files, ch.Triggers)
	}
	for p, ba := range want {
		if a, ok := attr(ch, p); !ok || a.Before != ba[0] || a.After != ba[1] {
			t.Errorf("%s: %+v, want %v", p, a, ba)
		}
	}
	must(t, s.Apply(context.Background(), h, ch))
	if _, again := restest.Plan(t, restest.Fresh(h), s); again.Action != resources.NoOp {
		t.Fatalf("after apply: %+v", again)
	}
}

// TestFirstByteIsPrivate watches the credentials directory with inotify
// while a secret is written: the directory becomes 0700 before the temp
// file exists, and the temp file is chowned before its first byte.
func TestFirstByteIsPrivate(t *testing.T) {
	restest.NeedRoot(t)
	h := newHost(t)
	t.Setenv("CPT_I", "inotify-value-123456")
	dir := filepath.Join(h.Root, credDir)
	put(t, h, credDir+"/.keep", "", 0o600)
	must(t, unixChmod(dir, 0o755))
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	must(t, err)
	defer unix.Close(fd)
	_, err = unix.InotifyAddWatch(fd, dir, unix.IN_ATTRIB|unix.IN_CREATE|unix.IN_MODIFY|unix.IN_MOVED_TO)
	must(t, err)
	apply(t, h, decode(t, `secret "i" {
  source { env = "CPT_I" }
  deliver { file = true }
}`))
	events := readEvents(t, fd)
	dirAttrib := slices.IndexFunc(events, func(e event) bool { return e.name == "" && e.mask&unix.IN_ATTRIB != 0 })
	create := slices.IndexFunc(events, func(e event) bool { return e.mask&unix.IN_CREATE != 0 })
	if dirAttrib < 0 || create < 0 || dirAttrib > create {
		t.Fatalf("the directory's chmod must come before any file is created: %v", events)
	}
	tmp := events[create].name
	attrib := slices.IndexFunc(events, func(e event) bool { return e.name == tmp && e.mask&unix.IN_ATTRIB != 0 })
	modify := slices.IndexFunc(events, func(e event) bool { return e.name == tmp && e.mask&unix.IN_MODIFY != 0 })
	if !strings.Contains(tmp, "clawplan") || attrib < 0 || modify < attrib {
		t.Fatalf("the temp file must get its mode and owner before its first byte: %v", events)
	}
	if last := events[len(events)-1]; last.name != "i" || last.mask&unix.IN_MOVED_TO == 0 {
		t.Fatalf("want the temp file renamed into place last: %v", events)
	}
	fi := stat(t, h, credDir+"/i")
	if fi.Mode().Perm() != 0o600 || owner(fi) != "1000:1000" || stat(t, h, credDir).Mode().Perm() != 0o700 {
		t.Fatalf("final modes: file %o %s, dir %o", fi.Mode().Perm(), owner(fi), stat(t, h, credDir).Mode().Perm())
	}
}

type event struct {
	mask uint32
	name string
}

func readEvents(t *testing.T, fd int) []event {
	var out []event
	buf := make([]byte, 64*1024)
	n, err := unix.Read(fd, buf)
	if err != nil {
		t.Fatalf("reading inotify events: %v", err)
	}
	for off := 0; off+unix.SizeofInotifyEvent <= n; {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
		name := string(buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)])
		out = append(out, event{mask: ev.Mask, name: strings.TrimRight(name, "\x00")})
		off += unix.SizeofInotifyEvent + int(ev.Len)
	}
	return out
}

func unixChmod(p string, mode uint32) error { return unix.Chmod(p, mode) }

// TestSymlinkedCredentialsDirRefused: the service user owns its home and
// could point the credentials directory elsewhere; clawplan (root) must
// neither chmod nor write through that link, at plan or apply time.
func TestSymlinkedCredentialsDirRefused(t *testing.T) {
	restest.NeedRoot(t)
	h := newHost(t)
	t.Setenv("CPT_L", "link-value-0123456789")
	victim := filepath.Join(h.Root, "etc/victim")
	must(t, os.MkdirAll(victim, 0o755))
	must(t, os.MkdirAll(filepath.Join(h.Root, credDir), 0o755))
	s := decode(t, `secret "l" {
  source { env = "CPT_L" }
  deliver { file = true }
}`)
	_, ch := restest.Plan(t, h, s) // planned while the directory was real
	link := filepath.Join(h.Root, credDir)
	must(t, os.RemoveAll(link))
	must(t, os.Symlink(victim, link))
	must(t, os.Lchown(link, 1000, 1000))
	err := s.Apply(context.Background(), restest.Fresh(h), ch)
	errContains(t, err, "symlink")
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o755 || owner(fi) != "0:0" {
		t.Fatalf("the link target was changed: %o %s", fi.Mode().Perm(), owner(fi))
	}
	if entries, _ := os.ReadDir(victim); len(entries) != 0 {
		t.Fatalf("written through the link: %v", entries)
	}
	if _, err := s.Probe(context.Background(), restest.Fresh(h)); err == nil {
		t.Fatal("a plan over a symlinked credentials directory must fail")
	}
}
