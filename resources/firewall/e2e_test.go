package firewall

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// TestE2E runs the seed's functional tests 2 and 3 for real: a container
// on docker0, a LAN test host, an internet test host and a host service,
// with the firewall applied in the machine's own namespace as a table of
// the test's own (cpt_<rand>), deleted when the test ends.
func TestE2E(t *testing.T) {
	l := newLab(t)
	t.Setenv(NetNSEnv, "") // the machine's own namespace: docker0 lives there
	table := "cpt_" + l.id
	t.Cleanup(func() { exec.Command("nft", "delete", "table", "inet", table).Run() })
	h := restest.NewHost(t)
	block := func(extra string) *Firewall {
		return decode(t, `firewall "sandbox" {
  table = "`+table+`"
  `+extra+`
}`)
	}

	t.Run("without the table sandboxes reach the LAN and the host", func(t *testing.T) {
		c, host := l.probeAll(t)
		if want := "lan=ok host_via_docker0=ok host_via_lan_side=ok internet=ok"; c != want || host != "lan=ok" {
			t.Fatalf("container: %s (want %s); host: %s", c, want, host)
		}
	})
	t.Run("with the table only the internet is reachable", func(t *testing.T) {
		l.waitQuietBridge(t)
		apply(t, h, block(""), resources.Create)
		c, host := l.probeAll(t)
		if want := "lan=blocked host_via_docker0=blocked host_via_lan_side=blocked internet=ok"; c != want || host != "lan=ok" {
			t.Fatalf("container: %s (want %s); host: %s", c, want, host)
		}
	})
	t.Run("no window while the table is replaced 50 times", func(t *testing.T) {
		noWindow(t, l, h, block(""), block(`extra_blocked = ["198.51.100.0/24"]`))
	})
	t.Run("deleting the table restores reachability", func(t *testing.T) {
		rec, _ := block("").Ownership()
		orphan, err := Kind{}.Orphan(resources.Addr{Kind: "firewall", Name: "sandbox"}, rec)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, h, orphan, resources.Delete)
		if out := run(t, "nft", "list", "tables"); strings.Contains(out, table) {
			t.Fatalf("table %s still there", table)
		}
		if c, _ := l.probeAll(t); !strings.HasPrefix(c, "lan=ok") {
			t.Errorf("after delete the container gets %s", c)
		}
	})
}

// noWindow dials the LAN host from a container in a tight loop (many
// workers, short timeouts) while the firewall is replaced by a changed one
// and back, 50 times: not one connection may succeed.
func noWindow(t *testing.T, l *lab, h *resources.Host, a, b *Firewall) {
	cmd := l.containerCmd(t, true, "loop", l.lan, "60s", "64", "25ms", "stdin")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var successLog bytes.Buffer // "success_at=NS local=ADDR" per connection that got through
	cmd.Stderr = &successLog
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("the dialer container printed nothing: %v", cmd.Wait())
	}
	started := parseCounts(t, lines.Text())
	applyStart := time.Now()
	var windows [][2]int64
	for i := range 50 {
		from := time.Now().UnixNano()
		apply(t, h, []*Firewall{b, a}[i%2], resources.Update)
		windows = append(windows, [2]int64{from, time.Now().UnixNano()})
	}
	applyEnd := time.Now()
	time.Sleep(100 * time.Millisecond) // a last round of dials against the final table
	stdin.Close()
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("dialer container: %v", err)
	}
	got := parseCounts(t, strings.Join(rest, " "))
	t.Logf("50 replacements in %v; %d connection attempts from the container, %d succeeded", applyEnd.Sub(applyStart).Round(time.Millisecond), got["attempts"], got["successes"])
	if started["start"] > applyStart.UnixNano() || got["end"] < applyEnd.UnixNano() {
		t.Fatalf("the dial loop (%d..%d) did not cover the replacements (%d..%d)", started["start"], got["end"], applyStart.UnixNano(), applyEnd.UnixNano())
	}
	if got["attempts"] < 1000 {
		t.Fatalf("only %d attempts: the loop was not tight enough to prove anything", got["attempts"])
	}
	if got["successes"] != 0 {
		t.Errorf("%d connections to the LAN host succeeded while the table was replaced:\n%s", got["successes"], placeSuccesses(successLog.String(), windows))
	}
}

// placeSuccesses says, for each connection that got through, which
// replacement it happened during, if any.
func placeSuccesses(log string, windows [][2]int64) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var at int64
		if _, err := fmt.Sscanf(line, "success_at=%d", &at); err != nil {
			fmt.Fprintf(&b, "  %s\n", line)
			continue
		}
		where := "outside every replacement"
		for i, w := range windows {
			if at >= w[0] && at <= w[1] {
				where = fmt.Sprintf("during replacement %d, %v after it started", i, time.Duration(at-w[0]))
			}
		}
		fmt.Fprintf(&b, "  %s: %s\n", line, where)
	}
	return b.String()
}
