package doc

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Encode writes the document the way OpenClaw writes openclaw.json
// (JSON.stringify with two-space indentation and a final newline), with
// its comments kept where they were attached. Without comments the output
// is plain JSON; JSON5-only number forms are written as JSON numbers
// (0x10 as 16, .5 as 0.5), except Infinity and NaN, which JSON cannot hold.
func Encode(d *Document) []byte {
	e := &encoder{}
	for _, c := range d.Head {
		e.buf.WriteString(c.Text)
		e.buf.WriteByte('\n')
	}
	e.value(d.Root, 0)
	e.comments(d.Foot, 0)
	e.buf.WriteByte('\n')
	return e.buf.Bytes()
}

// EncodeValue writes one value as Encode would, without a final newline.
func EncodeValue(v *Value) []byte {
	e := &encoder{}
	e.value(v, 0)
	return e.buf.Bytes()
}

type encoder struct{ buf bytes.Buffer }

func (e *encoder) newline(depth int) {
	e.buf.WriteByte('\n')
	e.buf.WriteString(strings.Repeat("  ", depth))
}

// comments writes comments before the next item: one that followed the
// previous token on its line stays on that line, the others get their own.
func (e *encoder) comments(cs []Comment, depth int) {
	for _, c := range cs {
		if c.SameLine {
			e.buf.WriteByte(' ')
		} else {
			e.newline(depth)
		}
		e.buf.WriteString(c.Text)
	}
}

func (e *encoder) value(v *Value, depth int) {
	switch v.Kind {
	case Null:
		e.buf.WriteString("null")
	case Bool:
		e.buf.WriteString(v.Text)
	case Number:
		e.buf.WriteString(JSONNumber(v.Text))
	case String:
		writeString(&e.buf, v.Text)
	case Object:
		e.object(v, depth)
	case Array:
		e.array(v, depth)
	}
}

func (e *encoder) object(v *Value, depth int) {
	if len(v.Members) == 0 && len(v.Tail) == 0 {
		e.buf.WriteString("{}")
		return
	}
	e.buf.WriteByte('{')
	for i, m := range v.Members {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.comments(m.Comments, depth+1)
		e.newline(depth + 1)
		writeString(&e.buf, m.Key)
		e.buf.WriteString(": ")
		e.value(m.Value, depth+1)
	}
	e.comments(v.Tail, depth+1)
	e.newline(depth)
	e.buf.WriteByte('}')
}

func (e *encoder) array(v *Value, depth int) {
	if len(v.Elems) == 0 && len(v.Tail) == 0 {
		e.buf.WriteString("[]")
		return
	}
	e.buf.WriteByte('[')
	for i, el := range v.Elems {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.comments(el.Comments, depth+1)
		e.newline(depth + 1)
		e.value(el.Value, depth+1)
	}
	e.comments(v.Tail, depth+1)
	e.newline(depth)
	e.buf.WriteByte(']')
}

// writeString quotes s as JSON.stringify does. Bytes that are not UTF-8
// are written unchanged, so they survive a round trip.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r < 0x20:
			writeControl(b, byte(r))
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}

func writeControl(b *bytes.Buffer, c byte) {
	const hexDigits = "0123456789abcdef"
	switch c {
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		b.WriteString(`\u00`)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
}
