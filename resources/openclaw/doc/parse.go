package doc

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 512

// SyntaxError is a JSON5 syntax error at a line and column (1-based).
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Parse reads a JSON5 document (plain JSON is JSON5).
func Parse(src []byte) (doc *Document, err error) {
	p := &parser{src: src, nl: true}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			doc, err = nil, se
		}
	}()
	if len(src) >= 3 && string(src[:3]) == "\uFEFF" {
		p.pos = 3
	}
	p.skip()
	head := p.take()
	if p.pos >= len(p.src) {
		p.fail("the document is empty: want a JSON object")
	}
	root := p.value()
	p.skip()
	foot := p.take()
	if p.pos < len(p.src) {
		p.fail("unexpected %q after the top-level value", p.rune())
	}
	return &Document{Root: root, Head: head, Foot: foot}, nil
}

type parser struct {
	src     []byte
	pos     int
	depth   int
	nl      bool // a line break since the last token or comment
	pending []Comment
	strs    map[string]string // interned keys and short strings
}

func (p *parser) fail(format string, args ...any) {
	line, col := 1, 1
	for _, r := range string(p.src[:min(p.pos, len(p.src))]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	panic(&SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) rune() rune {
	if p.pos >= len(p.src) {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	return r
}

func (p *parser) take() []Comment {
	c := p.pending
	p.pending = nil
	return c
}

func (p *parser) token() { p.nl = false }

func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x2028, 0x2029, 0xFEFF:
		return true
	}
	return r > 0x7F && unicode.Is(unicode.Zs, r)
}

func isLineEnd(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

// skip consumes white space and comments, collecting the comments.
func (p *parser) skip() {
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRune(p.src[p.pos:])
		switch {
		case isSpace(r):
			p.nl = p.nl || isLineEnd(r)
			p.pos += n
		case r == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/':
			end := p.pos + 2
			for end < len(p.src) {
				r, n := utf8.DecodeRune(p.src[end:])
				if isLineEnd(r) {
					break
				}
				end += n
			}
			p.comment(end)
		case r == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*':
			i := bytes.Index(p.src[p.pos+2:], []byte("*/"))
			if i < 0 {
				p.fail("unterminated /* comment")
			}
			p.comment(p.pos + 2 + i + 2)
		default:
			return
		}
	}
}

func (p *parser) comment(end int) {
	p.pending = append(p.pending, Comment{Text: string(p.src[p.pos:end]), SameLine: !p.nl})
	p.pos = end
	p.nl = false
}

func (p *parser) value() *Value {
	var v *Value
	switch c := p.peek(); {
	case c == '{':
		v = p.object()
	case c == '[':
		v = p.array()
	case c == '"' || c == '\'':
		v = &Value{Kind: String, Text: p.str()}
	case c == 't' || c == 'f' || c == 'n':
		v = p.literal()
	case c == '+' || c == '-' || c == '.' || c == 'I' || c == 'N' || (c >= '0' && c <= '9'):
		v = &Value{Kind: Number, Text: p.number()}
	default:
		p.fail("unexpected %q: want a value", p.rune())
	}
	p.token()
	return v
}

func (p *parser) literal() *Value {
	for _, lit := range []string{"true", "false", "null"} {
		if strings.HasPrefix(string(p.src[p.pos:min(len(p.src), p.pos+5)]), lit) {
			p.pos += len(lit)
			if lit == "null" {
				return &Value{Kind: Null}
			}
			return &Value{Kind: Bool, Text: lit}
		}
	}
	p.fail("unexpected %q: want a value", p.rune())
	return nil
}

func (p *parser) enter() {
	if p.depth++; p.depth > maxDepth {
		p.fail("nesting deeper than %d levels", maxDepth)
	}
	p.pos++
	p.token()
}

func (p *parser) object() *Value {
	p.enter()
	v := &Value{Kind: Object}
	for {
		p.skip()
		if p.peek() == '}' {
			v.Tail = p.take()
			p.pos++
			p.depth--
			return v
		}
		lead := p.take()
		key := p.key()
		p.token()
		p.skip()
		if p.peek() != ':' {
			p.fail("want ':' after the key %q", key)
		}
		p.pos++
		p.token()
		p.skip()
		for _, c := range p.take() {
			lead = append(lead, Comment{Text: c.Text})
		}
		v.Members = append(v.Members, &Member{Key: key, Value: p.value(), Comments: lead})
		p.separator('}')
	}
}

func (p *parser) array() *Value {
	p.enter()
	v := &Value{Kind: Array}
	for {
		p.skip()
		if p.peek() == ']' {
			v.Tail = p.take()
			p.pos++
			p.depth--
			return v
		}
		lead := p.take()
		v.Elems = append(v.Elems, &Elem{Value: p.value(), Comments: lead})
		p.separator(']')
	}
}

// separator consumes the comma after an item, or leaves the closing bracket.
func (p *parser) separator(closing byte) {
	p.skip()
	switch p.peek() {
	case ',':
		p.pos++
		p.token()
	case closing:
	default:
		p.fail("unexpected %q: want ',' or '%c'", p.rune(), closing)
	}
}
