package network

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// orphanOf applies n, then rebuilds it from its ownership record, as the
// engine does when the block is removed from the manifest.
func orphanOf(t *testing.T, h *resources.Host, n *Network) resources.Resource {
	t.Helper()
	apply(t, h, n)
	rec, err := n.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	o, err := Kind{}.Orphan(n.Addr(), rec)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOrphanDeletesWhatItCreated: on a fresh host the block created both
// files, so removing it deletes both, and the directories stay clean.
func TestOrphanDeletesWhatItCreated(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	o := orphanOf(t, h, decode(t, seedBlock))
	ch := apply(t, h, o)
	if ch.Action != resources.Delete || len(ch.Files) != 2 {
		t.Fatalf("orphan plan %s with %d files, want delete of 2", ch.Action, len(ch.Files))
	}
	for _, p := range []string{netplanPath, daemonPath} {
		if get(t, h, p).Exists {
			t.Errorf("%s is left after the block was removed", p)
		}
	}
	if a := attrOf(t, ch, "docker_dns"); a.After != nil || a.Before == nil {
		t.Errorf("docker_dns %v -> %v, want the servers -> null", a.Before, a.After)
	}
}

// TestOrphanLeavesWhatWasThere: files that existed before clawplan are
// not deleted; only the "dns" key goes, and daemon.json is byte for byte
// what it was before clawplan touched it.
func TestOrphanLeavesWhatWasThere(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	daemon := "{\n  \"log-driver\": \"journald\"\n}\n"
	put(t, h, netplanPath, "network:\n  version: 2\n", 0o600, 0, 0)
	put(t, h, daemonPath, daemon, 0o644, 0, 0)
	n := decode(t, seedBlock)
	o := orphanOf(t, h, n)
	kept := get(t, h, netplanPath)
	if _, orig, _ := readMarker(kept.Content); orig != adopted {
		t.Fatalf("the taken-over netplan file is not marked adopted:\n%s", kept.Content)
	}
	ch := apply(t, h, o)
	if !strings.Contains(strings.Join(ch.Notes, "\n"), "existed before clawplan") {
		t.Errorf("notes do not say why the netplan file stays: %q", ch.Notes)
	}
	if got := get(t, h, netplanPath); string(got.Content) != string(kept.Content) {
		t.Errorf("the adopted netplan file changed:\n%s", got.Content)
	}
	if got := get(t, h, daemonPath); string(got.Content) != daemon {
		t.Errorf("daemon.json after removal is %q, want the original %q", got.Content, daemon)
	}
}

// TestOrphanKeepsDaemonJSONOthersAdded: clawplan created daemon.json, then
// someone added a key: removal takes only "dns" and keeps the file.
func TestOrphanKeepsDaemonJSONOthersAdded(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	n := decode(t, block(`docker_dns = ["1.1.1.1"]`))
	o := orphanOf(t, h, n)
	put(t, h, daemonPath, "{\n  \"dns\": [\"1.1.1.1\"],\n  \"mtu\": 1400\n}\n", 0o644, 0, 0)
	apply(t, h, o)
	if got := get(t, h, daemonPath); string(got.Content) != "{\n  \"mtu\": 1400\n}\n" {
		t.Fatalf("daemon.json after removal: %q", got.Content)
	}
}

func TestOrphanWithNothingLeft(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	o := orphanOf(t, h, decode(t, seedBlock))
	os.Remove(filepath.Join(h.Root, netplanPath))
	os.Remove(filepath.Join(h.Root, daemonPath))
	ch := apply(t, h, o)
	if ch.Action != resources.Delete || len(ch.Files) != 0 || !strings.Contains(strings.Join(ch.Notes, "\n"), "stops tracking") {
		t.Fatalf("orphan with nothing left: %s, %d files, notes %q", ch.Action, len(ch.Files), ch.Notes)
	}
}

func TestOrphanRestore(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	o := orphanOf(t, h, decode(t, seedBlock))
	before := map[string]string{}
	for _, p := range []string{netplanPath, daemonPath} {
		before[p] = string(get(t, h, p).Content)
	}
	snap, err := o.Snapshot(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, h, o)
	if err := o.Restore(t.Context(), restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	for p, want := range before {
		if got := get(t, h, p); string(got.Content) != want {
			t.Errorf("%s after restoring the deletion: %q", p, got.Content)
		}
	}
}

func TestOrphanRefusesBadRecords(t *testing.T) {
	for _, rec := range []string{`not json`, `{}`} {
		if _, err := (Kind{}).Orphan(resources.Addr{Kind: "network", Name: "lan"}, []byte(rec)); err == nil {
			t.Errorf("record %s accepted", rec)
		}
	}
}

// TestOrphanLeavesAFileRewrittenByHand: the netplan file lost clawplan's
// marker (rewritten by hand), so it is no longer clawplan's to delete.
func TestOrphanLeavesAFileRewrittenByHand(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	o := orphanOf(t, h, decode(t, block(`interface = "ens18"`, `addresses = ["192.0.2.10/24"]`)))
	mine := "network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n"
	put(t, h, netplanPath, mine, 0o600, 0, 0)
	ch := apply(t, h, o)
	if len(ch.Files) != 0 || !strings.Contains(strings.Join(ch.Notes, "\n"), "does not say that clawplan created it") {
		t.Fatalf("orphan plan for a hand-written file: files %+v, notes %q", ch.Files, ch.Notes)
	}
	if got := get(t, h, netplanPath); string(got.Content) != mine {
		t.Fatalf("the hand-written file changed: %q", got.Content)
	}
}
