package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serviceManifest has a service (svc) and two config files that notify it.
func serviceManifest(svc, a, b string) string {
	return `
testfile "svc" {
  path    = "/etc/svc/state"
  content = "` + svc + `"
}
testfile "conf_a" {
  path    = "/etc/svc/a.conf"
  content = "` + a + `"
  notify  = ["testfile.svc"]
}
testfile "conf_b" {
  path       = "/etc/svc/locked/b.conf"
  content    = "` + b + `"
  notify     = ["testfile.svc"]
  depends_on = [testfile.conf_a]
}
`
}

func refreshCount(t *testing.T, root string) int {
	b, _ := os.ReadFile(filepath.Join(root, "etc/svc/state.refreshed"))
	return strings.Count(string(b), "refreshed")
}

func TestRefreshRunsOnceAfterAllChanges(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": serviceManifest("running", "a1", "b1")})
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatal(r.err)
	}
	if n := refreshCount(t, root); n != 1 {
		t.Fatalf("service refreshed %d times after an apply that changed two of its files, want 1", n)
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK || refreshCount(t, root) != 1 {
		t.Fatalf("a no-change apply refreshed the service (count %d)", refreshCount(t, root))
	}
}

func TestFailedApplyLeavesPendingRestart(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": serviceManifest("running", "a1", "b1")})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(serviceManifest("running", "a2", "b2")), 0o644)
	readOnlyDir(t, filepath.Join(root, "etc/svc/locked"))
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitError {
		t.Fatalf("apply into a read-only dir: %d", r.code)
	}
	if got := mustRead(t, filepath.Join(root, "etc/svc/a.conf")); got != "a1" {
		t.Fatalf("a.conf = %q after the failed apply, want the old a1", got)
	}
	if n := refreshCount(t, root); n != 1 {
		t.Fatalf("a failed apply refreshed the service (count %d)", n)
	}
	r := clawplan(t, "plan", "--root", root, "-no-color", dir)
	if !strings.Contains(r.out, "testfile.svc: pending restart") {
		t.Fatalf("the owed restart is not in the next plan:\n%s", r.out)
	}
	exitRO(t, filepath.Join(root, "etc/svc/locked"))
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatal(r.err)
	}
	if n := refreshCount(t, root); n != 2 {
		t.Fatalf("refresh count %d after the successful retry, want 2", n)
	}
	if r := clawplan(t, "plan", "--root", root, "-detailed-exitcode", dir); r.code != exitOK {
		t.Fatalf("pending restart not cleared:\n%s", r.out)
	}
}

func TestFailedRefreshRestoresEverything(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": serviceManifest("running", "a1", "b1")})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(serviceManifest("refresh-fails", "a2", "b2")), 0o644)
	r := clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	if r.code != exitError || !strings.Contains(r.err, "does not start") {
		t.Fatalf("apply whose restart fails: %d\n%s", r.code, r.err)
	}
	for path, want := range map[string]string{"etc/svc/state": "running", "etc/svc/a.conf": "a1", "etc/svc/locked/b.conf": "b1"} {
		if got := mustRead(t, filepath.Join(root, path)); got != want {
			t.Errorf("%s = %q after the failed restart, want %q", path, got, want)
		}
	}
	if n := refreshCount(t, root); n != 2 {
		t.Fatalf("refresh count %d: want the first apply's, plus one restart on the restored state", n)
	}
}

// exitRO undoes readOnlyDir early.
func exitRO(t *testing.T, dir string) {
	t.Helper()
	if err := unmount(dir); err != nil {
		t.Fatal(err)
	}
}
