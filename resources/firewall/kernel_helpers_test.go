package firewall

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
)

// foreignRuleset is what else lives in a namespace: a copy of Docker's NAT
// table and a user's own table. The firewall must never touch either.
const foreignRuleset = `table ip nat {
	chain POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		oifname != "docker0" ip saddr 172.17.0.0/16 masquerade
	}
}
table inet users_own {
	set allowed { type ipv4_addr; elements = { 192.0.2.1 } }
	chain input {
		type filter hook input priority 10; policy accept;
		ip saddr @allowed accept
	}
}
`

// addForeign loads foreignRuleset into the namespace.
func addForeign(t *testing.T, ns string) {
	t.Helper()
	nsLoad(t, ns, foreignRuleset)
}

// nsLoad runs nft -f on text inside the namespace.
func nsLoad(t *testing.T, ns, text string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "load.nft")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	nsNft(t, ns, "-f", p)
}

// foreign lists the tables that are not clawplan's.
func foreign(t *testing.T, ns string) string {
	t.Helper()
	return nsNft(t, ns, "list", "table", "ip", "nat") + nsNft(t, ns, "list", "table", "inet", "users_own")
}

// ruleset is the namespace's whole ruleset as nft prints it.
func ruleset(t *testing.T, ns string) string {
	t.Helper()
	return nsNft(t, ns, "list", "ruleset")
}

// ruleHandle finds the handle of clawplan's rule NAME in a chain.
func ruleHandle(t *testing.T, ns, table, chain, name string) string {
	t.Helper()
	for _, line := range strings.Split(nsNft(t, ns, "-a", "list", "chain", "inet", table, chain), "\n") {
		if i := strings.LastIndex(line, "# handle "); i > 0 && strings.Contains(line, `comment "`+rulePrefix+name+`"`) {
			return strings.TrimSpace(line[i+len("# handle "):])
		}
	}
	t.Fatalf("rule %s not found in chain %s", name, chain)
	return ""
}

// apply plans r and applies the change, which must be of action want.
func apply(t *testing.T, h *resources.Host, r resources.Resource, want resources.Action) resources.Change {
	t.Helper()
	ch := plan(t, h, r)
	if ch.Action != want {
		t.Fatalf("%s: plan is %s, want %s: %+v", r.Addr(), ch.Action, want, ch.Attrs)
	}
	if err := r.Apply(context.Background(), h, ch); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return ch
}

// onlyChange asserts the plan is an update naming exactly path.
func onlyChange(t *testing.T, ch resources.Change, path string) resources.AttrChange {
	t.Helper()
	if ch.Action != resources.Update || !reflect.DeepEqual(paths(ch.Attrs), []string{path}) || len(ch.Files) != 0 {
		t.Fatalf("plan %s %v files=%d, want an update of exactly %s", ch.Action, paths(ch.Attrs), len(ch.Files), path)
	}
	return ch.Attrs[0]
}

// roundTrip stores a snapshot the way the engine does (JSON on disk) and
// reads it back, as a new process would after kill -9.
func roundTrip(t *testing.T, s resources.Snapshot) resources.Snapshot {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back resources.Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

func readFile(t *testing.T, h *resources.Host, p string) (string, bool) {
	t.Helper()
	full, err := h.Path(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(full)
	return string(b), err == nil
}
