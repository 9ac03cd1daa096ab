package resources

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadFileCache checks the read cache: a second read (under another
// spelling of the path) returns what the first read found, a relative or
// climbing path is refused even when the file is cached, and Forget makes
// the next read see the disk again.
func TestReadFileCache(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("one"), 0o644)
	h := NewHost(root, "", []byte("k"), nil)
	if f, err := h.ReadFile("/etc/passwd"); err != nil || string(f.Content) != "one" {
		t.Fatalf("first read: %q, %v", f.Content, err)
	}
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("two"), 0o644)
	if f, err := h.ReadFile("/etc//passwd"); err != nil || string(f.Content) != "one" {
		t.Fatalf("cached read: %q, %v", f.Content, err)
	}
	for _, bad := range []string{"etc/passwd", "/etc/../etc/passwd"} {
		if _, err := h.ReadFile(bad); err == nil {
			t.Errorf("%s: read, want an error", bad)
		}
	}
	h.Forget("/etc/passwd")
	if f, err := h.ReadFile("/etc/passwd"); err != nil || string(f.Content) != "two" {
		t.Fatalf("read after Forget: %q, %v", f.Content, err)
	}
	os.Symlink("/etc/hostname", filepath.Join(root, "etc/link"))
	if _, err := h.ReadFile("/etc/link"); err == nil {
		t.Error("read through a final symlink")
	}
}
