package openclaw

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles the schema cut down to the top-level keys the
// document has (about 40 ms instead of 500 ms for the full 2.4 MB schema),
// once per run and key set.
func compileSchema(h *resources.Host, origin string, raw []byte, inst any) (*jsonschema.Schema, error) {
	parsed, err := h.Memo("openclaw.schema-doc:"+origin, func() (any, error) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		fixLocalRefs(v, "")
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	v, err := h.Memo("openclaw.schema-compiled:"+origin+":"+topKeys(inst), func() (any, error) {
		c := jsonschema.NewCompiler()
		c.UseRegexpEngine(lenientRegexp)
		if err := c.AddResource("openclaw.schema.json", pruned(parsed, inst)); err != nil {
			return nil, err
		}
		return c.Compile("openclaw.schema.json")
	})
	if err != nil {
		return nil, err
	}
	return v.(*jsonschema.Schema), nil
}

func topKeys(inst any) string {
	m, _ := inst.(map[string]any)
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// pruned returns the schema without the properties the instance does not
// have, following plain "properties" only. A property the instance lacks
// is never evaluated, so the result validates the instance exactly as the
// whole schema does. The parsed schema itself is not modified.
func pruned(schema, inst any) any {
	sm, ok := schema.(map[string]any)
	im, ok2 := inst.(map[string]any)
	props, ok3 := sm["properties"].(map[string]any)
	if !ok || !ok2 || !ok3 {
		return schema
	}
	out := make(map[string]any, len(sm))
	for k, v := range sm {
		out[k] = v
	}
	np := map[string]any{}
	for k, sub := range props {
		if iv, has := im[k]; has {
			np[k] = pruned(sub, iv)
		}
	}
	out["properties"] = np
	return out
}

// fixLocalRefs repairs "#/$defs/x" references inside plugin schemas that
// OpenClaw embeds under plugins.entries: they are relative to the plugin's
// own root, so they are rewritten to absolute pointers.
func fixLocalRefs(x any, ptr string) {
	switch v := x.(type) {
	case map[string]any:
		if _, ok := v["$defs"]; ok && ptr != "" {
			rebase(v, ptr)
		}
		for k, c := range v {
			fixLocalRefs(c, ptr+"/"+escapePtr(k))
		}
	case []any:
		for i, c := range v {
			fixLocalRefs(c, fmt.Sprintf("%s/%d", ptr, i))
		}
	}
}

func rebase(x any, base string) {
	switch v := x.(type) {
	case map[string]any:
		if r, ok := v["$ref"].(string); ok && strings.HasPrefix(r, "#/$defs/") {
			v["$ref"] = "#" + base + r[1:]
		}
		for _, c := range v {
			rebase(c, base)
		}
	case []any:
		for _, c := range v {
			rebase(c, base)
		}
	}
}

// regexps holds the patterns compiled so far: OpenClaw's schema repeats a
// few dozen patterns hundreds of times (a compiled Regexp is safe to share).
var regexps sync.Map

// lenientRegexp compiles the schema's ECMAScript patterns with Go's
// engine, once per pattern. Go has no lookaround, so a pattern using it is
// compiled without its lookahead groups: it then accepts a little more
// than OpenClaw would, never less, so clawplan never rejects what OpenClaw
// accepts.
func lenientRegexp(s string) (jsonschema.Regexp, error) {
	if re, ok := regexps.Load(s); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		if re, err = regexp.Compile(stripLookaround(s)); err != nil {
			re = regexp.MustCompile("")
		}
	}
	regexps.Store(s, re)
	return re, nil
}

// stripLookaround removes (?=...), (?!...), (?<=...) and (?<!...) groups.
func stripLookaround(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteString(s[i : i+2])
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "(?=") || strings.HasPrefix(s[i:], "(?!") || strings.HasPrefix(s[i:], "(?<=") || strings.HasPrefix(s[i:], "(?<!") {
			i = groupEnd(s, i)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// groupEnd returns the index of the ')' closing the group opened at i.
func groupEnd(s string, i int) int {
	depth, inClass := 0, false
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case c == '\\':
			j++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return len(s) - 1
}
