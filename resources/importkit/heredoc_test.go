package importkit

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// TestTextReadsBack: every text, written into a block and formatted as
// `clawplan import` does, parses back to the same string; multi-line
// Dockerfiles are heredocs.
func TestTextReadsBack(t *testing.T) {
	cases := []struct {
		text    string
		heredoc bool
	}{
		{"FROM debian:bookworm-slim\nRUN apt-get update \\\n    && apt-get install -y python3\n", true},
		{"FROM x\n\n# blank line above, a line of spaces below\n   \nRUN echo \"${HOME}\" '%{ if }' $$ %% \\n\n", true},
		{"FROM x\n\tRUN true\nEOT\n  EOT_\nCMD [\"café\", \"日本\"]\n", true},
		{"  FROM x\n  RUN true\n", false}, // all indented: a flush heredoc would trim it
		{"FROM x\nRUN true", false},       // no final newline
		{"FROM x\r\nRUN true\r\n", false},
		{"FROM x\n", true},
		{"one line", false},
		{"", false},
	}
	for _, c := range cases {
		f := hclwrite.NewEmptyFile()
		f.Body().AppendNewBlock("sandbox", []string{"default"}).Body().SetAttributeRaw("dockerfile", Text(c.text))
		src := hclwrite.Format(f.Bytes())
		if got := strings.Contains(string(src), "<<-"); got != c.heredoc {
			t.Errorf("%q written as heredoc=%v, want %v:\n%s", c.text, got, c.heredoc, src)
		}
		pf, diags := hclsyntax.ParseConfig(src, "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%q: %s\n%s", c.text, diags.Error(), src)
		}
		attrs, _ := pf.Body.(*hclsyntax.Body).Blocks[0].Body.JustAttributes()
		v, diags := attrs["dockerfile"].Expr.Value(nil)
		if diags.HasErrors() || v.AsString() != c.text {
			t.Errorf("%q read back as %q (%v):\n%s", c.text, v.AsString(), diags, src)
		}
	}
}
