package restest

import (
	"os"
	"testing"
)

// Need stops a test whose real component (a Docker engine, nftables, the
// openclaw CLI, root) is missing. Locally the test is skipped with the
// reason; in CI (CI=true) it fails, because an integration test that cannot
// run there is a broken setup, not a pass.
func Need(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI and missing: run scripts/test-deps.sh (make test does)", what)
	}
	t.Skipf("%s is missing; run scripts/test-deps.sh to install it", what)
}

// NeedRoot is Need for tests that must run as root (netns, nftables, dockerd).
func NeedRoot(t testing.TB) { t.Helper(); Need(t, os.Geteuid() == 0, "root") }
