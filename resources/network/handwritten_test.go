package network

import (
	"slices"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// handSeed is the seed's netplan file as a person types it from the
// recipe: no clawplan marker, the seedBlock's values.
const handSeed = `network:
  version: 2
  renderer: networkd
  ethernets:
    ens18:
      addresses:
        - 192.0.2.10/24
      routes:
        - to: default
          via: 192.0.2.1
      nameservers:
        addresses: [192.0.2.53]
`

// TestHandWrittenFileIsKept: a hand-written file that says what the block
// declares is no change; once the block changes, clawplan rewrites it and
// marks it adopted, so removing the block later leaves it.
func TestHandWrittenFileIsKept(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, netplanPath, handSeed, 0o600, 0, 0)
	if ch := plan(t, h, decode(t, netplanOnly)); ch.Action != resources.NoOp {
		t.Fatalf("plan over the hand-written seed file is %s: %+v", ch.Action, ch.Files)
	}
	ch := apply(t, h, decode(t, strings.Replace(netplanOnly, "192.0.2.10/24", "192.0.2.11/24", 1)))
	if ch.Action != resources.Update || len(ch.Files) != 1 || ch.Files[0].Before != handSeed {
		t.Fatalf("a changed block plans %s with %+v, want an update of the hand-written file", ch.Action, ch.Files)
	}
	if _, o, ok := readMarker(get(t, h, netplanPath).Content); !ok || o != adopted {
		t.Fatalf("the rewritten file is not marked adopted:\n%s", get(t, h, netplanPath).Content)
	}
}

// TestHandWrittenVariants: what a hand-written file may say differently
// and still be kept, and what makes clawplan rewrite it.
func TestHandWrittenVariants(t *testing.T) {
	cases := []struct {
		name, from, to string
		keep           bool
	}{
		{"flow style, quotes, no renderer", handSeed, "network: {version: 2, ethernets: {\"ens18\": {addresses: ['192.0.2.10/24'], routes: [{to: 0.0.0.0/0, via: 192.0.2.1}], nameservers: {addresses: [192.0.2.53]}}}}\n", true},
		{"gateway4", "      routes:\n        - to: default\n          via: 192.0.2.1\n", "      gateway4: 192.0.2.1\n", true},
		{"dhcp4: no", "      addresses:\n", "      dhcp4: no\n      addresses:\n", true},
		{"dhcp4: true", "      addresses:\n", "      dhcp4: true\n      addresses:\n", false},
		{"search domains", "[192.0.2.53]\n", "[192.0.2.53]\n        search: [lan]\n", false},
		{"another address", "        - 192.0.2.10/24\n", "        - 192.0.2.10/24\n        - 192.0.2.12/24\n", false},
		{"NetworkManager", "networkd", "NetworkManager", false},
		{"a second ethernet", "  ethernets:\n", "  ethernets:\n    ens19:\n      dhcp4: true\n", false},
		{"a marker of clawplan's", "network:\n", "# Managed by clawplan: network.lan (created by clawplan).\nnetwork:\n", false},
	}
	restest.NeedRoot(t)
	withoutGenerator(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := restest.NewHost(t)
			content := strings.Replace(handSeed, c.from, c.to, 1)
			if c.from == handSeed {
				content = c.to
			}
			put(t, h, netplanPath, content, 0o600, 0, 0)
			ch := plan(t, h, decode(t, netplanOnly))
			if kept := ch.Action == resources.NoOp; kept != c.keep {
				t.Fatalf("file\n%s\nplans %s, want kept=%v", content, ch.Action, c.keep)
			}
			if gw4 := strings.Contains(strings.Join(ch.Notes, "\n"), "gateway4"); gw4 != (c.name == "gateway4") {
				t.Errorf("notes %q", ch.Notes)
			}
		})
	}
}

// TestHandWrittenFileWithLooseMode: only the mode changes; the bytes stay.
func TestHandWrittenFileWithLooseMode(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, netplanPath, handSeed, 0o644, 1000, 1000)
	ch := apply(t, h, decode(t, netplanOnly))
	if ch.Action != resources.Update || len(ch.Files) != 0 {
		t.Fatalf("plan %s with file diffs %+v, want an update without content change", ch.Action, ch.Files)
	}
	if m := attrOf(t, ch, "netplan_file.mode"); m.Before != "0644" || m.After != "0600" {
		t.Errorf("mode %v -> %v", m.Before, m.After)
	}
	f := get(t, h, netplanPath)
	if string(f.Content) != handSeed || f.Mode != 0o600 || f.UID != 0 {
		t.Fatalf("after apply: %s %d %q", resources.ModeString(f.Mode), f.UID, f.Content)
	}
}

func TestReadHandNetplan(t *testing.T) {
	hn, err := readHandNetplan([]byte(`network:
  version: 2
  wifis: {}
  ethernets:
    eno1:
      dhcp4: true
    ens18:
      addresses: [192.0.2.10/24, {"192.0.2.11/24": {label: "ens18:1"}}]
      gateway4: 192.0.2.1
      gateway6: 2001:db8::1
      routes: [{to: 10.0.0.0/8, via: 192.0.2.254}]
      nameservers: {addresses: [192.0.2.53], search: [lan]}
      mtu: 9000
    ens19:
      addresses: [198.51.100.2/24]
`), "")
	if err != nil {
		t.Fatal(err)
	}
	if hn.cfg.Interface != "ens18" || hn.cfg.Gateway != "192.0.2.1" || !slices.Equal(hn.cfg.Addresses, []string{"192.0.2.10/24"}) || !hn.gateway4 {
		t.Errorf("read %+v", hn)
	}
	if !slices.Equal(hn.others, []string{"ens19"}) {
		t.Errorf("others %v, want [ens19]", hn.others)
	}
	want := []string{"network.wifis", "network.ethernets.eno1", "label", "gateway6: a second default route", "routes: to 10.0.0.0/8", "nameservers.search", "ens18.mtu", "network.ethernets.ens19"}
	all := strings.Join(hn.extras, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("extras do not mention %q:\n%s", w, all)
		}
	}
	if _, err := readHandNetplan([]byte("network: [\n"), ""); err == nil {
		t.Error("invalid YAML read without error")
	}
}
