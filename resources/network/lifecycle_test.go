package network

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
)

// withoutGenerator makes the test run as on a machine without netplan.
func withoutGenerator(t *testing.T) {
	saved := generators
	generators = nil
	t.Cleanup(func() { generators = saved })
}

func TestLifecycleOnFreshHost(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	restest.Lifecycle(t, h, decode(t, seedBlock))
	for _, dir := range []string{"etc/netplan", "etc/docker", "etc"} {
		if _, err := os.Lstat(filepath.Join(h.Root, dir)); !os.IsNotExist(err) {
			t.Errorf("/%s is left after restoring a fresh host (err %v)", dir, err)
		}
	}
}

// TestFreshHostPlan plans the seed on a host with neither /etc/netplan nor
// /etc/docker nor netplan itself: it must succeed and create both files.
func TestFreshHostPlan(t *testing.T) {
	withoutGenerator(t)
	h := restest.NewHost(t)
	st, ch := restest.Plan(t, h, decode(t, seedBlock))
	if st.Exists || ch.Action != resources.Create {
		t.Fatalf("exists=%v action=%s, want a create", st.Exists, ch.Action)
	}
	ch.Private = nil
	got, err := json.MarshalIndent(ch, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "fresh-host.change.json", append(got, '\n'))
}

func TestApplySetsModesAndOwners(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	apply(t, h, decode(t, seedBlock))
	np, dj := get(t, h, netplanPath), get(t, h, daemonPath)
	if np.Mode != 0o600 || np.UID != 0 || np.GID != 0 {
		t.Errorf("netplan file %s %d:%d, want 0600 0:0", resources.ModeString(np.Mode), np.UID, np.GID)
	}
	if dj.Mode != 0o644 || dj.UID != 0 || dj.GID != 0 {
		t.Errorf("daemon.json %s %d:%d, want 0644 0:0", resources.ModeString(dj.Mode), dj.UID, dj.GID)
	}
	if want := "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n"; string(dj.Content) != want {
		t.Errorf("daemon.json is %q, want the seed's %q", dj.Content, want)
	}
	golden(t, "seed.netplan.yaml", np.Content)
}

// TestDaemonKeepsUnknownKeys applies DNS to a daemon.json with keys
// clawplan does not own: their bytes, order, the file's mode and owner stay.
func TestDaemonKeepsUnknownKeys(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	before := "{\n  \"log-driver\": \"journald\",\n  \"dns\": [\"192.168.1.1\"],\n  \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000}},\n  \"mtu\": 1450.0\n}\n"
	put(t, h, daemonPath, before, 0o640, 1001, 1002)
	n := decode(t, block(`docker_dns = ["1.1.1.1", "8.8.8.8"]`))
	ch := apply(t, h, n)
	if a := attrOf(t, ch, "docker_dns"); len(a.Before.([]any)) != 1 || a.Before.([]any)[0] != "192.168.1.1" {
		t.Errorf("docker_dns before = %#v, want [192.168.1.1]", a.Before)
	}
	want := strings.Replace(before, `["192.168.1.1"]`, `["1.1.1.1", "8.8.8.8"]`, 1)
	f := get(t, h, daemonPath)
	if string(f.Content) != want || f.Mode != 0o640 || f.UID != 1001 || f.GID != 1002 {
		t.Fatalf("daemon.json is %s %d:%d\n%s\nwant 0640 1001:1002\n%s", resources.ModeString(f.Mode), f.UID, f.GID, f.Content, want)
	}
	if _, err := os.Lstat(filepath.Join(h.Root, "etc/netplan")); !os.IsNotExist(err) {
		t.Errorf("a docker-only block touched /etc/netplan (err %v)", err)
	}
}

func TestBadDaemonJSONIsRefused(t *testing.T) {
	h := restest.NewHost(t)
	bad := "{\n  \"log-driver\": \"journald\",\n}\n"
	put(t, h, daemonPath, bad, 0o644, 0, 0)
	n := decode(t, seedBlock)
	st, err := n.Probe(t.Context(), h)
	if err != nil {
		t.Fatalf("probe must read a bad file without failing: %v", err)
	}
	_, err = n.Diff(st)
	for _, says := range []string{daemonPath, "not valid JSON", "line 3, column 1", "fix it by hand"} {
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Fatalf("diff error %v, want one saying %q", err, says)
		}
	}
	if f := get(t, h, daemonPath); string(f.Content) != bad {
		t.Fatalf("the bad file changed: %q", f.Content)
	}
}

