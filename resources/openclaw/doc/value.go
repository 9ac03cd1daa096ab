package doc

import (
	"math/big"
	"strings"
	"sync/atomic"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

// Value is one node of a document. Text holds a string's decoded value,
// a number's literal exactly as written, or "true"/"false".
type Value struct {
	Kind    Kind
	Text    string
	Members []*Member // Object, in document order; keys may repeat (last wins)
	Elems   []*Elem   // Array
	// Tail holds the comments between the last item and the closing bracket.
	Tail []Comment
	// keys indexes the Members of a large object (index.go).
	keys atomic.Pointer[keyIndex]
}

// Member is one key of an object, with the comments written before it.
type Member struct {
	Key      string
	Value    *Value
	Comments []Comment
}

// Elem is one element of an array, with the comments written before it.
type Elem struct {
	Value    *Value
	Comments []Comment
}

// Comment is one comment as written, delimiters included ("// x", "/* x */").
// SameLine says it followed the previous token on the same line, so it is
// written back at the end of that line.
type Comment struct {
	Text     string
	SameLine bool
}

// Document is a parsed file: the root value and the comments around it.
type Document struct {
	Root *Value
	Head []Comment // before the root value
	Foot []Comment // after the root value
}

// NewObject returns an empty object.
func NewObject() *Value { return &Value{Kind: Object} }

// StringValue returns a string value.
func StringValue(s string) *Value { return &Value{Kind: String, Text: s} }

// Lookup returns the value of key in an object: the last duplicate, as
// JSON5 parsers resolve them.
func (v *Value) Lookup(key string) (*Value, bool) {
	if v == nil || v.Kind != Object {
		return nil, false
	}
	if i := v.member(key); i >= 0 {
		return v.Members[i].Value, true
	}
	return nil, false
}

// Keys returns an object's distinct keys in document order of their last occurrence.
func (v *Value) Keys() []string {
	seen := map[string]bool{}
	var keys []string
	for i := len(v.Members) - 1; i >= 0; i-- {
		if k := v.Members[i].Key; !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	return keys
}

// Comments counts the comments inside v, its own tail included.
func (v *Value) Comments() int {
	if v == nil {
		return 0
	}
	n := len(v.Tail)
	for _, m := range v.Members {
		n += len(m.Comments) + m.Value.Comments()
	}
	for _, e := range v.Elems {
		n += len(e.Comments) + e.Value.Comments()
	}
	return n
}

// Comments counts every comment of the document.
func (d *Document) Comments() int {
	return len(d.Head) + len(d.Foot) + d.Root.Comments()
}

// Clone returns a deep copy of v.
func (v *Value) Clone() *Value {
	if v == nil {
		return nil
	}
	c := &Value{Kind: v.Kind, Text: v.Text, Tail: append([]Comment(nil), v.Tail...)}
	if len(v.Members) > 0 {
		c.Members = make([]*Member, 0, len(v.Members))
	}
	if len(v.Elems) > 0 {
		c.Elems = make([]*Elem, 0, len(v.Elems))
	}
	for _, m := range v.Members {
		c.Members = append(c.Members, &Member{Key: m.Key, Value: m.Value.Clone(), Comments: append([]Comment(nil), m.Comments...)})
	}
	for _, e := range v.Elems {
		c.Elems = append(c.Elems, &Elem{Value: e.Value.Clone(), Comments: append([]Comment(nil), e.Comments...)})
	}
	return c
}

// Clone returns a deep copy of the document.
func (d *Document) Clone() *Document {
	return &Document{Root: d.Root.Clone(), Head: append([]Comment(nil), d.Head...), Foot: append([]Comment(nil), d.Foot...)}
}

// Equal reports whether a and b are the same JSON value: objects compare
// by their effective keys (last duplicate wins) in any order, arrays in
// order, numbers by value (1.0 equals 1, 0x10 equals 16), comments ignored.
func Equal(a, b *Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool, String:
		return a.Text == b.Text
	case Number:
		return numberEqual(a.Text, b.Text)
	case Array:
		if len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !Equal(a.Elems[i].Value, b.Elems[i].Value) {
				return false
			}
		}
		return true
	}
	ma, mb := effective(a), effective(b)
	if len(ma) != len(mb) {
		return false
	}
	for k, av := range ma {
		if bv, ok := mb[k]; !ok || !Equal(av, bv) {
			return false
		}
	}
	return true
}

// effective maps each key of an object to its last value.
func effective(v *Value) map[string]*Value {
	m := make(map[string]*Value, len(v.Members))
	for _, mem := range v.Members {
		m[mem.Key] = mem.Value
	}
	return m
}

// numberEqual compares two number literals by value, exactly.
func numberEqual(a, b string) bool {
	if a == b {
		return true
	}
	ka, oka := numberKey(a)
	kb, okb := numberKey(b)
	if !oka || !okb {
		return strings.TrimPrefix(a, "+") == strings.TrimPrefix(b, "+")
	}
	return ka == kb
}

// numberKey returns a canonical form of a finite JSON5 number literal,
// "-0.DIGITSeEXP" with no leading or trailing zeros in DIGITS, computed
// on the text (the exponent as a big integer), so huge exponents cost
// nothing. ok is false for Infinity, NaN and malformed text.
func numberKey(lit string) (string, bool) {
	s, neg := lit, false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		i, ok := new(big.Int).SetString(s[2:], 16)
		if !ok {
			return "", false
		}
		s = i.Text(10)
	}
	mant, exp := s, new(big.Int)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		if _, ok := exp.SetString(strings.TrimPrefix(s[i+1:], "+"), 10); !ok {
			return "", false
		}
		mant = s[:i]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	trimmed := strings.TrimLeft(digits, "0")
	shift := int64(len(intPart) - (len(digits) - len(trimmed)))
	trimmed = strings.TrimRight(trimmed, "0")
	if trimmed == "" {
		return "0", true
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + "0." + trimmed + "e" + exp.Add(exp, big.NewInt(shift)).String(), true
}
