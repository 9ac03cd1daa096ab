package doc

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// nodeJSON5 is the json5 package OpenClaw reads its config with, run by
// the Node 24 that scripts/test-deps.sh installs.
const nodeScript = `
const JSON5 = require(process.argv[1]);
const src = require('fs').readFileSync(0, 'utf8');
const v = JSON5.parse(src);
process.stdout.write(JSON.stringify(v, (k, x) => typeof x === 'number' && !Number.isFinite(x) ? {$n: String(x)} : x));
`

// Parse reads every testdata file as OpenClaw's json5 does (compared by
// value; numbers as the float64 JavaScript makes of them).
func TestAgreesWithOpenClawJSON5(t *testing.T) {
	cache := os.Getenv("CLAWPLAN_CACHE")
	if cache == "" {
		cache = "/var/cache/clawplan"
	}
	mods := filepath.Join(cache, "openclaw-current", "node_modules")
	node := filepath.Join(mods, ".bin", "node")
	_, err := os.Stat(filepath.Join(mods, "json5"))
	restest.Need(t, err == nil, "Node 24 with the json5 package OpenClaw uses ("+mods+")")
	files, _ := filepath.Glob("testdata/*.json*")
	for _, name := range files {
		src, _ := os.ReadFile(name)
		cmd := exec.Command(node, "-e", nodeScript, filepath.Join(mods, "json5"))
		cmd.Stdin = bytes.NewReader(src)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: node json5: %v", name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		d, err := Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameJS(ToGo(d.Root), want) {
			t.Errorf("%s: ours %s\nnode's %s", name, jsonOf(ToGo(d.Root)), out)
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJS compares our value with node's, numbers as JavaScript sees them.
func sameJS(ours, js any) bool {
	switch o := ours.(type) {
	case map[string]any:
		m, ok := js.(map[string]any)
		if !ok || len(m) != len(o) {
			return false
		}
		for k, v := range o {
			if !sameJS(v, m[k]) {
				return false
			}
		}
		return true
	case []any:
		a, ok := js.([]any)
		if !ok || len(a) != len(o) {
			return false
		}
		for i := range o {
			if !sameJS(o[i], a[i]) {
				return false
			}
		}
		return true
	case json.Number, float64:
		return sameNumber(ours, js)
	}
	return ours == js
}

func sameNumber(ours, js any) bool {
	var f float64
	switch o := ours.(type) {
	case json.Number:
		f, _ = strconv.ParseFloat(string(o), 64) // overflow gives ±Inf, as in JavaScript
	case float64:
		f = o
	}
	if m, ok := js.(map[string]any); ok {
		switch m["$n"] {
		case "Infinity":
			return math.IsInf(f, 1)
		case "-Infinity":
			return math.IsInf(f, -1)
		case "NaN":
			return math.IsNaN(f)
		}
		return false
	}
	n, ok := js.(json.Number)
	if !ok {
		return false
	}
	g, _ := strconv.ParseFloat(string(n), 64)
	return f == g
}

// TestPathUnmarshalJSONMatchesSegs checks that a path reads the same
// through its fast path as through Seg's own decoding.
func TestPathUnmarshalJSONMatchesSegs(t *testing.T) {
	for _, src := range []string{`["agents","entries","a0"]`, "[ \"a\" ,\n\t\"b\" ]", `[]`, `null`, `["x\"y"]`, `["é"]`,
		`["a",{"where":[{"field":["id"],"value":"q"}]}]`, `["a",]`, `["a" "b"]`, `["a"`, `[1]`, `{}`} {
		var got Path
		var want []Seg
		gerr, werr := json.Unmarshal([]byte(src), &got), json.Unmarshal([]byte(src), &want)
		if (gerr == nil) != (werr == nil) || (gerr == nil && (!reflect.DeepEqual([]Seg(got), want) || (got == nil) != (want == nil))) {
			t.Errorf("%s: path %#v (%v), segs %#v (%v)", src, got, gerr, want, werr)
		}
	}
}
