package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
)

// importVM imports the vm block of h and decodes it as the engine does.
func importVM(t *testing.T, h *resources.Host) (resources.ImportedBlock, resources.Resource) {
	t.Helper()
	blocks, err := Kind{}.Import(context.Background(), restest.Fresh(h))
	if err != nil || len(blocks) != 1 {
		t.Fatalf("import: %d blocks, %v", len(blocks), err)
	}
	return blocks[0], restest.MustDecode(t, Kind{}, string(importkit.Render("vm", blocks[0])), nil)
}

// withOSRelease gives the root the recorded Ubuntu 24.04 os-release.
func withOSRelease(t *testing.T, h *resources.Host) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recorded(t, "proxmox-good"), "etc/os-release"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(h.Root, "etc/os-release"), string(b), 0o644)
}

// TestImportAppliedVM: a guest set up by a vm block (the real useradd
// creating the service user, its docker group and lingering) imports as
// a block that plans as a no-op.
func TestImportAppliedVM(t *testing.T) {
	needShadowTools(t)
	h := baseRoot(t, "status-all-installed")
	withOSRelease(t, h)
	r := restest.MustDecode(t, Kind{}, `vm "host" { os = "ubuntu-24.04" }`, nil)
	_, ch := restest.Plan(t, h, r)
	if err := r.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	b, imported := importVM(t, h)
	src := string(importkit.Render("vm", b))
	for _, want := range []string{`os       = "ubuntu-24.04"`, `groups   = ["docker"]`, `"curl", "ca-certificates"`} {
		if !strings.Contains(src, want) {
			t.Errorf("imported block lacks %s:\n%s", want, src)
		}
	}
	if _, ch := restest.Plan(t, restest.Fresh(h), imported); ch.Action != resources.NoOp || b.Comment != "" {
		t.Fatalf("the imported block plans %s %+v, comment %q:\n%s", ch.Action, ch.Attrs, b.Comment, src)
	}
}

// TestImportHandBuiltVM: a guest set up by hand, with two of the seed's
// packages missing, the service user in more groups than the seed's and
// no lingering: the block keeps the groups and leaves lingering alone,
// and its comment announces exactly the installs a plan shows.
func TestImportHandBuiltVM(t *testing.T) {
	h := baseRoot(t, "status-partial")
	withOSRelease(t, h)
	appendFile(t, filepath.Join(h.Root, "etc/passwd"), "openclaw:x:1000:1000::/home/openclaw:/bin/bash\n")
	appendFile(t, filepath.Join(h.Root, "etc/group"), "openclaw:x:1000:\ndocker:x:999:openclaw\nadm:x:4:syslog,openclaw\n")
	if err := os.MkdirAll(filepath.Join(h.Root, "home/openclaw"), 0o750); err != nil {
		t.Fatal(err)
	}
	b, imported := importVM(t, h)
	src := string(importkit.Render("vm", b))
	if !strings.Contains(src, `groups   = ["docker", "adm"]`) || !strings.Contains(src, "linger   = false") {
		t.Fatalf("imported block:\n%s", src)
	}
	_, ch := restest.Plan(t, restest.Fresh(h), imported)
	if ch.Action != resources.Update || len(ch.Attrs) == 0 {
		t.Fatalf("plan %s %+v, want the missing seed packages", ch.Action, ch.Attrs)
	}
	for _, a := range ch.Attrs {
		if !strings.HasPrefix(a.Path, "packages.") || !strings.Contains(b.Comment, "A plan changes "+a.Path+".") {
			t.Errorf("%s is not a missing package the comment announces:\n%s", a.Path, b.Comment)
		}
	}
}

// TestImportNoSystem: a root without os-release has no guest to import.
func TestImportNoSystem(t *testing.T) {
	h := baseRoot(t, "status-all-installed")
	blocks, err := Kind{}.Import(context.Background(), h)
	if err != nil || len(blocks) != 0 {
		t.Fatalf("import: %v %v", blocks, err)
	}
}
