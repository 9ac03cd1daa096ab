package state

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
)

func TestLockIsExclusiveAndNamesHolder(t *testing.T) {
	s, _ := Open(t.TempDir(), true)
	l, err := s.Lock([]string{"clawplan", "apply"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Lock([]string{"clawplan", "apply"})
	var locked *ErrLocked
	if !errors.As(err, &locked) || locked.Holder.PID != os.Getpid() || locked.Holder.Command != "clawplan apply" {
		t.Fatalf("second lock: %v", err)
	}
	if !s.Locked() {
		t.Fatal("Locked() false while held")
	}
	l.Unlock()
	if s.Locked() {
		t.Fatal("Locked() true after unlock")
	}
}

func TestJournalSurvivesTornLineAndOrdersSnapshots(t *testing.T) {
	s, _ := Open(t.TempDir(), true)
	run, err := s.BeginRun("apply", "hash", 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := resources.Addr{Kind: "k", Name: "a"}, resources.Addr{Kind: "k", Name: "b"}
	for _, addr := range []resources.Addr{a, b} {
		if err := run.SaveSnapshot(resources.Snapshot{Addr: addr, Data: json.RawMessage(`{"x":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	run.Log(a, Restored, "")
	f, _ := os.OpenFile(filepath.Join(s.RunDir(run.Meta.ID), "journal"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"address":"k.c","sta`) // a crash mid-write
	f.Close()
	again, err := s.Inflight()
	if err != nil || again == nil || again.Meta.ID != run.Meta.ID {
		t.Fatalf("inflight: %v %v", again, err)
	}
	snaps, err := again.Snapshots()
	if err != nil || len(snaps) != 1 || snaps[0].Addr != b {
		t.Fatalf("snapshots to restore = %v, %v; want only k.b", snaps, err)
	}
	if fi, _ := os.Stat(filepath.Join(s.RunDir(run.Meta.ID), "snap", "k.b.json")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot mode %v, want 0600", fi.Mode().Perm())
	}
	run.Finish()
	if r, _ := s.Inflight(); r != nil {
		t.Fatal("still in flight after Finish")
	}
}

func TestKeyIsEphemeralUntilEnsured(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, _ := Open(dir, false)
	k1, _ := s.Key(false)
	k2, _ := s.Key(false)
	if string(k1) == string(k2) || s.Exists() {
		t.Fatal("an unsaved key must be random per run and write nothing")
	}
	if err := s.Ensure(k1); err != nil {
		t.Fatal(err)
	}
	k3, _ := s.Key(false)
	fi, _ := os.Stat(dir)
	if string(k3) != string(k1) || fi.Mode().Perm() != 0o700 {
		t.Fatalf("ensured key not kept, or dir mode %v", fi.Mode().Perm())
	}
}

func TestGenerations(t *testing.T) {
	s, _ := Open(t.TempDir(), true)
	for i := 0; i < 3; i++ {
		run, _ := s.BeginRun("apply", "h", 0)
		s.AddGeneration(run, []string{"k.a"}, nil)
		run.Finish()
	}
	s.MarkRolledBack(1)
	if cur, _ := s.Current(); cur != 1 {
		t.Fatalf("current = %d after rolling back to 1", cur)
	}
	if _, err := s.Generation(9); err == nil {
		t.Fatal("generation 9 found")
	}
}
