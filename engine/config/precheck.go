package config

import (
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Limits on a manifest file, checked before the HCL parser sees it: the
// parser recurses once per nesting level, and a hostile file nested 100,000
// deep overflows even Go's growable stack.
const (
	MaxFileSize = 8 << 20 // bytes
	MaxNesting  = 200     // brackets, braces and parentheses
)

// precheck refuses a file that is too large, not UTF-8, or nested too deep,
// with a diagnostic pointing at the offending position.
func precheck(name string, src []byte) hcl.Diagnostics {
	if len(src) > MaxFileSize {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Manifest file too large",
			Detail: fmt.Sprintf("%s is %d bytes; the limit is %d. Split it into several .hcl files in one directory.", name, len(src), MaxFileSize)}}
	}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid character encoding",
			Detail: "Manifests must be UTF-8. Re-save the file as UTF-8.", Subject: posRange(name, src, off)}}
	}
	if off, ok := nestingOK(src); !ok {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Nesting too deep",
			Detail:  fmt.Sprintf("Brackets, braces and parentheses nest more than %d levels here. Flatten the expression or use locals.", MaxNesting),
			Subject: posRange(name, src, off)}}
	}
	return nil
}

// nestingOK scans for nesting depth outside string literals; it returns the
// offset where the limit was passed.
func nestingOK(src []byte) (int, bool) {
	depth := 0
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[' || c == '(':
			if depth++; depth > MaxNesting {
				return i, false
			}
		case c == '}' || c == ']' || c == ')':
			depth--
		case c == '\n':
			inString = false // strings do not span lines outside heredocs
		}
	}
	return 0, true
}

// posRange is the one-byte range at offset off of src.
func posRange(name string, src []byte, off int) *hcl.Range {
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	p := hcl.Pos{Line: line, Column: col, Byte: off}
	return &hcl.Range{Filename: name, Start: p, End: hcl.Pos{Line: line, Column: col + 1, Byte: off + 1}}
}

// Parseable reports whether src passes the prechecks, so it is safe to
// hand to the HCL parser.
func Parseable(name string, src []byte) bool { return !precheck(name, src).HasErrors() }
