package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
)

// TestKill9DuringRollbackIsRecoverable kills an apply mid-way, then kills
// the rollback that finishes it, mid-way too; the next rollback must still
// bring every file back.
func TestKill9DuringRollbackIsRecoverable(t *testing.T) {
	restest.Outcome(t, "crash", "kill -9 of an apply, then of its rollback")
	root := t.TempDir()
	a, c := filepath.Join(root, "etc/app/a.conf"), filepath.Join(root, "etc/app/c.conf")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, []byte("a-original\n"), 0o644)
	os.WriteFile(c, []byte("c-original\n"), 0o600)
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	apply, _ := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=testfile.c=30s"}, "apply", "--root", root, "-auto-approve", dir)
	waitFor(t, func() bool { return strings.Contains(journal(t, root), `"testfile.c","status":"snapshotted"`) })
	apply.Process.Signal(syscall.SIGKILL)
	apply.Wait()
	// Restores run newest first: c, then b, then a. Die while restoring a.
	rb, _ := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_RESTORE=testfile.a=30s"}, "rollback", "--root", root, "-manifest", dir)
	waitFor(t, func() bool { return strings.Contains(journal(t, root), `"testfile.b","status":"restored"`) })
	rb.Process.Signal(syscall.SIGKILL)
	rb.Wait()
	if got := mustRead(t, a); got != "a-new\n" {
		t.Fatalf("a.conf = %q: the rollback was meant to die before restoring it", got)
	}
	r := clawplan(t, "plan", "--root", root, "-no-color", dir)
	if !strings.Contains(r.out, "interrupted") {
		t.Fatalf("the interrupted rollback is not reported:\n%s", r.out)
	}
	if r := clawplan(t, "rollback", "--root", root, "-manifest", dir); r.code != exitOK {
		t.Fatalf("second rollback: %s", r.err)
	}
	if mustRead(t, a) != "a-original\n" || mustRead(t, c) != "c-original\n" {
		t.Fatalf("after the second rollback a=%q c=%q", mustRead(t, a), mustRead(t, c))
	}
	if _, err := os.Stat(filepath.Join(root, "etc/locked/b.conf")); err == nil {
		t.Fatal("b.conf, created by the killed apply, survived")
	}
}

// TestApplyRacingRollback: while an apply holds the lock, a rollback fails
// fast naming it, and the apply finishes unharmed.
func TestApplyRacingRollback(t *testing.T) {
	restest.Outcome(t, "race", "an apply racing a rollback")
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	clawplan(t, "apply", "--root", root, "-auto-approve", dir)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(strings.Replace(threeFiles, "a-new", "a-v2", 1)), 0o644)
	apply, out := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=testfile.a=2s"}, "apply", "--root", root, "-auto-approve", dir)
	waitFor(t, func() bool { return strings.Contains(out.String(), "testfile.a: applying") })
	start := time.Now()
	r := clawplan(t, "rollback", "--root", root, "-manifest", dir)
	if r.code != exitError || !strings.Contains(r.err, "holds the lock") || time.Since(start) > 3*time.Second {
		t.Fatalf("rollback racing an apply: %d after %s\n%s", r.code, time.Since(start), r.err)
	}
	if err := apply.Wait(); err != nil {
		t.Fatalf("the apply was harmed by the racing rollback: %v\n%s", err, out)
	}
	if got := mustRead(t, filepath.Join(root, "etc/app/a.conf")); got != "a-v2\n" {
		t.Fatalf("a.conf = %q after the apply", got)
	}
	if r := clawplan(t, "plan", "--root", root, "-detailed-exitcode", dir); r.code != exitOK {
		t.Fatalf("state corrupted: plan after the race: %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestInterruptedApplyRestores: SIGINT mid-apply stops scheduling and
// restores what was changed, then exits 1 saying it was interrupted.
func TestInterruptedApplyRestores(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "etc/app/a.conf")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, []byte("a-original\n"), 0o644)
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	apply, out := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=testfile.b=2s"}, "apply", "--root", root, "-auto-approve", dir)
	waitFor(t, func() bool { return strings.Contains(journal(t, root), `"testfile.b","status":"snapshotted"`) })
	apply.Process.Signal(syscall.SIGINT)
	err := apply.Wait()
	if err == nil || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("interrupted apply: %v\n%s", err, out)
	}
	if got := mustRead(t, a); got != "a-original\n" {
		t.Fatalf("a.conf = %q after an interrupted apply", got)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/app/c.conf")); err == nil {
		t.Fatal("c.conf was written after the interrupt")
	}
}
