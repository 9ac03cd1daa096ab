package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestParseChunkedMatchesOneParse splits manifests at every line that may
// start a block and checks that the pieces hold exactly the blocks of one
// parse, with the same source ranges, or that the split is refused.
func TestParseChunkedMatchesOneParse(t *testing.T) {
	cases := map[string]struct {
		src    string
		chunks bool // whether the split may be used
	}{
		"blocks":     {"# lead\nsecret \"a\" {\n  source { env = \"A\" }\n}\n\nagent \"b\" { model = \"m\" }\ncron \"c\" {\n  message = \"x ${var.y}\"\n  announce {\n    to = \"1\"\n  }\n}\n", true},
		"heredoc":    {"firewall \"f\" {\n  rules = <<EOT\nallow tcp\nEOT\n}\nvm \"v\" {}\n", false},
		"unindented": {"secret \"a\" {\nsource { env = \"A\" }\n}\n", false},
		"comment":    {"vm \"v\" {}\n/*\nsecret \"a\" {}\n*/\nagent \"b\" {}\n", false},
		"attribute":  {"a = 1\nb = 2\n", false},
		"invalid":    {"secret \"a\" {\n  x = \n}\nagent \"b\" {}\n", false},
		"crlf":       {"vm \"v\" {\r\n  x = 1\r\n}\r\nagent \"b\" {}\r\n", true},
	}
	for name, c := range cases {
		whole, diags := hclsyntax.ParseConfig([]byte(c.src), "m.hcl", hcl.InitialPos)
		chunks, ok := parseChunked([]byte(c.src), "m.hcl", 1)
		if !ok {
			if c.chunks {
				t.Errorf("%s: refused a clean split", name)
			}
			continue
		}
		if diags.HasErrors() {
			t.Errorf("%s: split a file that does not parse: %v", name, diags)
			continue
		}
		if len(chunks) < 2 && strings.Count(c.src, "\n") > 2 {
			t.Errorf("%s: not split (%d pieces)", name, len(chunks))
		}
		if got, want := describe(chunks...), describe(whole.Body.(*hclsyntax.Body)); got != want {
			t.Errorf("%s: pieces differ from one parse:\n%s\nwant\n%s", name, got, want)
		}
	}
}

// TestParseChunkedLargeManifest checks a large generated manifest split at
// the real chunk size.
func TestParseChunkedLargeManifest(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 5*chunkSize; i++ {
		fmt.Fprintf(&b, "secret \"s%d\" {\n  source { env = \"X\" }\n  deliver { file = true }\n}\ncron \"c%d\" {\n  message = \"report %d\"\n  agent   = agent.a%d\n}\n", i, i, i, i)
	}
	src := []byte(b.String())
	chunks, ok := parseLarge(src, "m.hcl")
	if !ok || len(chunks) < 5 {
		t.Fatalf("ok %v, %d pieces", ok, len(chunks))
	}
	whole, _ := hclsyntax.ParseConfig(src, "m.hcl", hcl.InitialPos)
	if got, want := describe(chunks...), describe(whole.Body.(*hclsyntax.Body)); got != want {
		t.Fatal("pieces differ from one parse")
	}
}

// describe renders every block, attribute and expression range of bodies.
func describe(bodies ...*hclsyntax.Body) string {
	var b strings.Builder
	var walk func(body *hclsyntax.Body, indent string)
	walk = func(body *hclsyntax.Body, indent string) {
		for _, name := range sortedKeys(body.Attributes) {
			a := body.Attributes[name]
			fmt.Fprintf(&b, "%s%s %v %v\n", indent, name, a.SrcRange, a.Expr.Range())
		}
		for _, blk := range body.Blocks {
			fmt.Fprintf(&b, "%s%s %q %v %v\n", indent, blk.Type, blk.Labels, blk.Range(), blk.DefRange())
			walk(blk.Body, indent+"  ")
		}
	}
	for _, body := range bodies {
		walk(body, "")
	}
	return b.String()
}

// FuzzParseChunked splits arbitrary manifests at every candidate line: a
// split that is used must hold exactly the blocks of one clean parse.
func FuzzParseChunked(f *testing.F) {
	for _, pattern := range []string{"../../testdata/diagnostics/*.hcl", "../../examples/*/*.hcl"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !Parseable("m.hcl", src) {
			return
		}
		chunks, ok := parseChunked(src, "m.hcl", 1)
		if !ok {
			return
		}
		whole, diags := hclsyntax.ParseConfig(src, "m.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("split a file that does not parse: %v", diags)
		}
		if got, want := describe(chunks...), describe(whole.Body.(*hclsyntax.Body)); got != want {
			t.Fatalf("pieces differ from one parse:\n%s\nwant\n%s", got, want)
		}
	})
}
