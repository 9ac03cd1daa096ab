package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
)

func TestPlanApplyNoChanges(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	r := clawplan(t, "plan", "--root", root, "-no-color", dir)
	if r.code != exitOK || !strings.Contains(r.out, "Plan: 3 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("plan: code %d\n%s\n%s", r.code, r.out, r.err)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/app/a.conf")); err == nil {
		t.Fatal("plan wrote a file")
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatalf("apply: %d\n%s\n%s", r.code, r.out, r.err)
	}
	if got := mustRead(t, filepath.Join(root, "etc/app/a.conf")); got != "a-new\n" {
		t.Fatalf("a.conf = %q", got)
	}
	r = clawplan(t, "plan", "--root", root, "-detailed-exitcode", dir)
	if r.code != exitOK || !strings.Contains(r.out, "No changes.") {
		t.Fatalf("second plan: code %d\n%s", r.code, r.out)
	}
}

func TestHandEditShowsDiffAndApplyRepairs(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatalf("apply: %s", r.err)
	}
	a := filepath.Join(root, "etc/app/a.conf")
	os.WriteFile(a, []byte("hand-edited\n"), 0o640)
	r := clawplan(t, "plan", "--root", root, "-no-color", "-detailed-exitcode", dir)
	if r.code != exitChanges {
		t.Fatalf("plan after hand edit: code %d, want 2\n%s", r.code, r.out)
	}
	for _, want := range []string{"~   testfile.a", "--- /etc/app/a.conf", "-hand-edited", "+a-new", "Plan: 0 to add, 1 to change, 0 to destroy."} {
		if !strings.Contains(r.out, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.out)
		}
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatalf("apply: %s", r.err)
	}
	if got := mustRead(t, a); got != "a-new\n" {
		t.Fatalf("a.conf after repair = %q", got)
	}
}

// readOnlyDir makes dir a read-only bind mount of itself: a real fault
// that even root cannot write through.
func readOnlyDir(t *testing.T, dir string) {
	t.Helper()
	restest.NeedRoot(t)
	os.MkdirAll(dir, 0o755)
	if out, err := exec.Command("mount", "--bind", dir, dir).CombinedOutput(); err != nil {
		restest.Need(t, false, "bind mounts ("+strings.TrimSpace(string(out))+")")
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	if out, err := exec.Command("mount", "-o", "remount,bind,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount ro: %v %s", err, out)
	}
}

func TestFailedSecondWriteRestoresFirstByteForByte(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "etc/app/a.conf")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, []byte("a-original\x00bytes\n"), 0o600)
	os.Chown(a, 1234, 2345)
	before, _ := hostfs.Read(a)
	readOnlyDir(t, filepath.Join(root, "etc/locked"))
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	r := clawplan(t, "apply", "--root", root, "-auto-approve", "-no-color", dir)
	if r.code != exitError {
		t.Fatalf("apply with a read-only target: code %d, want 1\n%s\n%s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.err, "testfile.b") || !strings.Contains(r.err, "read-only file system") || !strings.Contains(r.err, "restored") {
		t.Errorf("error does not name the root cause and the restore:\n%s", r.err)
	}
	after, _ := hostfs.Read(a)
	if string(after.Content) != string(before.Content) || after.Mode != before.Mode || after.UID != 1234 || after.GID != 2345 {
		t.Fatalf("a.conf not restored: before %+v after %+v", before, after)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/app/c.conf")); err == nil {
		t.Fatal("c.conf was written although b, which it depends on, failed")
	}
}

