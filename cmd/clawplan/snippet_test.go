package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestWarningSnippetFromLoadedManifest checks a warning of a manifest that
// loads: its snippet and its block context come from the loaded sources
// (the manifest is not parsed a second time for them).
func TestWarningSnippetFromLoadedManifest(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	t.Setenv("SNIP_TOKEN", "snippet-test-token")
	dir := t.TempDir()
	src := "secret \"tg\" {\n  source { env = \"SNIP_TOKEN\" }\n  deliver { file = true }\n}\n\nchannel \"telegram\" {\n  dm_policy  = \"allowlist\"\n  allow_from = [\"1\"]\n  token      = secret.tg\n}\n"
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644)
	r := clawplan(t, "validate", dir)
	if r.code != exitOK {
		t.Fatalf("validate: code %d\n%s", r.code, r.err)
	}
	for _, want := range []string{"Warning:", "main.hcl:6:1, in channel \"telegram\":", "   6: channel \"telegram\" {"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("the warning lacks %q:\n%s", want, r.err)
		}
	}
}

// TestUpToCutsAfterTheLastLineShown checks that a diagnostic's files end
// with the last line it shows (Subject or Context), other files untouched.
func TestUpToCutsAfterTheLastLineShown(t *testing.T) {
	src := []byte("a\nbb\nccc\ndddd\n")
	other := &hcl.File{Bytes: []byte("x\ny\n")}
	files := map[string]*hcl.File{"m.hcl": {Bytes: src}, "o.hcl": other}
	at := func(b int) hcl.Pos { return hcl.Pos{Byte: b} }
	d := &hcl.Diagnostic{Subject: &hcl.Range{Filename: "m.hcl", Start: at(2), End: at(3)},
		Context: &hcl.Range{Filename: "m.hcl", Start: at(2), End: at(6)}}
	got := upTo(d, files)
	if string(got["m.hcl"].Bytes) != "a\nbb\nccc\n" || got["o.hcl"] != other || string(files["m.hcl"].Bytes) != string(src) {
		t.Fatalf("m.hcl %q, o.hcl kept %v, original %q", got["m.hcl"].Bytes, got["o.hcl"] == other, files["m.hcl"].Bytes)
	}
}
