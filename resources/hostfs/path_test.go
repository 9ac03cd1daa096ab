package hostfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveRefusesLinksOthersControl(t *testing.T) {
	if os.Geteuid() != 0 {
		needRoot(t)
	}
	root := t.TempDir()
	home := filepath.Join(root, "home/openclaw/.openclaw")
	os.MkdirAll(home, 0o755)
	os.Symlink(filepath.Join(root, "etc"), filepath.Join(home, "credentials"))
	os.Lchown(filepath.Join(home, "credentials"), 1000, 1000)
	for _, r := range []string{root, "/"} {
		p := "/home/openclaw/.openclaw/credentials/token"
		if r == "/" {
			p = filepath.Join(home, "credentials/token")
		}
		if _, err := Resolve(r, p); err == nil || !strings.Contains(err.Error(), "owned by uid 1000") {
			t.Fatalf("root %s: a user's link in the path was followed: %v", r, err)
		}
	}
	os.Lchown(filepath.Join(home, "credentials"), 0, 0)
	if _, err := Resolve("/", filepath.Join(home, "credentials/token")); err != nil {
		t.Fatalf("a root-owned link was refused: %v", err)
	}
}

func TestResolveRefusesClimbingAndRelative(t *testing.T) {
	for _, p := range []string{"../etc/shadow", "/a/../../etc/shadow", "etc/x"} {
		if _, err := Resolve(t.TempDir(), p); err == nil {
			t.Errorf("%q resolved", p)
		}
	}
}

func TestResolveReadFollowsRootLinksInsideTheRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		needRoot(t)
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755)
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "usr/lib/os-release"), []byte("ID=debian\n"), 0o644)
	os.Symlink("../usr/lib/os-release", filepath.Join(root, "etc/os-release"))
	os.Symlink("/usr/lib/os-release", filepath.Join(root, "etc/abs-link"))
	for _, p := range []string{"/etc/os-release", "/etc/abs-link"} {
		full, err := ResolveRead(root, p)
		if err != nil || full != filepath.Join(root, "usr/lib/os-release") {
			t.Fatalf("%s -> %q, %v", p, full, err)
		}
		if _, err := Resolve(root, p); err == nil {
			t.Fatalf("Resolve (for writing) followed %s", p)
		}
	}
	os.Lchown(filepath.Join(root, "etc/os-release"), 1000, 1000)
	if _, err := ResolveRead(root, "/etc/os-release"); err == nil {
		t.Fatal("a link owned by another user was followed")
	}
}

// needRoot skips locally and fails in CI (CI=true), as restest.Need does
// (restest cannot be imported here: it imports this package).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal("root is required in CI")
	}
	t.Skip("needs root to own a link")
}
