package importkit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Text is s as an expression that reads back as exactly s: an indented
// heredoc (<<-EOT) for multi-line text, as a person would write a
// Dockerfile into a manifest, else a quoted string. Template sequences
// (${ and %{) are escaped, so nothing in s is interpolated.
func Text(s string) hclwrite.Tokens {
	if !heredocable(s) {
		return hclwrite.TokensForValue(cty.StringVal(s))
	}
	marker := "EOT"
	for hasLine(s, marker) {
		marker += "_"
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.TrimSpace(line) != "" {
			b.WriteString("    ") // a blank line is neither indented nor trimmed
		}
		b.WriteString(escapeTemplate(line))
	}
	return hclwrite.Tokens{
		{Type: hclsyntax.TokenOHeredoc, Bytes: []byte("<<-" + marker + "\n")},
		{Type: hclsyntax.TokenStringLit, Bytes: []byte(b.String())},
		{Type: hclsyntax.TokenCHeredoc, Bytes: []byte("  " + marker)},
	}
}

// heredocable reports whether a flush heredoc holds s exactly: lines that
// end in a newline, no control characters but tabs, and some line that
// starts without a space (the common indentation would be trimmed).
func heredocable(s string) bool {
	if !strings.Contains(s, "\n") || !strings.HasSuffix(s, "\n") || !utf8.ValidString(s) {
		return false
	}
	flush := false
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.IndexFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
			return false
		}
		if t := strings.TrimLeftFunc(line, unicode.IsSpace); t != "" && t == line {
			flush = true
		}
	}
	return flush
}

// hasLine reports whether a line of s, trimmed, is marker.
func hasLine(s, marker string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == marker {
			return true
		}
	}
	return false
}

// escapeTemplate doubles the $ and % that open template sequences.
func escapeTemplate(s string) string {
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s)
}
