package config

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// TestSnippetFileNavigatesLikeTheSyntaxTree checks, at every byte of a
// manifest, that the outline a loaded manifest keeps names the same block
// (and header range) as hclsyntax's own navigation does.
func TestSnippetFileNavigatesLikeTheSyntaxTree(t *testing.T) {
	src := "# head\nvariable \"x\" {\n  default = 1\n}\n\nsecret \"a\" {\n  source { env = \"A\" }\n}\nlocals {\n  y = 2\n}\nagent \"b\" { model = \"m\" }\n"
	full, diags := hclparse.NewParser().ParseHCL([]byte(src), "main.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	light := snippetFile(full)
	if light.Body != nil || string(light.Bytes) != src {
		t.Fatalf("snippet file keeps the syntax tree or loses the bytes")
	}
	type nav interface {
		ContextString(int) string
		ContextDefRange(int) hcl.Range
	}
	want, got := full.Nav.(nav), light.Nav.(nav)
	named := 0
	for off := 0; off <= len(src); off++ {
		if w, g := want.ContextString(off), got.ContextString(off); w != g {
			t.Fatalf("offset %d: context %q, hclsyntax says %q", off, g, w)
		} else if g != "" {
			named++
		}
		if w, g := want.ContextDefRange(off), got.ContextDefRange(off); w != g {
			t.Fatalf("offset %d: header %v, hclsyntax says %v", off, g, w)
		}
	}
	if named == 0 {
		t.Fatal("no offset fell inside a block")
	}
}

// TestLoadedFilesHoldNoSyntaxTree checks that a loaded manifest keeps its
// sources for snippets only, and that engine callers release block bodies.
func TestLoadedFilesHoldNoSyntaxTree(t *testing.T) {
	m, diags := load(t, "secret \"a\" {\n  source { env = \"A\" }\n}\n", Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for name, f := range m.Files {
		if f.Body != nil || len(f.Bytes) == 0 || filepath.Base(name) != "main.hcl" {
			t.Fatalf("%s: body %v, %d bytes", name, f.Body, len(f.Bytes))
		}
	}
	if m.Blocks[0].Body == nil {
		t.Fatal("the block body is gone before decoding")
	}
	m.ReleaseBodies()
	if m.Blocks[0].Body != nil {
		t.Fatal("ReleaseBodies kept the body")
	}
}
