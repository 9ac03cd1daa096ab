package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// jsonObject is a JSON document whose top level is an object, with the
// byte offsets of each member, so that one member can be replaced, added
// or removed while every other byte of the file stays as it was: other
// keys, their order, their formatting, the file's indentation.
type jsonObject struct {
	src     []byte
	open    int // offset of the top-level '{'
	close   int // offset of its '}'
	members []member
}

// member is one top-level key and its value; ends are exclusive.
type member struct {
	key              string // decoded
	keyStart, keyEnd int    // the key's quotes included
	valStart, valEnd int
	indent           []byte // the whitespace before the key
	colon            []byte // what separates key and value, e.g. ": "
}

// parseObject reads src, which must be valid JSON with an object at the top.
func parseObject(src []byte) (*jsonObject, error) {
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		return nil, describeJSONError(src, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("it is valid JSON but not an object: its top level must be { ... }")
	}
	o := &jsonObject{src: src, open: skipSpace(src, 0)}
	i := o.open + 1
	for {
		i = skipSpace(src, i)
		if src[i] == '}' {
			o.close = i
			return o, nil
		}
		m := member{keyStart: i, indent: leadingSpace(src, i)}
		m.keyEnd = skipString(src, i)
		_ = json.Unmarshal(src[m.keyStart:m.keyEnd], &m.key) // valid: checked above
		m.valStart = skipSpace(src, skipSpace(src, m.keyEnd)+1)
		m.colon = src[m.keyEnd:m.valStart]
		m.valEnd = skipValue(src, m.valStart)
		o.members = append(o.members, m)
		if i = skipSpace(src, m.valEnd); src[i] == ',' {
			i++
		}
	}
}

// describeJSONError turns a decoding error into a clause with the line
// and column where it happened.
func describeJSONError(src []byte, err error) error {
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return fmt.Errorf("it is not valid JSON (%v)", err)
	}
	// Offset counts the bytes read, the offending one included.
	line, col := 1, 1
	for _, c := range src[:min(max(int(syn.Offset)-1, 0), len(src))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("it is not valid JSON (line %d, column %d: %v)", line, col, syn)
}

// replace returns the document with member i's value replaced by raw.
func (o *jsonObject) replace(i int, raw []byte) []byte {
	m := o.members[i]
	return splice(o.src, m.valStart, m.valEnd, raw)
}

// add returns the document with key: raw appended as the last member,
// formatted like the member before it.
func (o *jsonObject) add(key string, raw []byte) []byte {
	k, _ := json.Marshal(key)
	if len(o.members) == 0 {
		return splice(o.src, o.open, o.close+1, fmt.Appendf(nil, "{\n  %s: %s\n}", k, raw))
	}
	last := o.members[len(o.members)-1]
	ins := fmt.Appendf(nil, ",%s%s%s%s", last.indent, k, last.colon, raw)
	return splice(o.src, last.valEnd, last.valEnd, ins)
}

// remove returns the document without member i, and its separator.
func (o *jsonObject) remove(i int) []byte {
	switch {
	case len(o.members) == 1:
		return splice(o.src, o.open, o.close+1, []byte("{}"))
	case i == 0:
		return splice(o.src, o.members[0].keyStart, o.members[1].keyStart, nil)
	default:
		return splice(o.src, o.members[i-1].valEnd, o.members[i].valEnd, nil)
	}
}

func splice(src []byte, from, to int, ins []byte) []byte {
	out := make([]byte, 0, len(src)-(to-from)+len(ins))
	out = append(out, src[:from]...)
	out = append(out, ins...)
	return append(out, src[to:]...)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(src []byte, i int) int {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	return i
}

// leadingSpace is the run of whitespace that ends at i.
func leadingSpace(src []byte, i int) []byte {
	j := i
	for j > 0 && isSpace(src[j-1]) {
		j--
	}
	return bytes.Clone(src[j:i])
}

// skipString returns the offset after the string that starts at i.
func skipString(src []byte, i int) int {
	for i++; src[i] != '"'; i++ {
		if src[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// skipValue returns the offset after the (valid) value that starts at i.
func skipValue(src []byte, i int) int {
	if src[i] == '"' {
		return skipString(src, i)
	}
	depth := 0
	for ; i < len(src); i++ {
		switch c := src[i]; {
		case c == '"':
			i = skipString(src, i) - 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || isSpace(c)):
			return i
		}
	}
	return i
}
