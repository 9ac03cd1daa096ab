package remote

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

const tunnelCanary = "CANARY-TUNNEL-TOKEN-orphan-42"

// wantsLink is the link `systemctl enable cloudflared-openclaw.service`
// makes on a host; the tests plant it as systemd would.
const wantsLink = "etc/systemd/system/multi-user.target.wants/cloudflared-openclaw.service"

// appliedTunnel applies a cloudflare_tunnel on a temp root that already
// holds the secret's file and a cloudflared.service clawplan did not write.
func appliedTunnel(t *testing.T) (*resources.Host, *tunnel) {
	t.Helper()
	h := restest.NewHost(t)
	writeFile(t, h, "etc/clawplan/cf", tunnelCanary+"\n", 0o600)
	writeFile(t, h, "etc/systemd/system/cloudflared.service", "# by hand\n", 0o644)
	tn := &tunnel{addr: resources.Addr{Kind: TunnelKind, Name: "main"}, set: settings{Port: 18789, Bind: "loopback", Tunnel: &tunnelConf{Secret: "cf", File: "/etc/clawplan/cf"}}}
	_, c := restest.Plan(t, h, tn)
	if err := tn.Apply(context.Background(), h, c); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(filepath.Join(h.Root, wantsLink)), 0o755)
	if err := os.Symlink(UnitPath, filepath.Join(h.Root, wantsLink)); err != nil {
		t.Fatal(err)
	}
	return h, tn
}

