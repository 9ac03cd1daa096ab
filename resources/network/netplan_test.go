package network

import (
	"reflect"
	"testing"

	"github.com/clawplan/clawplan/resources/hostfs"
)

func TestRenderNetplanGolden(t *testing.T) {
	n := decode(t, seedBlock)
	golden(t, "seed.netplan.yaml", renderNetplan(n.addr, n.cfg, created))

	dual := decode(t, block(`interface = "ens18"`, `addresses = ["192.0.2.10/24", "2001:db8::10/64"]`,
		`gateway = "fe80::1"`, `nameservers = ["192.0.2.53", "2001:db8::53"]`))
	golden(t, "dual-stack.netplan.yaml", renderNetplan(dual.addr, dual.cfg, adopted))
}

func TestRenderNetplanIsDeterministic(t *testing.T) {
	n := decode(t, seedBlock)
	first := renderNetplan(n.addr, n.cfg, created)
	for range 20 {
		if got := renderNetplan(n.addr, decode(t, seedBlock).cfg, created); string(got) != string(first) {
			t.Fatalf("render changed between runs:\n%s\n---\n%s", first, got)
		}
	}
}

// TestNetplanReadsBack checks that what clawplan renders reads back, through
// a YAML parser, as the block's own values: quoting is right.
func TestNetplanReadsBack(t *testing.T) {
	n := decode(t, block(`interface = "ens18"`, `addresses = ["192.0.2.10/24", "2001:db8::10/64"]`,
		`gateway = "2001:db8::1"`, `nameservers = ["192.0.2.53", "2001:db8::53"]`, `renderer = "NetworkManager"`))
	got, err := currentNetplan(renderNetplan(n.addr, n.cfg, created), n.cfg.Interface)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"interface":   "ens18",
		"addresses":   []any{"192.0.2.10/24", "2001:db8::10/64"},
		"gateway":     "2001:db8::1",
		"nameservers": []any{"192.0.2.53", "2001:db8::53"},
		"renderer":    "NetworkManager",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %#v, want %#v", got, want)
	}
}

// TestNetplanReadsHandWritten reads the seed's own file, as a user following
// the recipe wrote it, and older layouts (gateway4, addresses with options).
func TestNetplanReadsHandWritten(t *testing.T) {
	seed := "network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    ens18:\n      addresses:\n        - 192.0.2.10/24\n" +
		"      routes:\n        - to: default\n          via: 192.0.2.1\n      nameservers:\n        addresses: [192.0.2.53]\n"
	old := "network:\n  ethernets:\n    eth0:\n      addresses:\n        - 192.0.2.9/24:\n            label: eth0:1\n      gateway4: 192.0.2.254\n"
	cases := []struct {
		content, iface string
		want           map[string]any
	}{
		{seed, "ens18", map[string]any{"interface": "ens18", "addresses": []any{"192.0.2.10/24"}, "gateway": "192.0.2.1",
			"nameservers": []any{"192.0.2.53"}, "renderer": "networkd"}},
		{old, "ens18", map[string]any{"interface": "eth0", "addresses": []any{"192.0.2.9/24"}, "gateway": "192.0.2.254",
			"nameservers": nil, "renderer": nil}},
	}
	for _, c := range cases {
		got, err := currentNetplan([]byte(c.content), c.iface)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("read %#v, want %#v", got, c.want)
		}
	}
	if _, err := currentNetplan([]byte("network: [unclosed"), "ens18"); err == nil {
		t.Error("invalid YAML read without an error")
	}
}

func TestScalarQuoting(t *testing.T) {
	cases := map[string]string{
		"ens18":           "ens18",
		"eth0.100":        "eth0.100",
		"192.0.2.10/24":   "192.0.2.10/24",
		"1.1.1.1":         "1.1.1.1",
		"2001:db8::10/64": `"2001:db8::10/64"`,
		"fe80::1":         `"fe80::1"`,
		"yes":             `"yes"`, // YAML 1.1 would read a boolean
		"On":              `"On"`,
		"10":              `"10"`, // a number
		"1e3":             `"1e3"`,
	}
	for in, want := range cases {
		if got := scalar(in); got != want {
			t.Errorf("scalar(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMarkerAndOrigin(t *testing.T) {
	n := decode(t, seedBlock)
	for _, o := range []origin{created, adopted} {
		owner, got, ok := readMarker(renderNetplan(n.addr, n.cfg, o))
		if !ok || owner != "network.lan" || got != o {
			t.Errorf("marker of a %s file reads (%q, %q, %v)", o, owner, got, ok)
		}
	}
	cases := []struct {
		f    hostfs.File
		want origin
	}{
		{hostfs.File{}, created},
		{hostfs.File{Exists: true, Content: renderNetplan(n.addr, n.cfg, created)}, created},
		{hostfs.File{Exists: true, Content: renderNetplan(n.addr, n.cfg, adopted)}, adopted},
		{hostfs.File{Exists: true, Content: []byte("network:\n  version: 2\n")}, adopted},
		// A marker that is not on the first line does not count.
		{hostfs.File{Exists: true, Content: append([]byte("\n"), renderNetplan(n.addr, n.cfg, created)...)}, adopted},
	}
	for i, c := range cases {
		if got := originOf(c.f); got != c.want {
			t.Errorf("case %d: origin %s, want %s", i, got, c.want)
		}
	}
}
