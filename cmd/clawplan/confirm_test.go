package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// confirmSetup applies generation 1 and changes the manifest so that an
// apply would make generation 2.
func confirmSetup(t *testing.T) (root, dir, a string) {
	root = t.TempDir()
	dir = writeManifest(t, map[string]string{"main.hcl": threeFiles})
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", dir); r.code != exitOK {
		t.Fatal(r.err)
	}
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(strings.Replace(threeFiles, "a-new", "a-v2", 1)), 0o644)
	return root, dir, filepath.Join(root, "etc/app/a.conf")
}

func TestConfirmWithinRevertsWhenUnconfirmed(t *testing.T) {
	root, dir, a := confirmSetup(t)
	cmd, out := spawn(t, nil, "apply", "--root", root, "-auto-approve", "-confirm-within", "1s", dir)
	waitFor(t, func() bool { return mustRead(t, a) == "a-v2\n" })
	err := cmd.Wait()
	if err == nil || !strings.Contains(out.String(), "reverted to generation 1") {
		t.Fatalf("unconfirmed apply: %v\n%s", err, out)
	}
	if got := mustRead(t, a); got != "a-new\n" {
		t.Fatalf("a.conf after the deadline = %q, want generation 1's content", got)
	}
}

func TestConfirmKeepsTheChange(t *testing.T) {
	root, dir, a := confirmSetup(t)
	cmd, out := spawn(t, nil, "apply", "--root", root, "-auto-approve", "-confirm-within", "20s", dir)
	waitFor(t, func() bool { return strings.Contains(out.String(), "clawplan confirm") })
	if r := clawplan(t, "confirm", "--root", root, dir); r.code != exitOK {
		t.Fatalf("confirm: %s", r.err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("confirmed apply exited with %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	if got := mustRead(t, a); got != "a-v2\n" {
		t.Fatalf("a.conf after confirm = %q", got)
	}
}

func TestConfirmWatchdogRevertsWhenApplyDies(t *testing.T) {
	root, dir, a := confirmSetup(t)
	cmd, out := spawn(t, nil, "apply", "--root", root, "-auto-approve", "-confirm-within", "1s", dir)
	waitFor(t, func() bool { return strings.Contains(out.String(), "clawplan confirm") })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if got := mustRead(t, a); got != "a-v2\n" {
		t.Fatalf("a.conf right after the kill = %q", got)
	}
	waitFor(t, func() bool { return mustRead(t, a) == "a-new\n" })
	// The watchdog removes the pending confirmation last, after its rollback.
	waitFor(t, func() bool {
		_, err := os.Stat(filepath.Join(root, "var/lib/clawplan", pendingConfirmFile))
		return err != nil
	})
	if r := clawplan(t, "confirm", "--root", root, dir); r.code != exitError {
		t.Fatal("confirm after the revert succeeded")
	}
}
