package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadSavedPlan feeds arbitrary bytes to the saved-plan reader: it must
// refuse what is not a plan with an error, never panic.
func FuzzReadSavedPlan(f *testing.F) {
	files, _ := filepath.Glob("../testdata/fuzz/plans/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"format_version":"1.0","manifest":"x","manifest_hash":"00","vars":null,"vars_hash":"","fingerprints":{"a.b":"c"},"summary":{"add":1,"change":0,"destroy":0},"checksum":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "plan.json")
		os.WriteFile(p, b, 0o600)
		sp, err := ReadSavedPlan(p)
		if err == nil && sp.FormatVersion != FormatVersion {
			t.Fatalf("accepted format %q", sp.FormatVersion)
		}
	})
}