// TestHandEditIsRepaired edits both managed files by hand after an apply:
// the plan shows an update with the file diffs, and apply restores them.
func TestHandEditIsRepaired(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	n := decode(t, seedBlock)
	apply(t, h, n)
	good := get(t, h, netplanPath)
	edited := strings.Replace(string(good.Content), "192.0.2.10/24", "192.0.2.99/24", 1)
	put(t, h, netplanPath, edited, 0o644, 0, 0)
	put(t, h, daemonPath, "{\n  \"dns\": [\"192.168.1.1\"]\n}\n", 0o644, 0, 0)

	ch := plan(t, h, n)
	if ch.Action != resources.Update || len(ch.Files) != 2 {
		t.Fatalf("action %s with %d file diffs, want update with 2", ch.Action, len(ch.Files))
	}
	if f := ch.Files[0]; f.Path != netplanPath || f.Before != edited || f.After != string(good.Content) {
		t.Errorf("netplan file diff %s: before/after are not the edited and the managed file", f.Path)
	}
	addrs := attrOf(t, ch, "addresses")
	if addrs.Before.([]any)[0] != "192.0.2.99/24" || addrs.After.([]any)[0] != "192.0.2.10/24" {
		t.Errorf("addresses %v -> %v", addrs.Before, addrs.After)
	}
	if m := attrOf(t, ch, "netplan_file.mode"); m.Before != "0644" || m.After != "0600" {
		t.Errorf("mode %v -> %v", m.Before, m.After)
	}
	if len(ch.Notes) < 2 || !strings.Contains(strings.Join(ch.Notes, "\n"), "netplan apply") || !strings.Contains(strings.Join(ch.Notes, "\n"), "restart docker") {
		t.Errorf("notes do not say what needs a restart: %q", ch.Notes)
	}

	apply(t, h, n)
	if got := get(t, h, netplanPath); string(got.Content) != string(good.Content) || got.Mode != 0o600 {
		t.Fatalf("apply did not restore the netplan file (mode %s):\n%s", resources.ModeString(got.Mode), got.Content)
	}
	if again := plan(t, h, n); again.Action != resources.NoOp {
		t.Fatalf("plan after repair is %s, want no-op", again.Action)
	}
}

// TestRestoreByteForByte takes over files that were there before (foreign
// content, modes and non-root owners), restores from a snapshot that went
// through JSON as after a crash, and compares every byte, mode and owner.
func TestRestoreByteForByte(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	put(t, h, netplanPath, "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n", 0o644, 1000, 1000)
	put(t, h, daemonPath, "{\"mtu\": 1400}", 0o600, 1001, 1002)
	orig := []string{netplanPath, daemonPath}
	before := map[string]hostfs.File{}
	for _, p := range orig {
		before[p] = get(t, h, p)
	}
	n := decode(t, seedBlock)
	snap, err := n.Snapshot(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := json.Marshal(snap)
	ch := apply(t, h, n)
	if ch.Action != resources.Update {
		t.Fatalf("taking over existing files is %s, want update", ch.Action)
	}
	var loaded resources.Snapshot
	if err := json.Unmarshal(saved, &loaded); err != nil {
		t.Fatal(err)
	}
	if err := n.Restore(t.Context(), restest.Fresh(h), loaded); err != nil {
		t.Fatal(err)
	}
	for _, p := range orig {
		if got := get(t, h, p); !sameFile(got, before[p]) {
			t.Errorf("%s after restore: %s %d:%d %q, want %+v", p, resources.ModeString(got.Mode), got.UID, got.GID, got.Content, before[p])
		}
	}
}

func TestApplyRefusesFileChangedSincePlan(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	n := decode(t, seedBlock)
	_, ch := restest.Plan(t, h, n)
	put(t, h, daemonPath, "{\"mtu\": 1400}\n", 0o644, 0, 0)
	err := n.Apply(t.Context(), restest.Fresh(h), ch)
	if err == nil || !strings.Contains(err.Error(), "changed since it was planned") {
		t.Fatalf("apply over a file changed since the plan: %v", err)
	}
	if f := get(t, h, daemonPath); string(f.Content) != "{\"mtu\": 1400}\n" {
		t.Fatalf("the changed file was overwritten: %q", f.Content)
	}
}

// TestApplyFromSavedPlan applies a change without its Private part, as one
// read back from a saved plan file.
func TestApplyFromSavedPlan(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	n := decode(t, seedBlock)
	_, ch := restest.Plan(t, h, n)
	ch.Private = nil
	if err := n.Apply(t.Context(), restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	if again := plan(t, h, n); again.Action != resources.NoOp {
		t.Fatalf("plan after applying a saved plan is %s", again.Action)
	}
}

func TestFingerprintFollowsTheFiles(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	n := decode(t, seedBlock)
	apply(t, h, n)
	fp := func() string { st, _ := restest.Plan(t, restest.Fresh(h), n); return st.Fingerprint }
	first := fp()
	if fp() != first {
		t.Fatal("fingerprint is not stable")
	}
	os.Chmod(filepath.Join(h.Root, netplanPath), 0o644)
	if fp() == first {
		t.Error("fingerprint ignores a mode change")
	}
	os.Chmod(filepath.Join(h.Root, netplanPath), 0o600)
	put(t, h, daemonPath, "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"],\n  \"mtu\": 1400\n}\n", 0o644, 0, 0)
	if fp() == first {
		t.Error("fingerprint ignores a key clawplan does not own (apply would rewrite the file)")
	}
}
