package firewall

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

func state(m tableModel, persist, conf hostfs.File) resources.State {
	return resources.State{Exists: m.Exists, Private: &probed{model: m, digest: digest(m), conf: conf, files: map[string]hostfs.File{"/etc/nftables.d/clawplan-oc_sandbox.nft": persist}, service: "service note"}}
}

func hasNote(ch resources.Change, sub string) bool {
	for _, n := range ch.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

// TestOwnership checks that a table clawplan does not own is never
// replaced unless adopt is set, and that another block's table is taken
// over openly.
func TestOwnership(t *testing.T) {
	none := hostfs.File{}
	seed := tableModel{Exists: true, Chains: []chainModel{{Name: "forward", Decl: "type filter hook forward priority 0; policy accept;"}}}
	r := decode(t, `firewall "sandbox" {}`)
	if _, err := r.Diff(state(seed, none, none)); err == nil || !strings.Contains(err.Error(), "adopt = true") {
		t.Fatalf("a foreign table is not refused: %v", err)
	}
	adopt := decode(t, `firewall "sandbox" { adopt = true }`)
	ch, err := adopt.Diff(state(seed, none, none))
	if err != nil || ch.Action != resources.Update || !hasNote(ch, "did not create") || !hasNote(ch, "is recreated") {
		t.Fatalf("adopt: %v %s %v", err, ch.Action, ch.Notes)
	}
	other := r.wantM
	other.Comment = ownerComment("firewall.old")
	ch, err = r.Diff(state(other, none, none))
	if err != nil || !hasNote(ch, "created by firewall.old") || paths(ch.Attrs)[0] != "table" {
		t.Fatalf("takeover: %v %v %v", err, ch.Notes, paths(ch.Attrs))
	}
	ch, _ = r.Diff(state(tableModel{}, none, none))
	if ch.Action != resources.Create || len(ch.Files) != 2 || !hasNote(ch, "service note") {
		t.Fatalf("create: %s files=%d notes=%v", ch.Action, len(ch.Files), ch.Notes)
	}
}

func TestNoChangeAndNotes(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	text := persistText(r.addr.String(), r.wantM, r.s.Table)
	conf := "#!/usr/sbin/nft -f\nflush ruleset\n" + includeLine(*r.s.PersistFile) + "\n"
	ch, err := r.Diff(state(r.wantM, hostfs.File{Exists: true, Content: text}, hostfs.File{Exists: true, Content: []byte(conf)}))
	if err != nil || ch.Action != resources.NoOp || len(ch.Attrs)+len(ch.Files) != 0 {
		t.Fatalf("in sync: %v %s %+v", err, ch.Action, ch)
	}
	if !hasNote(ch, "flush ruleset") {
		t.Errorf("no warning about the main file's flush ruleset: %v", ch.Notes)
	}
	off := decode(t, `firewall "sandbox" { persist = false }`)
	ch, _ = off.Diff(state(off.wantM, hostfs.File{}, hostfs.File{}))
	if ch.Action != resources.NoOp || !hasNote(ch, "persist = false") {
		t.Errorf("persist = false: %s %v", ch.Action, ch.Notes)
	}
}

func TestOrphanDeletesOnlyWhatItOwns(t *testing.T) {
	r := decode(t, `firewall "sandbox" {}`)
	rec, err := r.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	o, err := Kind{}.Orphan(r.addr, rec)
	if err != nil {
		t.Fatal(err)
	}
	text := persistText(r.addr.String(), r.wantM, r.s.Table)
	conf := withInclude([]byte("#!/usr/sbin/nft -f\ntable ip keep {}\n"), true, r.addr.String(), *r.s.PersistFile)
	files := []hostfs.File{{Exists: true, Content: text}, {Exists: true, Content: conf}}

	ch, _ := o.Diff(state(r.wantM, files[0], files[1]))
	if ch.Action != resources.Delete || paths(ch.Attrs)[0] != "table" || len(ch.Files) != 2 {
		t.Fatalf("orphan of its own table: %s %v files=%d", ch.Action, paths(ch.Attrs), len(ch.Files))
	}
	if p := ch.Private.(*pending); !p.replace || !p.files[0].Remove || p.files[1].Remove || !strings.Contains(string(p.files[1].After), "table ip keep") {
		t.Errorf("orphan plan: %+v", p)
	}
	taken := r.wantM
	taken.Comment = ownerComment("firewall.new")
	ch, _ = o.Diff(state(taken, hostfs.File{}, hostfs.File{}))
	if ch.Action != resources.NoOp || !hasNote(ch, "left alone") {
		t.Errorf("orphan of a table another block took over: %s %v", ch.Action, ch.Notes)
	}
	if _, err := (Kind{}).Orphan(r.addr, json.RawMessage(`{"family":"ip"}`)); err == nil {
		t.Errorf("a bad ownership record is accepted")
	}
}