func writeFile(t *testing.T, h *resources.Host, p, content string, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(h.Root, p)
	os.MkdirAll(filepath.Dir(full), 0o755)
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// TestTunnelOrphanDeletesWhatItWrote: removing the tunnel deletes the
// unit, the 0600 token file, the enable link and the directory the first
// apply created, and nothing else; the plan never shows the token; the
// delete restores from its JSON snapshot in a new resource.
func TestTunnelOrphanDeletesWhatItWrote(t *testing.T) {
	ctx := context.Background()
	h, tn := appliedTunnel(t)
	rec, err := tn.Ownership()
	if err != nil || !strings.Contains(string(rec), `"created_dirs":["/etc/cloudflared"]`) {
		t.Fatalf("ownership record %s (%v): want /etc/cloudflared as created", rec, err)
	}
	next := &tunnel{addr: tn.addr, set: tn.set}
	next.Remember(rec)
	if again, _ := next.Ownership(); string(again) != string(rec) {
		t.Fatalf("a later run's record %s forgets what the first created: %s", again, rec)
	}

	orphan := mustOrphan(t, TunnelKind, rec)
	before, c := restest.Plan(t, restest.Fresh(h), orphan)
	checkDeletePlan(t, c)
	snap, err := orphan.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if err := orphan.Apply(ctx, restest.Fresh(h), c); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{UnitPath: false, EnvPath: false, "/" + wantsLink: false, "/etc/cloudflared": false,
		"/etc/systemd/system/cloudflared.service": true, "/etc/clawplan/cf": true, "/etc/systemd/system": true} {
		if _, err := os.Lstat(filepath.Join(h.Root, p)); (err == nil) != want {
			t.Errorf("after delete %s exists: %t, want %t", p, err == nil, want)
		}
	}
	if _, c := restest.Plan(t, restest.Fresh(h), orphan); c.Action != resources.Delete || len(c.Files)+len(c.Attrs) != 0 || !strings.Contains(strings.Join(c.Notes, "\n"), "Nothing cloudflare_tunnel.main wrote is left") {
		t.Fatalf("second orphan plan: %+v", c)
	}

	var back resources.Snapshot
	raw, _ := json.Marshal(snap)
	json.Unmarshal(raw, &back)
	if err := mustOrphan(t, TunnelKind, rec).Restore(ctx, restest.Fresh(h), back); err != nil {
		t.Fatal(err)
	}
	if after, _ := restest.Plan(t, restest.Fresh(h), orphan); after.Fingerprint != before.Fingerprint {
		t.Fatal("restoring the delete did not bring back the unit, the token file and the link")
	}
	if _, c := restest.Plan(t, restest.Fresh(h), tn); c.Action != resources.NoOp {
		t.Fatalf("after restore the tunnel should be as applied: %+v", c)
	}
	if fi, err := os.Stat(filepath.Join(h.Root, EnvPath)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored token file: %v %v", fi, err)
	}
}

// checkDeletePlan wants the unit as a file deletion, the link and the
// token file as attributes, the Cloudflare note, and no token.
func checkDeletePlan(t *testing.T, c resources.Change) {
	t.Helper()
	raw, _ := json.Marshal(c)
	if c.Action != resources.Delete || len(c.Files) != 1 || c.Files[0].Path != UnitPath || c.Files[0].After != "" || len(c.Attrs) != 2 {
		t.Fatalf("orphan plan: %s", raw)
	}
	if strings.Contains(string(raw), tunnelCanary) || !c.Attrs[1].Sensitive || c.Attrs[0].Before != true {
		t.Fatalf("the plan shows the token or misses the enablement: %s", raw)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "still exist at Cloudflare") {
		t.Fatalf("notes miss the revocation step: %v", c.Notes)
	}
}

// TestTunnelOrphanLeavesForeignFiles: files at the recorded paths that
// clawplan did not write (no marker, more than the token line) stay.
func TestTunnelOrphanLeavesForeignFiles(t *testing.T) {
	h := restest.NewHost(t)
	writeFile(t, h, UnitPath[1:], "[Service]\nExecStart=/usr/bin/cloudflared tunnel run\n", 0o644)
	writeFile(t, h, EnvPath[1:], "TUNNEL_TOKEN="+tunnelCanary+"\nTUNNEL_LOGLEVEL=debug\n", 0o600)
	rec, _ := json.Marshal(tunnelOwnership{Unit: UnitPath, Env: EnvPath, Dirs: []string{"/etc/cloudflared"}})
	orphan := mustOrphan(t, TunnelKind, rec)
	_, c := restest.Plan(t, h, orphan)
	raw, _ := json.Marshal(c)
	if c.Action != resources.Delete || len(c.Files)+len(c.Attrs) != 0 || strings.Count(string(raw), "left in place") != 2 || strings.Contains(string(raw), tunnelCanary) {
		t.Fatalf("plan: %s", raw)
	}
	if err := orphan.Apply(context.Background(), restest.Fresh(h), c); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{UnitPath, EnvPath} {
		if _, err := os.Stat(filepath.Join(h.Root, p)); err != nil {
			t.Errorf("%s was deleted: %v", p, err)
		}
	}
}

// TestRemoteOrphanRecords: ssh_tunnel owns nothing and deletes nothing;
// a broken record fails; gateway_devices never becomes an orphan.
func TestRemoteOrphanRecords(t *testing.T) {
	s := &sshTunnel{addr: resources.Addr{Kind: SSHKind, Name: "main"}}
	rec, _ := s.Ownership()
	o := mustOrphan(t, SSHKind, rec)
	h := restest.NewHost(t)
	_, c := restest.Plan(t, h, o)
	if c.Action != resources.Delete || !strings.Contains(strings.Join(c.Notes, ""), "nothing to delete") {
		t.Fatalf("ssh orphan plan: %+v", c)
	}
	if err := o.Apply(context.Background(), h, c); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{}`, `not json`, `{"unit":"etc/x","env":"/etc/y"}`} {
		if _, err := (nodeKind{name: TunnelKind}).Orphan(resources.Addr{Kind: TunnelKind, Name: "main"}, json.RawMessage(bad)); err == nil {
			t.Errorf("record %s: want an error", bad)
		}
	}
	if _, err := (nodeKind{name: DevicesKind}).Orphan(resources.Addr{Kind: DevicesKind, Name: "main"}, nil); err == nil {
		t.Error("gateway_devices has nothing to delete and must say so")
	}
}

func mustOrphan(t *testing.T, kind string, rec json.RawMessage) resources.Resource {
	t.Helper()
	k, ok := resources.Lookup(kind)
	if !ok {
		t.Fatalf("%s is not registered", kind)
	}
	r, err := k.(resources.Orphaner).Orphan(resources.Addr{Kind: kind, Name: "main"}, rec)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
