package openclaw

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles the part of the schema the document can reach,
// once per run and document shape. Only the "properties" the document has
// are parsed (prunedSchema), instead of all 2.4 MB of OpenClaw's schema
// (35 ms to parse and 10 ms to walk on every plan). Pruning keeps every
// node it keeps at its path, so fixLocalRefs rewrites the same pointers.
func compileSchema(h *resources.Host, origin string, raw []byte, inst any) (*jsonschema.Schema, error) {
	v, err := h.Memo("openclaw.schema-compiled:"+origin+":"+shape(inst), func() (any, error) {
		doc, err := prunedSchema(raw, inst)
		if err != nil {
			return nil, err
		}
		fixLocalRefs(doc, "")
		c := jsonschema.NewCompiler()
		c.UseRegexpEngine(lenientRegexp)
		if err := c.AddResource("openclaw.schema.json", doc); err != nil {
			return nil, err
		}
		return c.Compile("openclaw.schema.json")
	})
	if err != nil {
		return nil, err
	}
	return v.(*jsonschema.Schema), nil
}

// shape identifies the key structure of a document (its objects' keys, at
// every depth): the part of the schema it reaches depends on nothing else.
func shape(inst any) string {
	var b strings.Builder
	writeShape(&b, inst)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

func writeShape(b *strings.Builder, x any) {
	m, ok := x.(map[string]any)
	if !ok {
		return
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	b.WriteByte('{')
	for _, k := range ks {
		b.WriteString(strconv.Quote(k))
		writeShape(b, m[k])
		b.WriteByte(',')
	}
	b.WriteByte('}')
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
