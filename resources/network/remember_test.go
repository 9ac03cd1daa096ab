package network

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// netplanOnly is the seed's block without docker_dns.
var netplanOnly = block(`interface = "ens18"`, `addresses = ["192.0.2.10/24"]`, `gateway = "192.0.2.1"`, `nameservers = ["192.0.2.53"]`)

// recordOf returns the ownership record r leaves after an apply.
func recordOf(t *testing.T, r resources.Resource) json.RawMessage {
	t.Helper()
	rec, err := r.(resources.Owner).Ownership()
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// after decodes src as the next run's block and hands it the record prev
// left, as the engine does before probing.
func after(t *testing.T, prev resources.Resource, src string) *Network {
	t.Helper()
	n := decode(t, src)
	n.Remember(recordOf(t, prev))
	return n
}

// TestDroppedDockerDNS drops docker_dns from a block that stays: with the
// record, the plan removes the "dns" key (and daemon.json when clawplan
// created it); without a record nothing says clawplan owned the key.
func TestDroppedDockerDNS(t *testing.T) {
	restest.NeedRoot(t)
	cases := map[string]struct{ before, after string }{
		"created by clawplan":     {"", ""},
		"there before, with keys": {"{\n  \"log-driver\": \"journald\"\n}\n", "{\n  \"log-driver\": \"journald\"\n}\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := restest.NewHost(t)
			if c.before != "" {
				put(t, h, daemonPath, c.before, 0o644, 0, 0)
			}
			first := decode(t, seedBlock)
			apply(t, h, first)
			if ch := plan(t, h, decode(t, netplanOnly)); ch.Action != resources.NoOp {
				t.Fatalf("without a record the plan is %s, want no-op (the fallback)", ch.Action)
			}
			n := after(t, first, netplanOnly)
			ch := apply(t, h, n)
			if ch.Action != resources.Update || len(ch.Files) != 1 || ch.Files[0].Path != daemonPath {
				t.Fatalf("dropping docker_dns plans %s with files %+v, want an update of %s", ch.Action, ch.Files, daemonPath)
			}
			if a := attrOf(t, ch, "docker_dns"); a.Before == nil || a.After != nil {
				t.Errorf("docker_dns %v -> %v, want the servers -> null", a.Before, a.After)
			}
			f := get(t, h, daemonPath)
			if f.Exists != (c.after != "") || string(f.Content) != c.after {
				t.Fatalf("daemon.json after dropping docker_dns: exists=%v %q, want %q", f.Exists, f.Content, c.after)
			}
			if again := plan(t, h, after(t, n, netplanOnly)); again.Action != resources.NoOp {
				t.Fatalf("the next plan is %s, want no-op", again.Action)
			}
		})
	}
}

// TestMovedDaemonFile moves docker_daemon_file: "dns" goes from the old
// file, which was there before clawplan and keeps its other bytes, and
// comes into the new one.
func TestMovedDaemonFile(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	orig := "{\"log-driver\": \"journald\"}"
	put(t, h, daemonPath, orig, 0o640, 0, 1002)
	first := decode(t, block(`docker_dns = ["1.1.1.1"]`))
	apply(t, h, first)
	const moved = "/etc/docker/alt.json"
	n := after(t, first, block(`docker_dns = ["1.1.1.1"]`, `docker_daemon_file = "`+moved+`"`))
	ch := apply(t, h, n)
	if a := attrOf(t, ch, "docker_daemon_file"); a.Before != daemonPath || a.After != moved {
		t.Errorf("docker_daemon_file %v -> %v", a.Before, a.After)
	}
	if len(ch.Files) != 2 {
		t.Fatalf("moving daemon.json edits %d files, want the new and the old", len(ch.Files))
	}
	if f := get(t, h, daemonPath); string(f.Content) != orig || f.Mode != 0o640 || f.GID != 1002 {
		t.Errorf("the old file is %s gid %d %q, want it as it was before clawplan", resources.ModeString(f.Mode), f.GID, f.Content)
	}
	if f := get(t, h, moved); !strings.Contains(string(f.Content), `"dns": ["1.1.1.1"]`) {
		t.Errorf("the new file is %q", f.Content)
	}
}

// TestMovedFilesLifecycle moves both files at once and runs the whole
// lifecycle: the snapshot covers the old files too, so a restore brings
// the old layout back.
func TestMovedFilesLifecycle(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	first := decode(t, seedBlock)
	apply(t, h, first)
	oldNetplan, oldDaemon := get(t, h, netplanPath), get(t, h, daemonPath)
	src := strings.Replace(seedBlock, "docker_dns", `netplan_file = "/etc/netplan/10-lan.yaml"
  docker_daemon_file = "/etc/docker/alt.json"
  docker_dns`, 1)
	ch := restest.Lifecycle(t, h, after(t, first, src))
	deleted := 0
	for _, f := range ch.Files {
		if f.After == "" {
			deleted++
		}
	}
	if deleted != 2 || len(ch.Files) != 4 {
		t.Errorf("the move edits %d files and deletes %d, want 4 and 2 (each old file once): %+v", len(ch.Files), deleted, ch.Files)
	}
	if !sameFile(get(t, h, netplanPath), oldNetplan) || !sameFile(get(t, h, daemonPath), oldDaemon) {
		t.Error("restore did not bring back the old files")
	}
}

