package firewall

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", p, got)
	}
}

func TestPersistedFileGolden(t *testing.T) {
	for name, src := range map[string]string{
		"default.nft": `firewall "sandbox" {}`,
		"custom.nft": `firewall "sandbox" {
  table         = "cpt_custom"
  interface     = "br-sbx"
  dns_servers   = ["9.9.9.9", "2620:fe::fe"]
  extra_blocked = ["203.0.113.7", "11.0.0.0/8", "12.0.0.0/8"]
  allow_host    = [{ port = 11434 }]
}`,
	} {
		r := decode(t, src)
		text := persistText(r.addr.String(), r.wantM, r.s.Table)
		golden(t, name, text)
		if strings.Contains(string(text), "flush") {
			t.Errorf("%s flushes: it must replace only its own table", name)
		}
	}
}

func TestIncludeLine(t *testing.T) {
	const owner, path = "firewall.sandbox", "/etc/nftables.d/clawplan-oc_sandbox.nft"
	created := withInclude(nil, false, owner, path)
	if !strings.HasPrefix(string(created), "#!/usr/sbin/nft -f\n") || !hasInclude(created, path) {
		t.Fatalf("new file:\n%s", created)
	}
	debian := "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}"
	added := withInclude([]byte(debian), true, owner, path)
	if !strings.HasPrefix(string(added), debian+"\n") || !hasInclude(added, path) {
		t.Fatalf("existing file not kept:\n%s", added)
	}
	if again := withInclude(added, true, owner, path); string(again) != string(added) {
		t.Errorf("include added twice:\n%s", again)
	}
	if !flushesRuleset(added) || flushesRuleset(created) {
		t.Errorf("flush ruleset detection wrong")
	}
	back, remove := withoutInclude(added, owner, path)
	if remove || string(back) != debian+"\n" {
		t.Errorf("removing the include from the user's file gave remove=%v:\n%q", remove, back)
	}
	if _, remove := withoutInclude(created, owner, path); !remove {
		t.Errorf("a file clawplan created with only its include is not removed")
	}
	two := withInclude(created, true, owner, "/etc/nftables.d/renamed.nft")
	if got := ourIncludes(two, owner); len(got) != 2 || got[1] != "/etc/nftables.d/renamed.nft" {
		t.Errorf("ourIncludes = %v", got)
	}
	if back, _ := withoutInclude(two, owner, path); !strings.Contains(string(back), includeComment(owner)+"\n"+includeLine("/etc/nftables.d/renamed.nft")) || hasInclude(back, path) {
		t.Errorf("removing one include of the block took the other's comment:\n%s", back)
	}
	mine := withInclude(created, true, "firewall.other", "/etc/nftables.d/other.nft")
	if back, remove := withoutInclude(mine, owner, path); remove || !hasInclude(back, "/etc/nftables.d/other.nft") || hasInclude(back, path) {
		t.Errorf("another block's include lost:\n%s", back)
	}
}
