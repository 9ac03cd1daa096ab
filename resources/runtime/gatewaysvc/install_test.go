package gatewaysvc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
)

// TestInstallWithNPM runs the install step for real: npm installs
// node@24, then openclaw at the pinned version with that Node first in
// PATH, offline from the npm cache scripts/test-deps.sh filled (about 30 s;
// 770 MB land in the test's temp root). The service user is uid 0 in this
// tree because root's npm cache is not readable by other users.
func TestInstallWithNPM(t *testing.T) {
	restest.NeedRoot(t)
	_, err := exec.LookPath("npm")
	restest.Need(t, err == nil, "npm")
	cache := "/root/.npm"
	_, err = os.Stat(filepath.Join(cache, "_cacache"))
	restest.Need(t, err == nil, "the npm cache with node@24 and openclaw (scripts/test-deps.sh fills it)")
	if testing.Short() {
		t.Skip("installs 770 MB")
	}
	t.Setenv("npm_config_cache", cache)
	t.Setenv("npm_config_offline", "true")

	h := restest.NewHost(t)
	write(t, h.Root, "etc/passwd", "openclaw:x:0:0::/home/openclaw:/bin/bash\n", 0o644)
	os.MkdirAll(filepath.Join(h.Root, "home/openclaw"), 0o700)
	prefix := filepath.Join(h.Root, defaultPrefix+schema.OpenClawVersion)

	svc := New(gwAddr, defaults(), nil)
	_, ch := restest.Plan(t, h, svc)
	if a, ok := attr(ch, "node_version"); !ok || a.Before != nil {
		t.Fatalf("node should be missing: %+v", ch.Attrs)
	}
	if err := svc.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(prefix, "node_modules/node/bin/node")
	out, err := exec.Command(node, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "v24.") {
		t.Fatalf("installed node --version = %q, %v", out, err)
	}
	out, err = exec.Command(node, filepath.Join(prefix, "node_modules/openclaw/dist/index.js"), "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), schema.OpenClawVersion) {
		t.Fatalf("installed openclaw --version = %q, %v", out, err)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), svc); len(again.Attrs) != 0 {
		t.Fatalf("after the install the versions should match: %+v", again.Attrs)
	}
}
