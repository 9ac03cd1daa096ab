package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
)

// openclawCache is the OpenClaw install scripts/test-deps.sh keeps (node
// and openclaw at the pinned version, as npm installs them).
const openclawCache = "/var/cache/clawplan/openclaw-current"

// TestImportRoundTrip is issue 6's import check on the real kinds: apply
// examples/openclaw-config to an empty host, import that host, and plan
// the imported manifest against it: no changes, with the example's
// secrets gone from the environment (the imported secrets read their
// values where they were delivered) and none of them in the manifest.
func TestImportRoundTrip(t *testing.T) {
	restest.NeedRoot(t) // nftables (the firewall kind's import) and files owned by the service user
	root, ex := t.TempDir(), "../../examples/openclaw-config"
	serviceUserRoot(t, root)
	isolateFirewall(t)
	env := exampleEnv(t, ex)
	for _, kv := range env {
		t.Setenv(kv[0], kv[1])
	}
	if r := clawplan(t, "apply", "--root", root, "-auto-approve", "-no-color", ex); r.code != exitOK {
		t.Fatalf("apply: %d\n%s\n%s", r.code, r.out, r.err)
	}
	out := filepath.Join(t.TempDir(), "imported.hcl")
	if r := clawplan(t, "import", "--root", root, "-out", out); r.code != exitOK {
		t.Fatalf("import: %d\n%s", r.code, r.err)
	}
	manifest := mustRead(t, out)
	for _, kv := range env {
		if strings.Contains(manifest, kv[1]) {
			t.Fatalf("the imported manifest holds the value of %s:\n%s", kv[0], manifest)
		}
		os.Unsetenv(kv[0])
	}
	r := clawplan(t, "plan", "--root", root, "-detailed-exitcode", "-no-color", out)
	if r.code != exitOK || !strings.Contains(r.out, "No changes.") {
		t.Fatalf("plan of the imported manifest: exit %d\n%s\n%s\nmanifest:\n%s", r.code, r.out, r.err, manifest)
	}
	for _, want := range []string{`gateway "main"`, `auth_token      = secret.gateway_token`, `token           = secret.telegram_bot`, `env_file = "/home/openclaw/.openclaw/.env"`} {
		if !strings.Contains(manifest, want) {
			t.Errorf("the imported manifest lacks %s:\n%s", want, manifest)
		}
	}
}

// serviceUserRoot gives root the service user (uid 1000, a docker group)
// and, when scripts/test-deps.sh cached it, the pinned OpenClaw in the
// gateway's default prefix: a real install, hard-linked (the apply would
// otherwise download the same 770 MB from npm). Only the prefix directory
// itself is the test's own; nothing writes into the linked files.
func serviceUserRoot(t *testing.T, root string) {
	t.Helper()
	// npm runs as the service user: it must reach its home under the root.
	for _, d := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n",
		"etc/group":  "root:x:0:\nopenclaw:x:1000:\ndocker:x:999:openclaw\n",
	}
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(root, "home/openclaw")
	if err := os.MkdirAll(home, 0o750); err != nil || os.Chown(home, 1000, 1000) != nil {
		t.Fatalf("home: %v", err)
	}
	if _, err := os.Stat(filepath.Join(openclawCache, "node_modules/openclaw/package.json")); err != nil {
		return
	}
	prefix := filepath.Join(home, ".openclaw/runtime", schema.OpenClawVersion)
	for _, d := range []string{filepath.Dir(filepath.Dir(prefix)), filepath.Dir(prefix), prefix} {
		if err := os.MkdirAll(d, 0o700); err != nil || os.Chown(d, 1000, 1000) != nil {
			t.Fatalf("%s: %v", d, err)
		}
	}
	if out, err := exec.Command("cp", "-al", openclawCache+"/.", prefix+"/").CombinedOutput(); err != nil {
		t.Fatalf("linking the cached OpenClaw: %v\n%s", err, out)
	}
}

// isolateFirewall points the firewall kind at a network namespace of the
// test's own, so the import reads no table of the machine's ruleset.
func isolateFirewall(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		return
	}
	name := fmt.Sprintf("cpt-imp-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	t.Setenv("CLAWPLAN_FIREWALL_NETNS", "/run/netns/"+name)
}
