package ocli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// TestFindInFollowsNpmBinLink: npm's node_modules/.bin/openclaw is a
// relative symlink; FindIn finds it at a custom install prefix (before the
// default ones) and returns the link, so node beside it stays on PATH.
func TestFindInFollowsNpmBinLink(t *testing.T) {
	restest.NeedRoot(t) // the links must be root's, as an install by root makes them
	h := restest.NewHost(t)
	prefix := "/opt/openclaw/current"
	bin := filepath.Join(h.Root, prefix, "node_modules/.bin")
	pkg := filepath.Join(h.Root, prefix, "node_modules/openclaw")
	for _, d := range []string{bin, pkg} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(pkg, "openclaw.mjs"), []byte("#!/usr/bin/env node\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../openclaw/openclaw.mjs", filepath.Join(bin, "openclaw")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvCLI, "")
	got, err := FindIn(h, "/home/openclaw", prefix, "test")
	if want := filepath.Join(bin, "openclaw"); err != nil || got != want {
		t.Fatalf("FindIn = %q, %v; want %q", got, err, want)
	}
	if _, ok := InPrefix(h, "/opt/elsewhere"); ok {
		t.Fatal("InPrefix found openclaw in an empty prefix")
	}
}
