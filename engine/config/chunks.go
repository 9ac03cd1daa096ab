package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// chunkSize is about how much of a large manifest file is parsed at once.
// The HCL parser lexes its whole input before it parses: a 1 MB file of
// 10,000 blocks held some 80 MB of tokens next to its syntax tree, the
// peak of loading it. Parsed a piece at a time, a file holds the tokens
// of one piece.
const chunkSize = 64 << 10

// parseChunked parses src as consecutive pieces of whole top-level blocks,
// each split where a line starts with a name in the first column (where
// `hcl fmt` puts a top-level block) once the piece is size bytes long. It
// returns the pieces' bodies, in order, with source ranges in the whole
// file. ok is false when a piece does not parse cleanly or holds
// top-level attributes (a split inside a heredoc or a badly indented
// block, or an invalid file): the caller parses the file whole, so its
// diagnostics are exactly those of one parse.
func parseChunked(src []byte, name string, size int) (bodies []*hclsyntax.Body, ok bool) {
	start, pos := 0, hcl.Pos{Line: 1, Column: 1, Byte: 0}
	line := 1
	for i := 0; i <= len(src); i++ {
		atSplit := i == len(src) || (i-start >= size && i > 0 && src[i-1] == '\n' && isNameStart(src[i]))
		if atSplit {
			f, diags := hclsyntax.ParseConfig(src[start:i], name, pos)
			body, isBody := f.Body.(*hclsyntax.Body)
			if len(diags) > 0 || !isBody || len(body.Attributes) > 0 {
				return nil, false
			}
			bodies = append(bodies, body)
			start, pos = i, hcl.Pos{Line: line, Column: 1, Byte: i}
		}
		if i < len(src) && src[i] == '\n' {
			line++
		}
	}
	return bodies, true
}

// parseLarge parses a file of several chunks in pieces (parseChunked).
func parseLarge(src []byte, name string) ([]*hclsyntax.Body, bool) {
	if len(src) < 2*chunkSize {
		return nil, false
	}
	return parseChunked(src, name, chunkSize)
}

func isNameStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
