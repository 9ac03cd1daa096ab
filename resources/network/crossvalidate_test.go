package network

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// catalog is the shared test catalog (restest.Catalog).
type catalog = restest.Catalog

func named(t *testing.T, name, src string) *Network {
	return decode(t, strings.Replace(src, `network "lan"`, `network "`+name+`"`, 1))
}

func TestCrossValidateRefusesSharedThings(t *testing.T) {
	a := named(t, "a", seedBlock)
	cases := []struct {
		b    string
		want []string
	}{
		{block(`interface = "ens19"`, `addresses = ["198.51.100.10/24"]`), []string{"Two network blocks manage the netplan file /etc/netplan/01-netcfg.yaml"}},
		{block(`interface = "ens18"`, `addresses = ["198.51.100.10/24"]`, `netplan_file = "/etc/netplan/02-b.yaml"`), []string{"Two network blocks manage the interface ens18"}},
		{block(`docker_dns = ["9.9.9.9"]`), []string{`Two network blocks manage the "dns" key of /etc/docker/daemon.json`}},
		{block(`interface = "ens19"`, `addresses = ["198.51.100.10/24"]`, `netplan_file = "/etc/netplan/02-b.yaml"`,
			`docker_dns = ["9.9.9.9"]`, `docker_daemon_file = "/srv/daemon.json"`), nil},
	}
	for i, c := range cases {
		b := named(t, "b", c.b)
		cat := catalog{a, b}
		if d := a.CrossValidate(cat); len(d) != 0 {
			t.Errorf("case %d: the first block reports the clash too: %s", i, d.Error())
		}
		diags := b.CrossValidate(cat)
		if len(diags) != len(c.want) {
			t.Errorf("case %d: got %d diagnostics, want %d:\n%s", i, len(diags), len(c.want), describe(diags))
			continue
		}
		for j, d := range diags {
			if d.Summary != c.want[j] || !strings.Contains(d.Detail, "network.a (main.hcl:1,1") || d.Subject == nil {
				t.Errorf("case %d: %s: %s (subject %v)", i, d.Summary, d.Detail, d.Subject)
			}
		}
	}
}

// TestExampleNetworkOnly decodes examples/network-only/main.hcl, the
// newcomer's first manifest, and plans it on a fresh host.
func TestExampleNetworkOnly(t *testing.T) {
	src := readFile(t, "../../examples/network-only/main.hcl")
	n := restest.MustDecode(t, Kind{}, src, nil).(*Network)
	if n.cfg.Interface != "ens18" || strings.Join(n.cfg.DockerDNS, ",") != "1.1.1.1,8.8.8.8" {
		t.Errorf("the example is not the seed's setup: %+v", n.cfg)
	}
	if _, ch := restest.Plan(t, restest.NewHost(t), n); ch.Action != resources.Create || len(ch.Files) != 2 {
		t.Fatalf("the example plans %s with %d files on a fresh host, want create with 2", ch.Action, len(ch.Files))
	}
}
