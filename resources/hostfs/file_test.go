package hostfs

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRestoreRemovesTempFilesOfAKilledWrite: a process killed inside
// WriteAtomic leaves its temp file (possibly a secret) beside the target;
// restoring the target's snapshot removes it, and only it.
func TestRestoreRemovesTempFilesOfAKilledWrite(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, ".env")
	if err := os.WriteFile(target, []byte("A=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	snap, err := Read(target)
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "..env.clawplan-123456")
	other := filepath.Join(dir, ".other.clawplan-1")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Restore(snap); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("the killed write's temp file survived the restore: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("another file's temp was removed: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "A=1\n" {
		t.Fatalf("target = %q", b)
	}
}
