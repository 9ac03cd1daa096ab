package gatewaysvc

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// TestVerifyListening reads /proc/net/tcp and tcp6 recorded on this kind
// of machine (testdata/verify/NAME/proc/net): the gateway on 127.0.0.1 and
// [::1] with a client connected, on 0.0.0.0 and [::] (bind = "lan"), and
// down while something else listens on loopback.
func TestVerifyListening(t *testing.T) {
	cases := []struct {
		tables, bind string
		pass         bool
		name, ev     string
	}{
		{"loopback", "loopback", true, "gateway on loopback only", "port 18789 is listened on at 127.0.0.1:18789, [::1]:18789 (bind = \"loopback\")"},
		{"all", "loopback", false, "gateway on loopback only", "port 18789 is listened on at 0.0.0.0:18789, [::]:18789: not only loopback"},
		{"none", "loopback", false, "gateway on loopback only", "nothing listens on port 18789: the gateway is not running (systemctl --user status openclaw-gateway.service, as openclaw)"},
		{"all", "lan", true, "gateway listening", "port 18789 is listened on at 0.0.0.0:18789, [::]:18789 (bind = \"lan\")"},
		{"none", "lan", false, "gateway listening", "nothing listens on port 18789"},
	}
	for _, c := range cases {
		root, _ := filepath.Abs(filepath.Join("testdata", "verify", c.tables))
		h := resources.NewHost(root, t.TempDir(), []byte("k"), nil)
		set := defaults()
		set.Bind = c.bind
		checks := New(gwAddr, set, nil).Verify(context.Background(), h)
		if len(checks) != 1 {
			t.Fatalf("%s/%s: %d checks", c.tables, c.bind, len(checks))
		}
		got := checks[0]
		if got.Passed != c.pass || got.Name != c.name || !strings.Contains(got.Evidence, c.ev) ||
			!strings.Contains(got.Evidence, "/proc/net/tcp and /proc/net/tcp6 under "+root+": ") {
			t.Errorf("%s/%s: %+v", c.tables, c.bind, got)
		}
	}
}

// Under a --root tree without /proc the check fails and says so; an
// orphan (its gateway block removed) has nothing to check.
func TestVerifyWithoutTables(t *testing.T) {
	h := testHost(t)
	checks := New(gwAddr, defaults(), nil).Verify(context.Background(), h)
	if len(checks) != 1 || checks[0].Passed || !strings.Contains(checks[0].Evidence, "cannot read /proc/net/tcp and /proc/net/tcp6 under "+h.Root) {
		t.Fatalf("%+v", checks)
	}
	orphan, err := Kind{}.Orphan(AddrFor(gwAddr), []byte(`{"user":"openclaw","unit":"openclaw-gateway.service"}`))
	if err != nil {
		t.Fatal(err)
	}
	if checks := orphan.(*Service).Verify(context.Background(), h); len(checks) != 0 {
		t.Fatalf("orphan: %+v", checks)
	}
}

// On this machine's own tables, a listener the test opens on loopback is
// found at once (the check reads past the run's cache).
func TestVerifyLiveTables(t *testing.T) {
	h := resources.NewHost("/", t.TempDir(), []byte("k"), nil)
	ln, port := listenLoopback(t)
	set := defaults()
	set.Port = port
	before := New(gwAddr, set, nil).Verify(context.Background(), h)[0]
	ln.Close()
	after := New(gwAddr, set, nil).Verify(context.Background(), h)[0]
	if !before.Passed || after.Passed || !strings.Contains(after.Evidence, "nothing listens") {
		t.Fatalf("before close: %+v\nafter close: %+v", before, after)
	}
}

// A listener of another user on the port is not the gateway: the test's
// own socket (root's) passes for user root and fails for user nobody.
func TestVerifyOtherProgramOnThePort(t *testing.T) {
	restest.NeedRoot(t) // the test's listener must be root's
	h := resources.NewHost("/", t.TempDir(), []byte("k"), nil)
	_, port := listenLoopback(t)
	set := defaults()
	set.Port = port
	set.User = "root"
	if c := New(gwAddr, set, nil).Verify(context.Background(), h)[0]; !c.Passed {
		t.Fatalf("the service user's own listener: %+v", c)
	}
	set.User = "nobody"
	c := New(gwAddr, set, nil).Verify(context.Background(), h)[0]
	if c.Passed || !strings.Contains(c.Evidence, "by another program: no socket of nobody") {
		t.Fatalf("another user's listener: %+v", c)
	}
}

// listenLoopback listens on a free loopback port until the test ends.
func listenLoopback(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, ln.Addr().(*net.TCPAddr).Port
}
