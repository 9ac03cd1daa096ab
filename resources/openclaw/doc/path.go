package doc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Seg is one step of a Path: an object key (on an array, a decimal index,
// or "-" to append), or, when Where is set, the array element that is an
// object whose fields have the given string values.
type Seg struct {
	Key   string `json:"key,omitempty"`
	Where []Cond `json:"where,omitempty"`
}

// Cond is one field test of a Where segment; Field is a key path inside
// the element ({"match": {"channel": ...}} is Field ["match", "channel"]).
type Cond struct {
	Field []string `json:"field"`
	Value string   `json:"value"`
}

// Path addresses a value in a document.
type Path []Seg

// Keys returns the path of plain object keys.
func Keys(keys ...string) Path {
	p := make(Path, len(keys))
	for i, k := range keys {
		p[i] = Seg{Key: k}
	}
	return p
}

// Child returns a copy of p extended by segs.
func (p Path) Child(segs ...Seg) Path {
	return append(append(Path(nil), p...), segs...)
}

// HasPrefix reports whether q is p or one of its ancestors.
func (p Path) HasPrefix(q Path) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if p[i].String() != q[i].String() {
			return false
		}
	}
	return true
}

// String renders the path for people: dotted keys, brackets for keys
// that need quoting and for Where selectors, for example
// channels.telegram.groups["*"].requireMention or
// models.providers.lmstudio.models[id="qwen/qwen3-32b"].name.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if s.Where == nil && plainKey(s.Key) && i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// String renders one segment as Path.String does.
func (s Seg) String() string {
	if s.Where == nil {
		if plainKey(s.Key) {
			return s.Key
		}
		return "[" + strconv.Quote(s.Key) + "]"
	}
	parts := make([]string, len(s.Where))
	for i, c := range s.Where {
		parts[i] = strings.Join(c.Field, ".") + "=" + strconv.Quote(c.Value)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// ParsePointer reads an RFC 6901 JSON pointer ("/gateway/auth/mode",
// "~1" for '/', "~0" for '~'); "" is the whole document.
func ParsePointer(s string) (Path, error) {
	if s == "" {
		return Path{}, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q must start with '/'", s)
	}
	parts := strings.Split(s[1:], "/")
	p := make(Path, len(parts))
	for i, part := range parts {
		for j := 0; j < len(part); j++ {
			if part[j] == '~' && (j+1 >= len(part) || (part[j+1] != '0' && part[j+1] != '1')) {
				return nil, fmt.Errorf("JSON pointer %q: '~' must be followed by 0 or 1", s)
			}
		}
		p[i] = Seg{Key: strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")}
	}
	return p, nil
}

// Pointer renders the path as a JSON pointer; ok is false when it holds a
// Where selector, which pointers cannot express.
func (p Path) Pointer() (string, bool) {
	var b strings.Builder
	for _, s := range p {
		if s.Where != nil {
			return "", false
		}
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s.Key, "~", "~0"), "/", "~1"))
	}
	return b.String(), true
}

// index reads an array index segment; "-" is len (append).
func (s Seg) index(n int) (int, bool) {
	if s.Where != nil {
		return 0, false
	}
	if s.Key == "-" {
		return n, true
	}
	if s.Key == "" || (len(s.Key) > 1 && s.Key[0] == '0') || strings.Trim(s.Key, "0123456789") != "" {
		return 0, false
	}
	i, err := strconv.Atoi(s.Key)
	return i, err == nil
}

// MarshalJSON writes a key segment as a JSON string and a Where segment
// as {"where": [...]}, so a recorded path reads ["agents", "defaults"].
func (s Seg) MarshalJSON() ([]byte, error) {
	if s.Where == nil {
		return json.Marshal(s.Key)
	}
	return json.Marshal(struct {
		Where []Cond `json:"where"`
	}{s.Where})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Seg) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*s = Seg{}
		return json.Unmarshal(b, &s.Key)
	}
	var w struct {
		Key   string `json:"key"`
		Where []Cond `json:"where"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Seg{Key: w.Key, Where: w.Where}
	return nil
}

// UnmarshalJSON reads a path as Seg.MarshalJSON writes its segments. A
// path of plain string segments, which ownership records hold by the ten
// thousand, is read directly to its exact length; anything else goes
// through Seg's own decoding.
func (p *Path) UnmarshalJSON(b []byte) error {
	if segs, ok := plainPath(b); ok {
		*p = segs
		return nil
	}
	var segs []Seg
	if err := json.Unmarshal(b, &segs); err != nil {
		return err
	}
	*p = segs
	return nil
}

// plainPath reads a JSON array of ASCII strings without escapes; ok is
// false for anything else.
func plainPath(b []byte) (Path, bool) {
	var buf [8]Seg
	segs := buf[:0]
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return Path{}, skipJSONSpace(b, i+1) == len(b)
	}
	for i < len(b) && b[i] == '"' {
		j := i + 1
		for ; j < len(b) && b[j] != '"'; j++ {
			if c := b[j]; c == '\\' || c < 0x20 || c >= 0x80 {
				return nil, false
			}
		}
		if j >= len(b) {
			return nil, false
		}
		segs = append(segs, Seg{Key: string(b[i+1 : j])})
		i = skipJSONSpace(b, j+1)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipJSONSpace(b, i+1)
		case i < len(b) && b[i] == ']' && skipJSONSpace(b, i+1) == len(b):
			return append(make(Path, 0, len(segs)), segs...), true
		default:
			return nil, false
		}
	}
	return nil, false
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
