package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyReportsEachCheck(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	r := clawplan(t, "verify", "--root", root, dir)
	if r.code != exitError || !strings.Contains(r.out, "FAIL  testfile.a: content") || !strings.Contains(r.out, "3 checks: 0 passed, 3 failed.") {
		t.Fatalf("verify before apply: %d\n%s", r.code, r.out)
	}
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	r = clawplan(t, "verify", "--root", root, dir)
	if r.code != exitOK || !strings.Contains(r.out, "3 checks: 3 passed, 0 failed.") {
		t.Fatalf("verify after apply: %d\n%s", r.code, r.out)
	}
}

// TestApplyVerifyRollsBackOnFailure declares two blocks that write the same
// file: the apply succeeds, but the first block's check fails, so
// apply -verify returns the host to the previous generation.
func TestApplyVerifyRollsBackOnFailure(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	clash := `
testfile "d" {
  path    = "/etc/app/shared.conf"
  content = "from d\n"
}
testfile "e" {
  path       = "/etc/app/shared.conf"
  content    = "from e\n"
  depends_on = [testfile.d]
}
`
	os.WriteFile(filepath.Join(dir, "clash.hcl"), []byte(clash), 0o644)
	r := clawplan(t, "apply", "--root", root, "-auto-approve", "-verify", dir)
	if r.code != exitError || !strings.Contains(r.out, "FAIL  testfile.d: content") || !strings.Contains(r.err, "rolled back to generation 1") {
		t.Fatalf("apply -verify: %d\n%s\n%s", r.code, r.out, r.err)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/app/shared.conf")); err == nil {
		t.Fatal("shared.conf survived the rollback")
	}
}
