package gatewaysvc

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
)

// TestOrphanDeletesUnit: a gateway block removed from the manifest deletes
// the unit and its link, keeps lingering and the install, and the delete
// restores from its snapshot read back from JSON by a new resource.
func TestOrphanDeletesUnit(t *testing.T) {
	restest.NeedRoot(t)
	ctx := context.Background()
	h := testHost(t)
	prefix := defaultPrefix + schema.OpenClawVersion
	seedInstall(t, h, prefix, schema.OpenClawVersion, "24.21.0")
	svc := New(gwAddr, defaults(), nil)
	_, ch := restest.Plan(t, h, svc)
	if err := svc.Apply(ctx, h, ch); err != nil {
		t.Fatal(err)
	}
	rec, err := svc.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := Kind{}.Orphan(svc.Addr(), rec)
	if err != nil {
		t.Fatal(err)
	}
	_, ch = restest.Plan(t, restest.Fresh(h), orphan)
	if ch.Action != resources.Delete || len(ch.Files) != 1 || ch.Files[0].After != "" {
		t.Fatalf("orphan plan: %+v", ch)
	}
	snap, err := orphan.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if err := orphan.Apply(ctx, restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"home/openclaw/.config/systemd/user/openclaw-gateway.service":                      false,
		"home/openclaw/.config/systemd/user/default.target.wants/openclaw-gateway.service": false,
		"var/lib/systemd/linger/openclaw":                                                  true,
		prefix + "/node_modules/openclaw/package.json":                                     true,
	} {
		if _, err := os.Lstat(filepath.Join(h.Root, p)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %t", p, err == nil, want)
		}
	}
	var back resources.Snapshot
	b, _ := json.Marshal(snap)
	json.Unmarshal(b, &back)
	again, _ := Kind{}.Orphan(svc.Addr(), rec)
	if err := again.Restore(ctx, restest.Fresh(h), back); err != nil {
		t.Fatal(err)
	}
	if _, ch := restest.Plan(t, restest.Fresh(h), svc); ch.Action != resources.NoOp {
		t.Fatalf("after restoring the delete, the gateway should be as applied: %+v", ch)
	}
}
