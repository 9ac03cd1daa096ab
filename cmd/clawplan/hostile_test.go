package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// treeDigest describes every file, directory and link under dir (path,
// type, mode, owner-independent content hash, link target), for proving a
// run changed nothing.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := os.Lstat(p)
		fmt.Fprintf(&b, "%s %s", strings.TrimPrefix(p, dir), fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", target)
		case fi.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

// TestHostileManifestsChangeNothing feeds manifests an attacker or a
// careless edit could produce; each must give a clear message, exit 1 and
// leave the host tree (and anything outside it) exactly as it was.
func TestHostileManifestsChangeNothing(t *testing.T) {
	huge := "locals {\n  x = \"" + strings.Repeat("a", 9<<20) + "\"\n}\n"
	deep := "locals {\n  x = " + strings.Repeat("[", 50000) + strings.Repeat("]", 50000) + "\n}\n"
	cases := []struct {
		name, manifest, want string
		setup                func(root, outside string)
	}{
		{"huge file", huge, "too large", nil},
		{"deep nesting", deep, "Nesting too deep", nil},
		{"non-UTF-8", "testfile \"a\" {\n  path = \"/etc/\xff\xfe\"\n  content = \"x\"\n}\n", "character encoding", nil},
		{"path traversal", `testfile "a" { 
  path = "/../../etc/shadow"
  content = "pwned"
}`, `climbs with ".."`, nil},
		{"relative path", `testfile "a" { 
  path = "etc/shadow"
  content = "pwned"
}`, "not absolute", nil},
		{"symlinked target", `testfile "a" { 
  path = "/etc/link"
  content = "pwned"
}`, "symlink", func(root, outside string) {
			os.MkdirAll(filepath.Join(root, "etc"), 0o755)
			os.Symlink(filepath.Join(outside, "victim"), filepath.Join(root, "etc/link"))
		}},
		{"symlinked parent escaping the root", `testfile "a" { 
  path = "/etc/dir/x"
  content = "pwned"
}`, "outside the root", func(root, outside string) {
			os.MkdirAll(filepath.Join(root, "etc"), 0o755)
			os.Symlink(outside, filepath.Join(root, "etc/dir"))
		}},
		{"shell metacharacters in a name", `testfile "a;rm -rf /" {
  path = "/etc/a"
  content = "x"
}`, "Invalid block name", nil},
		{"command substitution in a name", "testfile \"$(touch /tmp/pwned)\" {\n  path = \"/etc/a\"\n  content = \"x\"\n}\n", "Invalid block name", nil},
	}
	changed := 0
	defer func() { restest.Summary(t, "hostile", len(cases), changed, "hostile manifests through plan and apply") }()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			os.WriteFile(filepath.Join(outside, "victim"), []byte("original"), 0o600)
			if c.setup != nil {
				c.setup(root, outside)
			}
			dir := writeManifest(t, map[string]string{"main.hcl": c.manifest})
			before, beforeOut := treeDigest(t, root), treeDigest(t, outside)
			for _, cmd := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
				r := clawplan(t, append(append(cmd, "--root", root, "-no-color"), dir)...)
				if r.code != exitError || !strings.Contains(r.err, c.want) {
					t.Fatalf("%s: code %d, want 1 with %q:\n%.2000s", cmd[0], r.code, c.want, r.err)
				}
				if len(r.err) > 20000 {
					t.Errorf("%s: the message is %d bytes; a diagnostic must stay readable", cmd[0], len(r.err))
				}
			}
			if after := treeDigest(t, root); after != before {
				changed++
				t.Errorf("the host tree changed:\n--- before\n%s--- after\n%s", before, after)
			}
			if treeDigest(t, outside) != beforeOut {
				changed++
				t.Error("a file outside the root changed")
			}
		})
	}
}
