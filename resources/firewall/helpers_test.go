package firewall

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// decode reads one firewall block the way the engine does.
func decode(t testing.TB, src string) *Firewall {
	t.Helper()
	return restest.MustDecode(t, Kind{}, src, nil).(*Firewall)
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// needTools stops a real-component test without root, ip or nft.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	restest.NeedRoot(t)
	for _, tool := range tools {
		_, err := exec.LookPath(tool)
		restest.Need(t, err == nil, tool)
	}
}

// run runs a command and fails the test when it fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newNetNS creates a network namespace cpt-fw-<rand>, removed when the
// test ends, and returns its name and path.
func newNetNS(t testing.TB) (name, path string) {
	t.Helper()
	needTools(t, "ip", "nft")
	name = "cpt-fw-" + randHex(4)
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name, "/run/netns/" + name
}

// nsNft runs the real nft binary inside the namespace (tests only).
func nsNft(t testing.TB, ns string, args ...string) string {
	t.Helper()
	return run(t, "ip", append([]string{"netns", "exec", ns, "nft"}, args...)...)
}

// inNS decodes src and points it at the namespace.
func inNS(t testing.TB, path, src string) *Firewall {
	t.Helper()
	r := decode(t, src)
	if err := SetNetNS(r, path); err != nil {
		t.Fatal(err)
	}
	return r
}

// plan probes r on a fresh read of h's root and diffs.
func plan(t testing.TB, h *resources.Host, r resources.Resource) resources.Change {
	t.Helper()
	_, ch := restest.Plan(t, restest.Fresh(h), r)
	return ch
}
