package doc

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// key reads an object key: a string or an ECMAScript identifier name.
func (p *parser) key() string {
	if c := p.peek(); c == '"' || c == '\'' {
		return p.str()
	}
	if k, ok := p.plainKey(); ok {
		return k
	}
	if p.pos >= len(p.src) {
		p.fail("unexpected end of the document: want a key")
	}
	var b strings.Builder
	for first := true; p.pos < len(p.src); first = false {
		r, n := utf8.DecodeRune(p.src[p.pos:])
		if r == '\\' {
			if p.pos+1 >= len(p.src) || p.src[p.pos+1] != 'u' {
				p.fail("want \\u escape in an identifier")
			}
			p.pos += 2
			r, n = p.hex(4), 0
		}
		if !isIdentRune(r, first) {
			if first {
				p.fail("unexpected %q: want a key", p.rune())
			}
			break
		}
		b.WriteRune(r)
		p.pos += n
	}
	return b.String()
}

func isIdentRune(r rune, first bool) bool {
	if r == '$' || r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) {
		return r != utf8.RuneError
	}
	if first {
		return false
	}
	return r == 0x200C || r == 0x200D || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
}

// hex reads n hex digits as a code point.
func (p *parser) hex(n int) rune {
	if p.pos+n > len(p.src) {
		p.fail("want %d hex digits", n)
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
	if err != nil || strings.ContainsAny(string(p.src[p.pos:p.pos+n]), "+-_") {
		p.fail("want %d hex digits", n)
	}
	p.pos += n
	return rune(v)
}

// str reads a single- or double-quoted string and returns its value.
func (p *parser) str() string {
	quote := p.src[p.pos]
	if s, ok := p.plainStr(quote); ok {
		return s
	}
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			p.fail("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String()
		case c == '\\':
			p.pos++
			p.escape(&b)
		case c == '\n' || c == '\r':
			p.fail("line break inside a string: write \\n")
		default:
			r, n := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && n == 1 {
				b.WriteByte(c) // keep invalid UTF-8 bytes as they are
			} else {
				b.WriteRune(r)
			}
			p.pos += n
		}
	}
}

// plainKey reads an ASCII identifier key; anything else (escapes, other
// letters) is left to key.
func (p *parser) plainKey() (string, bool) {
	i := p.pos
	for ; i < len(p.src); i++ {
		c := p.src[i]
		if c == '$' || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || (i > p.pos && isDigit(c)) {
			continue
		}
		if c >= utf8.RuneSelf || c == '\\' {
			return "", false
		}
		break
	}
	if i == p.pos {
		return "", false
	}
	k := p.intern(p.src[p.pos:i])
	p.pos = i
	return k, true
}

// plainStr reads a string without escapes or line breaks: its text is the
// bytes between the quotes. Anything else is left to str.
func (p *parser) plainStr(quote byte) (string, bool) {
	for i := p.pos + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case quote:
			s := p.intern(p.src[p.pos+1 : i])
			p.pos = i + 1
			return s, true
		case '\\', '\n', '\r':
			return "", false
		}
	}
	return "", false
}

// intern returns b as a string, shared with equal short strings read
// before: an openclaw.json of thousands of agents repeats its keys and
// most of its values thousands of times.
func (p *parser) intern(b []byte) string {
	if len(b) > 64 {
		return string(b)
	}
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	if p.strs == nil {
		p.strs = map[string]string{}
	}
	s := string(b)
	p.strs[s] = s
	return s
}

var simpleEscapes = map[byte]string{'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v"}

func (p *parser) escape(b *strings.Builder) {
	if p.pos >= len(p.src) {
		p.fail("unterminated string")
	}
	c := p.src[p.pos]
	if s, ok := simpleEscapes[c]; ok {
		b.WriteString(s)
		p.pos++
		return
	}
	switch {
	case c == '0' && (p.pos+1 >= len(p.src) || p.src[p.pos+1] < '0' || p.src[p.pos+1] > '9'):
		b.WriteByte(0)
		p.pos++
	case c >= '0' && c <= '9':
		p.fail("octal escapes are not allowed in JSON5")
	case c == 'x':
		p.pos++
		b.WriteRune(p.hex(2))
	case c == 'u':
		p.pos++
		b.WriteRune(p.utf16())
	case c == '\r':
		p.pos++
		if p.peek() == '\n' {
			p.pos++
		}
	case c == '\n':
		p.pos++
	default:
		r, n := utf8.DecodeRune(p.src[p.pos:])
		p.pos += n
		if r != 0x2028 && r != 0x2029 {
			b.WriteRune(r)
		}
	}
}

// utf16 reads the digits of a \u escape, joining a surrogate pair.
func (p *parser) utf16() rune {
	r := p.hex(4)
	if r < 0xD800 || r > 0xDBFF || p.pos+6 > len(p.src) || string(p.src[p.pos:p.pos+2]) != `\u` {
		return r
	}
	save := p.pos
	p.pos += 2
	lo := p.hex(4)
	if lo < 0xDC00 || lo > 0xDFFF {
		p.pos = save
		return r
	}
	return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
}

// number reads a JSON5 number literal and returns its text unchanged.
func (p *parser) number() string {
	start := p.pos
	if c := p.peek(); c == '+' || c == '-' {
		p.pos++
	}
	rest := string(p.src[p.pos:min(len(p.src), p.pos+8)])
	switch {
	case strings.HasPrefix(rest, "Infinity"):
		p.pos += 8
	case strings.HasPrefix(rest, "NaN"):
		p.pos += 3
	case strings.HasPrefix(rest, "0x") || strings.HasPrefix(rest, "0X"):
		p.pos += 2
		if p.digits(isHex) == 0 {
			p.fail("want hex digits after 0x")
		}
	default:
		p.decimal()
	}
	return string(p.src[start:p.pos])
}

func (p *parser) decimal() {
	intStart := p.pos
	n := p.digits(isDigit)
	if n > 1 && p.src[intStart] == '0' {
		p.fail("leading zeros are not allowed in numbers")
	}
	if p.peek() == '.' {
		p.pos++
		n += p.digits(isDigit)
	}
	if n == 0 {
		p.fail("want digits in a number")
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if p.digits(isDigit) == 0 {
			p.fail("want digits in the exponent")
		}
	}
}

func (p *parser) digits(ok func(byte) bool) int {
	n := 0
	for p.pos < len(p.src) && ok(p.src[p.pos]) {
		p.pos++
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