// TestDroppedInterface stops managing netplan: the file clawplan created
// goes, found through the record or, without one, through its marker; a
// file that was there before clawplan stays.
func TestDroppedInterface(t *testing.T) {
	restest.NeedRoot(t)
	dockerOnly := block(`docker_dns = ["1.1.1.1", "8.8.8.8"]`)
	for _, remember := range []bool{true, false} {
		h := restest.NewHost(t)
		first := decode(t, seedBlock)
		apply(t, h, first)
		n := decode(t, dockerOnly)
		if remember {
			n = after(t, first, dockerOnly)
		}
		ch := apply(t, h, n)
		if ch.Action != resources.Update || len(ch.Files) != 1 || get(t, h, netplanPath).Exists {
			t.Errorf("remember=%v: dropping the interface plans %s with %d files; the created file must go", remember, ch.Action, len(ch.Files))
		}
	}
	h := restest.NewHost(t)
	put(t, h, netplanPath, "network:\n  version: 2\n", 0o600, 0, 0)
	first := decode(t, seedBlock)
	apply(t, h, first)
	kept := get(t, h, netplanPath)
	ch := apply(t, h, after(t, first, dockerOnly))
	if len(ch.Files) != 0 || !strings.Contains(strings.Join(ch.Notes, "\n"), "existed before clawplan") {
		t.Errorf("an adopted file: files %+v, notes %q", ch.Files, ch.Notes)
	}
	if !sameFile(get(t, h, netplanPath), kept) {
		t.Error("the adopted netplan file changed")
	}
}

// TestHandedOverToAnotherBlock moves docker_dns from network.lan to
// network.wan: lan must not take out the key wan now sets.
func TestHandedOverToAnotherBlock(t *testing.T) {
	restest.NeedRoot(t)
	h := restest.NewHost(t)
	first := decode(t, seedBlock)
	apply(t, h, first)
	lan := after(t, first, netplanOnly)
	wan := named(t, "wan", block(`docker_dns = ["9.9.9.9"]`))
	if d := lan.CrossValidate(catalog{lan, wan}); d.HasErrors() {
		t.Fatal(d.Error())
	}
	if ch := plan(t, h, lan); ch.Action != resources.NoOp {
		t.Fatalf("lan plans %s with files %+v; the key is wan's now", ch.Action, ch.Files)
	}
	apply(t, h, wan)
	if f := get(t, h, daemonPath); !strings.Contains(string(f.Content), "9.9.9.9") {
		t.Fatalf("daemon.json: %q", f.Content)
	}
}

// TestDaemonCreatedIsRecorded: the record says whether clawplan created
// daemon.json, and keeps saying it across runs; a removed block deletes
// the file only if so. A record from before it said falls back to bytes.
func TestDaemonCreatedIsRecorded(t *testing.T) {
	restest.NeedRoot(t)
	seedDaemon := "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n" // byte for byte what clawplan writes
	cases := []struct {
		name       string
		handMade   bool
		oldRecord  bool
		wantExists bool
	}{
		{"created by clawplan", false, false, false},
		{"written by hand", true, false, true},
		{"written by hand, old record", true, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := restest.NewHost(t)
			if c.handMade {
				put(t, h, daemonPath, seedDaemon, 0o644, 0, 0)
			}
			src := block(`docker_dns = ["1.1.1.1", "8.8.8.8"]`)
			first := decode(t, src)
			apply(t, h, first)
			next := after(t, first, src) // a no-op run: the flag carries over
			apply(t, h, next)
			rec := recordOf(t, next)
			if c.oldRecord {
				rec = json.RawMessage(`{"docker_daemon_file":"` + daemonPath + `"}`)
			}
			o, err := Kind{}.Orphan(first.Addr(), rec)
			if err != nil {
				t.Fatal(err)
			}
			apply(t, h, o)
			if f := get(t, h, daemonPath); f.Exists != c.wantExists || (f.Exists && string(f.Content) != "{}\n") {
				t.Fatalf("record %s: after removal daemon.json exists=%v %q, want exists=%v", rec, f.Exists, f.Content, c.wantExists)
			}
		})
	}
}

func TestUnreadableRecord(t *testing.T) {
	h := restest.NewHost(t)
	withoutGenerator(t)
	n := decode(t, seedBlock)
	n.Remember(json.RawMessage(`not json`))
	ch := plan(t, h, n)
	if ch.Action != resources.Create || !strings.Contains(strings.Join(ch.Notes, "\n"), "could not be read") {
		t.Fatalf("plan with an unreadable record: %s, notes %q", ch.Action, ch.Notes)
	}
}
