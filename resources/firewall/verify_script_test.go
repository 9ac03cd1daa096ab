package firewall

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources/restest"
)

// TestDialScriptBranches runs the built-in dial script with each tool it
// can dial with (python3, bash's /dev/tcp, busybox nc) as the only one on
// PATH, inside a network namespace of the test's own where one port
// listens, one is closed and one is dropped by nftables: every branch
// must tell connected, refused and timeout apart.
func TestDialScriptBranches(t *testing.T) {
	needTools(t, "ip", "nft")
	busybox := findBusybox(t)
	ns, _ := newNetNS(t)
	run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	nsNft(t, ns, "add", "table", "inet", "cpt_drop")
	nsNft(t, ns, "add", "chain", "inet", "cpt_drop", "out", "{ type filter hook output priority 0; }")
	nsNft(t, ns, "add", "rule", "inet", "cpt_drop", "out", "tcp", "dport", "9", "drop")
	serveInNS(t, ns, "127.0.0.1:8080")
	// Debian's own binaries: a python3 on PATH may be a pyenv shim script.
	tools := map[string]string{"python3": "/usr/bin/python3", "bash": "/bin/bash", "nc": busybox}
	for name, p := range tools {
		_, err := os.Stat(p)
		restest.Need(t, err == nil, name+" ("+p+")")
	}
	for name, path := range tools {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, applet := range []string{"sh", "timeout", "grep"} {
				os.Symlink(busybox, filepath.Join(dir, applet))
			}
			os.Symlink(path, filepath.Join(dir, name))
			cmd := exec.Command("ip", append([]string{"netns", "exec", ns, filepath.Join(dir, "sh"), "-c", dialScript, "clawplan-dial"},
				"127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:9")...)
			cmd.Env = []string{"PATH=" + dir, "CLAWPLAN_DIAL_TIMEOUT=1"}
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got := map[string]string{}
			parseDialOutput(string(out), got)
			want := map[string]string{"127.0.0.1:8080": "connected", "127.0.0.1:8081": "refused", "127.0.0.1:9": "timeout"}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q (output:\n%s)", k, got[k], v, out)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the dials took %v: they must run at once, each bounded by the timeout", d)
			}
		})
	}
}

// serveInNS runs the dialer's server on addr inside the namespace until
// the test ends.
func serveInNS(t *testing.T, ns, addr string) {
	bin := filepath.Join(t.TempDir(), "dialer")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./testdata/dialer")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the dialer: %v\n%s", err, b)
	}
	srv := exec.Command("ip", "netns", "exec", ns, bin, "serve", addr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(run(t, "ip", "netns", "exec", ns, "ss", "-tln"), addr) {
		if time.Now().After(deadline) {
			t.Fatalf("the server on %s in %s never listened", addr, ns)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
