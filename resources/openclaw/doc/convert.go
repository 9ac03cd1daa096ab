package doc

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// FromGo builds a value from JSON-compatible Go data: nil, bool, string,
// json.Number (kept as written), float64 and integers, []any, []string and
// map[string]any (keys sorted, as Go maps have no order), or *Value.
func FromGo(x any) (*Value, error) {
	switch t := x.(type) {
	case nil:
		return &Value{Kind: Null}, nil
	case *Value:
		return t.Clone(), nil
	case bool:
		return &Value{Kind: Bool, Text: strconv.FormatBool(t)}, nil
	case string:
		return StringValue(t), nil
	case json.Number:
		if !IsJSONNumber(string(t)) {
			return nil, fmt.Errorf("%q is not a JSON number", string(t))
		}
		return &Value{Kind: Number, Text: string(t)}, nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("%v is not a JSON number", t)
		}
		return &Value{Kind: Number, Text: strconv.FormatFloat(t, 'g', -1, 64)}, nil
	case int:
		return &Value{Kind: Number, Text: strconv.Itoa(t)}, nil
	case int64:
		return &Value{Kind: Number, Text: strconv.FormatInt(t, 10)}, nil
	case []string:
		v := &Value{Kind: Array}
		for _, s := range t {
			v.Elems = append(v.Elems, &Elem{Value: StringValue(s)})
		}
		return v, nil
	case []any:
		return arrayFromGo(t)
	case map[string]any:
		return objectFromGo(t)
	}
	return nil, fmt.Errorf("cannot put a %T in a JSON document", x)
}

func arrayFromGo(xs []any) (*Value, error) {
	v := &Value{Kind: Array}
	for _, x := range xs {
		e, err := FromGo(x)
		if err != nil {
			return nil, err
		}
		v.Elems = append(v.Elems, &Elem{Value: e})
	}
	return v, nil
}

func objectFromGo(m map[string]any) (*Value, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	v := &Value{Kind: Object}
	for _, k := range keys {
		e, err := FromGo(m[k])
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, &Member{Key: k, Value: e})
	}
	return v, nil
}

// ToGo returns v as Go data: map[string]any (the last duplicate key wins),
// []any, string, bool, nil and json.Number, so no number loses digits.
// Infinity and NaN become float64.
func ToGo(v *Value) any {
	switch v.Kind {
	case Bool:
		return v.Text == "true"
	case Number:
		return goNumber(v.Text)
	case String:
		return v.Text
	case Array:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = ToGo(e.Value)
		}
		return out
	case Object:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			out[m.Key] = ToGo(m.Value)
		}
		return out
	}
	return nil
}

func goNumber(lit string) any {
	n := JSONNumber(lit)
	if IsJSONNumber(n) {
		return json.Number(n)
	}
	switch n {
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	return math.NaN()
}