func TestKill9MidApplyThenRollback(t *testing.T) {
	restest.Outcome(t, "crash", "kill -9 mid-apply, then rollback")
	root := t.TempDir()
	a := filepath.Join(root, "etc/app/a.conf")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, []byte("a-original\n"), 0o644)
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	cmd, out := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=testfile.b=30s"}, "apply", "--root", root, "-auto-approve", dir)
	waitFor(t, func() bool { return strings.Contains(journal(t, root), `"testfile.b","status":"snapshotted"`) })
	if got := mustRead(t, a); got != "a-new\n" {
		t.Fatalf("a.conf mid-apply = %q, want the new content", got)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	r := clawplan(t, "plan", "--root", root, "-no-color", dir)
	if !strings.Contains(r.out, "interrupted apply") || !strings.Contains(r.out, "clawplan rollback") {
		t.Fatalf("plan after kill -9 does not report the interrupted apply:\n%s\n%s\n(apply output: %s)", r.out, r.err, out)
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitError {
		t.Fatalf("apply over an interrupted run: code %d, want 1", r.code)
	}
	r = clawplan(t, "rollback", "--root", root, "-manifest", dir)
	if r.code != exitOK || !strings.Contains(r.out, "Finished the interrupted run") {
		t.Fatalf("rollback: %d\n%s\n%s", r.code, r.out, r.err)
	}
	if got := mustRead(t, a); got != "a-original\n" {
		t.Fatalf("a.conf after rollback = %q", got)
	}
	if r := clawplan(t, "plan", "--root", root, "-no-color", dir); strings.Contains(r.out, "interrupted") {
		t.Fatalf("interrupted run still reported after rollback:\n%s", r.out)
	}
}

func TestConcurrentApplyFailsFastNamingHolder(t *testing.T) {
	restest.Outcome(t, "race", "two applies: the second fails fast naming the holder")
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	cmd, _ := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=testfile.a=20s"}, "apply", "--root", root, "-auto-approve", dir)
	waitFor(t, func() bool { return strings.Contains(journal(t, root), `"testfile.a","status":"snapshotted"`) })
	start := time.Now()
	r := clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	if r.code != exitError || time.Since(start) > 5*time.Second {
		t.Fatalf("second apply: code %d after %s", r.code, time.Since(start))
	}
	if want := "pid " + itoa(cmd.Process.Pid); !strings.Contains(r.err, "holds the lock") || !strings.Contains(r.err, want) {
		t.Fatalf("second apply does not name the holder (%s):\n%s", want, r.err)
	}
}

func TestSavedPlanRefusedAfterHostChanged(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	planFile := filepath.Join(t.TempDir(), "plan.json")
	if r := clawplan(t, "plan", "--root", root, "-out", planFile, dir); r.code != exitOK {
		t.Fatalf("plan -out: %s", r.err)
	}
	os.MkdirAll(filepath.Join(root, "etc/app"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/app/c.conf"), []byte("someone else\n"), 0o644)
	r := clawplan(t, "apply", "--root", root, planFile)
	if r.code != exitError || !strings.Contains(r.err, "host changed") || !strings.Contains(r.err, "testfile.c") {
		t.Fatalf("stale plan not refused: %d\n%s", r.code, r.err)
	}
	if got := mustRead(t, filepath.Join(root, "etc/app/c.conf")); got != "someone else\n" {
		t.Fatal("the refused plan changed the host")
	}
}

func TestSavedPlanTamperedOrOtherManifestRefused(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	planFile := filepath.Join(t.TempDir(), "plan.json")
	clawplan(t, "plan", "--root", root, "-out", planFile, dir)
	var sp map[string]any
	json.Unmarshal([]byte(mustRead(t, planFile)), &sp)
	sp["targets"] = []string{"testfile.a"}
	b, _ := json.Marshal(sp)
	os.WriteFile(planFile, b, 0o600)
	if r := clawplan(t, "apply", "--root", root, planFile); r.code != exitError || !strings.Contains(r.err, "checksum") {
		t.Fatalf("tampered plan not refused: %d\n%s", r.code, r.err)
	}
	clawplan(t, "plan", "--root", root, "-out", planFile, dir)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(strings.Replace(threeFiles, "c-new", "c-other", 1)), 0o644)
	if r := clawplan(t, "apply", "--root", root, planFile); r.code != exitError || !strings.Contains(r.err, "manifest") {
		t.Fatalf("plan of another manifest not refused: %d\n%s", r.code, r.err)
	}
	if r := clawplan(t, "plan", "--root", root, "-detailed-exitcode", dir); r.code != exitChanges {
		t.Fatal("a refused plan changed the host")
	}
}

func TestRollbackToPreviousGeneration(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(strings.Replace(threeFiles, "a-new", "a-v2", 1)), 0o644)
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatal(r.err)
	}
	a := filepath.Join(root, "etc/app/a.conf")
	if mustRead(t, a) != "a-v2\n" {
		t.Fatal("generation 2 not applied")
	}
	r := clawplan(t, "rollback", "--root", root, "-manifest", dir)
	if r.code != exitOK || !strings.Contains(r.out, "from generation 2 to 1") || mustRead(t, a) != "a-new\n" {
		t.Fatalf("rollback to 1: %d %s %s; a=%q", r.code, r.out, r.err, mustRead(t, a))
	}
	r = clawplan(t, "rollback", "--root", root, "-manifest", dir, "0")
	if r.code != exitOK {
		t.Fatalf("rollback to 0: %s", r.err)
	}
	if _, err := os.Stat(a); err == nil {
		t.Fatal("a.conf still exists after rolling back to generation 0")
	}
}

