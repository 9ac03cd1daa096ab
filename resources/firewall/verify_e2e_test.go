package firewall

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// testBridge creates a Docker bridge network of the test's own, on a Linux
// bridge named cpv<id>, removed when the test ends. The firewall under
// test guards that bridge only, so containers of other tests on docker0
// never lose the LAN or the host while it is loaded.
func (l *lab) testBridge(t *testing.T) string {
	iface := "cpv" + l.id
	name := "cpt-fw-" + l.id + "-net"
	run(t, "docker", "network", "create", "--driver", "bridge", "-o", "com.docker.network.bridge.name="+iface, name)
	t.Cleanup(func() { exec.Command("docker", "network", "rm", name).Run() })
	return iface
}

// containersSeen are the test containers the evidence named.
var (
	containersSeen []string
	containerName  = regexp.MustCompile(verifyPrefix + `[0-9a-f]+`)
)

// verifyChecks runs Verify and returns "NAME=PASS|FAIL" per check, logging
// the evidence.
func verifyChecks(t *testing.T, h *resources.Host, fw *Firewall) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	var out []string
	for _, c := range fw.Verify(ctx, h) {
		if m := containerName.FindString(c.Evidence); m != "" && !slices.Contains(containersSeen, m) {
			containersSeen = append(containersSeen, m)
		}
		mark := map[bool]string{true: "PASS", false: "FAIL"}[c.Passed]
		t.Logf("%s %s: %s", mark, c.Name, c.Evidence)
		out = append(out, c.Name+"="+mark)
	}
	t.Logf("verify took %v", time.Since(start).Round(time.Millisecond))
	return strings.Join(out, " ")
}

// TestVerifyE2E runs the firewall's checks for real: a container of a
// busybox image on a Docker bridge of the test's own dials a LAN test
// host, an "internet" test host and a host service, first without the
// table (the LAN and host checks must fail), then with it (all pass),
// with the built-in sh script (busybox nc) and with a dial_command.
func TestVerifyE2E(t *testing.T) {
	l := newLab(t)
	t.Setenv(NetNSEnv, "")
	iface := l.testBridge(t)
	table := "cpt_" + l.id
	t.Cleanup(func() { exec.Command("nft", "delete", "table", "inet", table).Run() })
	h := restest.NewHost(t)
	block := func(extra string) *Firewall {
		fw := decode(t, fmt.Sprintf(`firewall "sandbox" {
  table     = %q
  interface = %q
  verify {
    image      = %q
    internet   = %q
    lan        = [%q]
    host_ports = [%d]
    timeout    = 2
    %s
  }
}`, table, iface, l.image, l.inet, l.lan, l.port, extra))
		fw.CrossValidate(catalog{fw})
		return fw
	}
	lanName, hostName := "sandbox -> LAN "+l.lan, "sandbox -> host "
	t.Run("without the table the LAN and host checks fail", func(t *testing.T) {
		got := verifyChecks(t, h, block(""))
		want := "sandbox -> internet=PASS " + lanName + "=FAIL " + hostName
		if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ":"+strconv.Itoa(l.port)+"=FAIL") {
			t.Fatalf("checks: %s\nwant:   %s<gateway>:%d=FAIL", got, want, l.port)
		}
	})
	apply(t, h, block(""), resources.Create)
	t.Run("with the table every check passes", func(t *testing.T) {
		got := verifyChecks(t, h, block(""))
		if strings.Count(got, "=PASS") != 3 || strings.Contains(got, "FAIL") {
			t.Fatalf("checks: %s", got)
		}
	})
	t.Run("a dial_command of the image's own", func(t *testing.T) {
		got := verifyChecks(t, h, block(`dial_command = ["/dialer", "check"]`))
		if strings.Count(got, "=PASS") != 3 || strings.Contains(got, "FAIL") {
			t.Fatalf("checks: %s", got)
		}
	})
	t.Run("a missing image fails every check", func(t *testing.T) {
		fw := block("")
		missing := "cpt-fw-" + l.id + "-absent:latest"
		fw.s.Verify.Image = &missing
		checks := fw.Verify(context.Background(), h)
		for _, c := range checks {
			if c.Passed || !strings.Contains(c.Evidence, "is not on the Docker engine") {
				t.Errorf("%s: %+v", c.Name, c)
			}
		}
		if len(checks) != 3 {
			t.Errorf("%d checks, want 3", len(checks))
		}
	})
	t.Run("docker0 is the default bridge network", func(t *testing.T) {
		eng, err := docker.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		b, err := findBridge(context.Background(), eng.Client(), "docker0")
		if err != nil || b.name != "bridge" || b.gw != ifaceAddr("docker0") || !b.gw.IsValid() {
			t.Fatalf("docker0: %+v, %v (interface address %s)", b, err, ifaceAddr("docker0"))
		}
		if _, err := findBridge(context.Background(), eng.Client(), "cpvnone"+l.id); err == nil {
			t.Fatal("an interface no network uses was found")
		}
	})
	t.Run("no test container is left behind", func(t *testing.T) {
		if len(containersSeen) < 3 {
			t.Fatalf("the evidence named %d containers, want 3", len(containersSeen))
		}
		out := run(t, "docker", "ps", "-a", "--filter", "label=clawplan.verify", "--format", "{{.Names}}")
		for _, name := range containersSeen {
			if strings.Contains(out, name) {
				t.Errorf("container %s is left", name)
			}
		}
	})
}
