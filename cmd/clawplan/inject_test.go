package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// hostDigest describes every file, directory and link under root except
// clawplan's own state directory: path, type, mode, owner, content hash.
func hostDigest(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, root)
		if strings.HasPrefix(rel, "/var/lib/clawplan") {
			return nil
		}
		fi, _ := os.Lstat(p)
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(&b, "%s %s %d:%d", rel, fi.Mode(), st.Uid, st.Gid)
		if fi.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

// injectHost is a host that already has what a person or OpenClaw wrote:
// daemon.json with another key, openclaw.json with OpenClaw's meta, and a
// .env line of the user's own.
func injectHost(t *testing.T) string {
	root := t.TempDir()
	files := map[string]string{
		"etc/passwd":                            "root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n",
		"etc/group":                             "root:x:0:\nopenclaw:x:1000:\n",
		"etc/docker/daemon.json":                "{\n  \"log-driver\": \"json-file\"\n}\n",
		"home/openclaw/.openclaw/openclaw.json": "{\n  \"meta\": {\"lastTouchedVersion\": \"2026.9.6\"}\n}\n",
		"home/openclaw/.openclaw/.env":          "MY_OWN=value\n",
	}
	for p, c := range files {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(c), 0o644)
	}
	os.Chmod(filepath.Join(root, "home/openclaw/.openclaw"), 0o700)
	os.MkdirAll(filepath.Join(root, "var/lib"), 0o755) // as on any host: clawplan's state directory goes there
	for _, p := range []string{"home/openclaw", "home/openclaw/.openclaw", "home/openclaw/.openclaw/openclaw.json", "home/openclaw/.openclaw/.env"} {
		os.Chown(filepath.Join(root, p), 1000, 1000)
	}
	return root
}

// TestFaultInjectionAtEveryMutation applies the inject manifest once per
// resource that changes the host, failing right after that resource's
// apply (CLAWPLAN_TESTHOOK_FAIL_APPLY); after each failure the host must
// be byte for byte as before, modes and owners included.
func TestFaultInjectionAtEveryMutation(t *testing.T) {
	restest.NeedRoot(t)
	setInjectSecrets(t)
	manifest := "../../testdata/inject"
	addrs := plannedChanges(t, manifest)
	points, leftovers := 0, 0
	var outputs []string
	for _, addr := range addrs {
		root := injectHost(t)
		before := hostDigest(t, root)
		t.Setenv("CLAWPLAN_TESTHOOK_FAIL_APPLY", addr)
		r := clawplan(t, "apply", "--root", root, "-auto-approve", manifest)
		points++
		outputs = append(outputs, r.out, r.err)
		restest.CanarySweep(t, "fault injection: "+addr, injectSecrets, nil, root, filepath.Join(root, "var/lib/clawplan"))
		if r.code != exitError || !strings.Contains(r.err, "injected fault after applying "+addr) {
			t.Errorf("%s: apply exit %d, want 1 with the injected fault:\n%s", addr, r.code, r.err)
		}
		if after := hostDigest(t, root); after != before {
			leftovers++
			out, _ := exec.Command("diff", "-u", writeTemp(t, before), writeTemp(t, after)).CombinedOutput()
			t.Errorf("%s: the host differs after the failed apply:\n%s", addr, out)
		}
	}
	if points < 8 {
		t.Fatalf("only %d injection points: the manifest should change at least 8 resources", points)
	}
	restest.CanarySweep(t, "fault injection outputs", injectSecrets, outputs, "", "")
	restest.Summary(t, "injection", points, leftovers, "file side of the reference apply (testdata/inject), every step failed in turn")
}

// injectSecrets are the secret values the inject manifest reads from the
// environment; the canary sweeps look for them in every output and file.
var injectSecrets = []string{"0123456789abcdef0123456789abcdef0123456789abcdef", "lm-studio-key-canary-7f3a", "123456789:inject-test-token"}

func setInjectSecrets(t *testing.T) {
	t.Setenv("CLAWPLAN_GATEWAY_TOKEN", injectSecrets[0])
	t.Setenv("CLAWPLAN_LMSTUDIO_KEY", injectSecrets[1])
	t.Setenv("CLAWPLAN_TELEGRAM_BOT_TOKEN", injectSecrets[2])
}

func writeTemp(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "digest")
	os.WriteFile(p, []byte(s), 0o644)
	return p
}
