package openclaw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// prunedSchema parses the schema raw without the properties the document
// inst does not have, following plain "properties" only. A property the
// document lacks is never evaluated, so the result validates inst exactly
// as the whole schema does; what it leaves out is skipped over as bytes,
// never decoded, in one pass. Everything else (types, $defs,
// patternProperties, array items) is parsed as jsonschema.UnmarshalJSON
// parses it.
func prunedSchema(raw []byte, inst any) (any, error) {
	v, end, err := prunedAt(raw, skipSpace(raw, 0), inst)
	if err == nil && skipSpace(raw, end) != len(raw) {
		err = errors.New("invalid character after top-level value")
	}
	return v, err
}

// prunedAt parses the schema at b[i:] pruned for inst and returns it with
// the index just past it.
func prunedAt(b []byte, i int, inst any) (any, int, error) {
	im, ok := inst.(map[string]any)
	if !ok || i >= len(b) || b[i] != '{' {
		return parseAt(b, i)
	}
	out := map[string]any{}
	end, err := eachMember(b, i, func(key string, j int) (v any, end int, err error) {
		if key == "properties" && j < len(b) && b[j] == '{' {
			v, end, err = prunedProperties(b, j, im)
		} else {
			v, end, err = parseAt(b, j)
		}
		out[key] = v
		return v, end, err
	})
	return out, end, err
}

// prunedProperties parses the members of the "properties" object at b[i:]
// that the document has, each pruned by the document's value.
func prunedProperties(b []byte, i int, im map[string]any) (any, int, error) {
	out := map[string]any{}
	end, err := eachMember(b, i, func(key string, j int) (any, int, error) {
		iv, has := im[key]
		if !has {
			end := skipValue(b, j)
			if end < 0 {
				return nil, 0, fmt.Errorf("properties.%s: malformed JSON", key)
			}
			return nil, end, nil
		}
		v, end, err := prunedAt(b, j, iv)
		out[key] = v
		return v, end, err
	})
	return out, end, err
}

// parseAt parses the JSON value at b[i:] whole.
func parseAt(b []byte, i int) (any, int, error) {
	end := skipValue(b, i)
	if end < 0 {
		return nil, 0, errors.New("malformed JSON in the schema")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b[i:end]))
	return v, end, err
}

// eachMember calls fn with each name of the JSON object at b[i:] and the
// index of its value; fn consumes the value and returns where it ends.
// eachMember returns the index just past the object.
func eachMember(b []byte, i int, fn func(key string, j int) (any, int, error)) (int, error) {
	malformed := errors.New("malformed JSON object in the schema")
	if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for i < len(b) && b[i] == '"' {
		kend := skipString(b, i)
		if kend < 0 {
			return 0, malformed
		}
		key, ok := unquote(b[i:kend])
		if i = skipSpace(b, kend); !ok || i >= len(b) || b[i] != ':' {
			return 0, malformed
		}
		_, vend, err := fn(key, skipSpace(b, i+1))
		if err != nil {
			return 0, err
		}
		switch i = skipSpace(b, vend); {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return i + 1, nil
		default:
			return 0, malformed
		}
	}
	return 0, malformed
}

// unquote decodes a JSON string token (the fast path: no escapes, valid
// UTF-8; encoding/json replaces invalid bytes).
func unquote(tok []byte) (string, bool) {
	if bytes.IndexByte(tok, '\\') < 0 && utf8.Valid(tok) {
		return string(tok[1 : len(tok)-1]), true
	}
	var s string
	return s, json.Unmarshal(tok, &s) == nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i], or -1.
// It matches brackets and strings only; the values it returns are
// validated when (and if) they are parsed.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			c := b[j]
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				if j = skipString(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			default:
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !delimiter(b[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

func delimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\t' || c == '\r'
}

// skipString returns the end of the JSON string starting at b[i], or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// structural marks the bytes skipValue stops at inside an object or array.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}
