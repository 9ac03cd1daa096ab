package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDiagnosticsGolden validates each manifest under testdata/diagnostics
// and compares what clawplan prints with the .golden file beside it. Run
// `go test ./cmd/clawplan -run Golden -update` after an intended change.
func TestDiagnosticsGolden(t *testing.T) {
	cases, _ := filepath.Glob("../../testdata/diagnostics/*.hcl")
	if len(cases) < 5 {
		t.Fatalf("found %d golden cases, want at least 5", len(cases))
	}
	for _, c := range cases {
		t.Run(filepath.Base(c), func(t *testing.T) {
			t.Setenv("NO_COLOR", "1")
			r := clawplan(t, "validate", c)
			if r.code != exitError {
				t.Fatalf("validate %s: code %d, want 1", c, r.code)
			}
			got := normalize(r.err)
			if !regexp.MustCompile(`\.hcl:\d+:\d+`).MatchString(got) {
				t.Errorf("diagnostic has no file:line:\n%s", got)
			}
			golden := strings.TrimSuffix(c, ".hcl") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// normalize strips what varies between machines: the absolute path prefix
// and the list of implemented kinds (it grows with every release).
func normalize(s string) string {
	s = strings.ReplaceAll(s, "../../testdata/", "testdata/")
	return regexp.MustCompile(`\(implemented: [^)]*\)`).ReplaceAllString(s, "(implemented: ...)")
}
