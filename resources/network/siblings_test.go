package network

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// TestMovedNetplanFile changes netplan_file after an apply: the plan
// deletes the file clawplan wrote under the old name (netplan would
// otherwise merge both), and a restore brings the old layout back.
func TestMovedNetplanFile(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	apply(t, h, decode(t, seedBlock))
	old := get(t, h, netplanPath)
	const moved = "/etc/netplan/10-lan.yaml"
	n := decode(t, strings.Replace(seedBlock, "docker_dns", "netplan_file = \""+moved+"\"\n  docker_dns", 1))
	snap, err := n.Snapshot(t.Context(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	ch := apply(t, h, n)
	if ch.Action != resources.Update || len(ch.Files) != 2 || ch.Files[1].Path != netplanPath || ch.Files[1].After != "" {
		t.Fatalf("moving the file plans %s with files %+v, want an update that deletes %s", ch.Action, ch.Files, netplanPath)
	}
	if get(t, h, netplanPath).Exists || !get(t, h, moved).Exists {
		t.Fatal("after apply the old file should be gone and the new one there")
	}
	if again := plan(t, h, n); again.Action != resources.NoOp {
		t.Fatalf("plan after the move is %s", again.Action)
	}
	if err := n.Restore(t.Context(), restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	if got := get(t, h, netplanPath); !sameFile(got, old) || get(t, h, moved).Exists {
		t.Fatal("restore did not bring back the old file and remove the new one")
	}
}

// TestOtherFileForSameInterface: cloud-init's netplan file configures the
// same interface; the plan says netplan merges it, and leaves it alone.
func TestOtherFileForSameInterface(t *testing.T) {
	h := restest.NewHost(t)
	cloud := "network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n"
	put(t, h, "/etc/netplan/50-cloud-init.yaml", cloud, 0o600, 0, 0)
	put(t, h, "/etc/netplan/60-other.yaml", "network:\n  ethernets:\n    ens19:\n      dhcp4: true\n", 0o600, 0, 0)
	ch := plan(t, h, decode(t, seedBlock))
	notes := strings.Join(ch.Notes, "\n")
	if !strings.Contains(notes, "/etc/netplan/50-cloud-init.yaml also configures this interface") {
		t.Errorf("notes do not warn about the merged cloud-init file: %q", ch.Notes)
	}
	if strings.Contains(notes, "60-other.yaml") {
		t.Errorf("notes mention a file for another interface: %q", ch.Notes)
	}
	for _, f := range ch.Files {
		if strings.Contains(f.Path, "50-cloud-init") {
			t.Errorf("the plan edits a file clawplan does not own: %s", f.Path)
		}
	}
}