func TestOrphanDeletedWhenBlockRemoved(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	os.WriteFile(filepath.Join(root, "etc/app/not-ours.conf"), []byte("x"), 0o644)
	only := threeFiles[:strings.Index(threeFiles, `testfile "b"`)]
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(only), 0o644)
	r := clawplan(t, "plan", "--root", root, "-no-color", dir)
	if !strings.Contains(r.out, "-   testfile.b") || !strings.Contains(r.out, "0 to add, 0 to change, 2 to destroy") {
		t.Fatalf("removed blocks not planned for deletion:\n%s\n%s", r.out, r.err)
	}
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	if _, err := os.Stat(filepath.Join(root, "etc/app/c.conf")); err == nil {
		t.Fatal("c.conf survived its block's removal")
	}
	if _, err := os.Stat(filepath.Join(root, "etc/app/not-ours.conf")); err != nil {
		t.Fatal("a file clawplan does not own was deleted")
	}
}

func journal(t *testing.T, root string) string {
	runs, _ := filepath.Glob(filepath.Join(root, "var/lib/clawplan/runs/*/journal"))
	var all string
	for _, r := range runs {
		b, _ := os.ReadFile(r)
		all += string(b)
	}
	return all
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached within 20s")
}

func itoa(i int) string { return strconv.Itoa(i) }

func unmount(dir string) error {
	out, err := exec.Command("umount", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("umount %s: %v %s", dir, err, out)
	}
	return nil
}

// TestNoChangeApplyAdoptsWhatMatches: a host that already matches (as
// after `clawplan import`) is owned after one apply, so removing a block
// deletes what it manages.
func TestNoChangeApplyAdoptsWhatMatches(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"etc/app/a.conf", "etc/locked/b.conf", "etc/app/c.conf"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755)
	}
	os.WriteFile(filepath.Join(root, "etc/app/a.conf"), []byte("a-new\n"), 0o640)
	os.WriteFile(filepath.Join(root, "etc/locked/b.conf"), []byte("b-new\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/app/c.conf"), []byte("c-new\n"), 0o644)
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK || !strings.Contains(r.out, "No changes") {
		t.Fatalf("apply on a matching host: %d %s %s", r.code, r.out, r.err)
	}
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(threeFiles[:strings.Index(threeFiles, `testfile "c"`)]), 0o644)
	if r := clawplan(t, "plan", "--root", root, "-no-color", dir); !strings.Contains(r.out, "-   testfile.c") {
		t.Fatalf("an adopted resource is not deleted with its block:\n%s", r.out)
	}
}
