package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// TestKill9AtEveryStep kills the inject manifest's apply (the file side of
// the reference setup) with SIGKILL at every step in turn, right after
// that step's snapshot was saved, so the steps before it are on the host.
// The next plan must report the interrupted apply. Then a rollback is
// killed too, paused before its last restore, and a second rollback must
// bring the host back byte for byte (content, mode, owner).
func TestKill9AtEveryStep(t *testing.T) {
	restest.NeedRoot(t)
	setInjectSecrets(t)
	manifest := "../../testdata/inject"
	addrs := plannedChanges(t, manifest)
	crashes, lost := 0, 0
	for _, addr := range addrs {
		root := injectHost(t)
		before := hostDigest(t, root)
		apply, applyOut := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_APPLY=" + addr + "=30s"}, "apply", "--root", root, "-auto-approve", manifest)
		waitFor(t, func() bool { return strings.Contains(journal(t, root), `"`+addr+`","status":"snapshotted"`) })
		apply.Process.Signal(syscall.SIGKILL)
		apply.Wait()
		crashes++
		if r := clawplan(t, "plan", "--root", root, "-no-color", manifest); !strings.Contains(r.out, "interrupted apply") {
			t.Errorf("%s: the plan after kill -9 does not report the interrupted apply:\n%s%s", addr, r.out, r.err)
		}
		last := firstSnapshotted(journal(t, root))
		rb, rbOut := spawn(t, []string{"CLAWPLAN_TESTHOOK_SLOW_RESTORE=" + last + "=30s"}, "rollback", "--root", root, "-manifest", manifest)
		waitFor(t, func() bool { return restoredAllBut(journal(t, root), last) })
		rb.Process.Signal(syscall.SIGKILL)
		rb.Wait()
		crashes++
		if restoredAllBut(journal(t, root), "") {
			t.Errorf("%s: the rollback restored %s before it was killed: the kill came too late", addr, last)
		}
		r := clawplan(t, "rollback", "--root", root, "-manifest", manifest)
		if r.code != exitOK {
			t.Errorf("%s: the rollback after two kills: exit %d\n%s", addr, r.code, r.err)
		}
		restest.CanarySweep(t, "kill -9 at "+addr, injectSecrets, []string{applyOut.String(), rbOut.String(), r.out, r.err},
			root, filepath.Join(root, "var/lib/clawplan"))
		if after := hostDigest(t, root); after != before {
			lost++
			t.Logf("journal:\n%s\nfinal rollback:\n%s%s\nrollback:\n%s", journal(t, root), r.out, r.err, rbOut)
			t.Errorf("%s: the host differs after kill -9 of the apply and of the rollback:\n--- before\n%s--- after\n%s", addr, before, after)
		}
	}
	if len(addrs) < 8 {
		t.Fatalf("only %d steps: the inject manifest should change at least 8 resources", len(addrs))
	}
	restest.Summary(t, "crash", crashes, lost, "kill -9 of the apply at every step, then of the rollback before its last restore")
}

// plannedChanges is the addresses the plan of manifest on an inject host
// would change.
func plannedChanges(t *testing.T, manifest string) []string {
	t.Helper()
	r := clawplan(t, "plan", "--root", injectHost(t), "-format", "json", manifest)
	var p struct {
		Changes []struct {
			Address string `json:"address"`
		} `json:"changes"`
	}
	if r.code != exitOK || json.Unmarshal([]byte(r.out), &p) != nil {
		t.Fatalf("plan: %d %s", r.code, r.err)
	}
	var addrs []string
	for _, c := range p.Changes {
		addrs = append(addrs, c.Address)
	}
	return addrs
}

// journalEntry is one line of a run's journal.
type journalEntry struct {
	Addr   string `json:"address"`
	Status string `json:"status"`
}

func journalEntries(j string) []journalEntry {
	var es []journalEntry
	for _, l := range strings.Split(j, "\n") {
		var e journalEntry
		if json.Unmarshal([]byte(l), &e) == nil && e.Addr != "" {
			es = append(es, e)
		}
	}
	return es
}

// firstSnapshotted is the address snapshotted first: rollback restores
// newest first, so it is restored last.
func firstSnapshotted(j string) string {
	for _, e := range journalEntries(j) {
		if e.Status == "snapshotted" {
			return e.Addr
		}
	}
	return ""
}

// restoredAllBut reports whether every snapshotted address except last
// has been restored.
func restoredAllBut(j, last string) bool {
	snap, restored := map[string]bool{}, map[string]bool{}
	for _, e := range journalEntries(j) {
		switch e.Status {
		case "snapshotted":
			snap[e.Addr] = true
		case "restored":
			restored[e.Addr] = true
		}
	}
	for a := range snap {
		if a != last && !restored[a] {
			return false
		}
	}
	return true
}
