package secret

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

func TestOrphanDeletesOnlyItsOwn(t *testing.T) {
	h := newHost(t)
	put(t, h, credDir+"/someone-elses", "not ours", 0o600)
	s := decode(t, generated)
	apply(t, h, s)
	rec, err := s.Ownership()
	must(t, err)
	orphan, err := Kind{}.Orphan(s.Addr(), rec)
	must(t, err)
	_, ch := restest.Plan(t, restest.Fresh(h), orphan)
	if ch.Action != resources.Delete || len(ch.Files) != 1 || ch.Files[0].Path != credDir+"/gw" || !ch.Files[0].Sensitive {
		t.Fatalf("want a delete of the credentials file: %+v", ch)
	}
	snap, err := orphan.Snapshot(context.Background(), restest.Fresh(h))
	must(t, err)
	must(t, orphan.Apply(context.Background(), restest.Fresh(h), ch))
	if _, err := readErr(h, credDir+"/gw"); !os.IsNotExist(err) {
		t.Fatalf("credentials file still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(h.StateDir, "secrets/gw")); !os.IsNotExist(err) {
		t.Fatalf("generated value still stored: %v", err)
	}
	if read(t, h, credDir+"/someone-elses") != "not ours" {
		t.Fatal("a file clawplan did not write was touched")
	}
	// Rolling the delete back brings the value back.
	must(t, orphan.Restore(context.Background(), restest.Fresh(h), snap))
	if _, again := restest.Plan(t, restest.Fresh(h), decode(t, generated)); again.Action != resources.NoOp {
		t.Fatalf("after restoring the delete: %+v", again)
	}
}

// TestRestoreFromSnapshotOnly is the crash path: a new process restores
// from a snapshot read back from JSON, through a secret rebuilt without
// any record.
func TestRestoreFromSnapshotOnly(t *testing.T) {
	h := newHost(t)
	t.Setenv("CPT_S", "snapshot-value-1234")
	put(t, h, credDir+"/s", "the old value", 0o640)
	s := decode(t, `secret "s" {
  source { env = "CPT_S" }
  deliver { file = true }
}`)
	snap, err := s.Snapshot(context.Background(), h)
	must(t, err)
	apply(t, h, s)
	raw, err := json.Marshal(snap)
	must(t, err)
	var back resources.Snapshot
	must(t, json.Unmarshal(raw, &back))
	blank, err := Kind{}.Orphan(s.Addr(), nil)
	must(t, err)
	must(t, blank.Restore(context.Background(), restest.Fresh(h), back))
	fi := stat(t, h, credDir+"/s")
	if read(t, h, credDir+"/s") != "the old value" || fi.Mode().Perm() != 0o640 {
		t.Fatalf("restore: %q %o", read(t, h, credDir+"/s"), fi.Mode().Perm())
	}
	wblank, err := EnvKind{}.Orphan(resources.Addr{Kind: "secret_env", Name: "openclaw"}, nil)
	must(t, err)
	if wblank.Addr().String() != "secret_env.openclaw" {
		t.Fatal(wblank.Addr())
	}
}
