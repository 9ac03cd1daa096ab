package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the manifest loader: parsing, prechecks,
// variables, locals and block decoding must return diagnostics, never
// panic or hang. Seeds: the golden diagnostics cases and the examples.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"../../testdata/diagnostics/*.hcl", "../../examples/*/*.hcl", "../../testdata/fuzz/manifests/*"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("variable \"x\" {\n  default = 1\n  validation {\n    condition = var.x > 0\n    error_message = \"no\"\n  }\n}\nlocals { y = var.x + 1 }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644)
		m, _ := Load(dir, Options{Vars: []string{"x=2"}})
		if m == nil {
			return
		}
		for _, b := range m.Blocks {
			for _, d := range b.DependsOn {
				_ = d.Addr.String()
			}
		}
	})
}
