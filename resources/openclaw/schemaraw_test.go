package openclaw

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// prunedReference is what prunedSchema must equal: the whole schema
// parsed, then cut down to the properties the document has.
func prunedReference(schema, inst any) any {
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
			np[k] = prunedReference(sub, iv)
		}
	}
	out["properties"] = np
	return out
}

// parseAll parses the whole schema, as the plan did before prunedSchema.
func parseAll(raw []byte) (any, error) { return jsonschema.UnmarshalJSON(bytes.NewReader(raw)) }

// samePruning checks prunedSchema against the reference for raw and the
// JSON document instJSON.
func samePruning(t *testing.T, raw []byte, instJSON string) {
	t.Helper()
	var inst any
	if err := json.Unmarshal([]byte(instJSON), &inst); err != nil {
		t.Fatal(err)
	}
	full, err := parseAll(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := prunedSchema(raw, inst)
	if err != nil {
		t.Fatalf("prunedSchema: %v", err)
	}
	if want := prunedReference(full, inst); !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("document %s:\n got %.600s\nwant %.600s", instJSON, g, w)
	}
}

// The schema parts a document cannot reach are skipped, never decoded;
// what is parsed equals the whole schema pruned, on awkward JSON too:
// escaped keys and quotes, brackets in strings, empty objects, duplicate
// keys, "properties" that is not an object, numbers kept as json.Number.
func TestPrunedSchemaSmall(t *testing.T) {
	raw := []byte(` { "type" : "object", "properties" : {
		"a\"b" : { "type": "string", "pattern": "^[{]\"x\\\\\"]$" },
		"gateway": { "properties": { "port": { "maximum": 65535.0 }, "bind": {"enum": ["loopback", "lan"]} },
		             "additionalProperties": false, "$defs": { "p": { "properties": { "q": {} } } } },
		"\u0074ools": { "properties": "not an object" },
		"empty": {},
		"dup": { "type": "string" }, "dup": { "type": "number" },
		"skipped": { "properties": { "deep": [1, {"x": "}]"}, null, true] } }
	} , "additionalProperties" : false } `)
	for _, inst := range []string{`{}`, `"a string"`, `[1, 2]`, `{"gateway": {"port": 1}}`,
		`{"gateway": {"port": {"nested": true}, "other": 1}, "a\"b": "x", "tools": {"x": 1}, "empty": {}, "dup": 2}`,
		`{"gateway": 3, "skipped": {"deep": {"deeper": 1}}}`} {
		samePruning(t, raw, inst)
	}
}

// On OpenClaw's real schema, for the disaster-recovery host's
// openclaw.json and for a document using every top-level key.
func TestPrunedSchemaReal(t *testing.T) {
	raw := realSchema(t)
	samePruning(t, raw, drDocument)
	var all struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{}
	for k := range all.Properties {
		doc[k] = map[string]any{"enabled": true}
	}
	b, _ := json.Marshal(doc)
	samePruning(t, raw, string(b))
}

// FuzzPrunedSchema: whenever the whole schema parses, the pruned parse
// succeeds and equals it pruned.
func FuzzPrunedSchema(f *testing.F) {
	f.Add([]byte(`{"properties":{"a":{"properties":{"b":{}}},"c":{}}}`), `{"a":{"b":1}}`)
	f.Add([]byte(`{"properties":{"a\\u0041":{"x":"}\""},"a":[]}, "p": 1e3}`), `{"aA":{}}`)
	f.Fuzz(func(t *testing.T, raw []byte, instJSON string) {
		var inst any
		if json.Unmarshal([]byte(instJSON), &inst) != nil {
			return
		}
		full, err := parseAll(raw)
		if err != nil {
			return
		}
		got, err := prunedSchema(raw, inst)
		if err != nil {
			t.Fatalf("the whole schema parses, the pruned parse fails: %v", err)
		}
		if want := prunedReference(full, inst); !reflect.DeepEqual(got, want) {
			t.Fatalf("pruned parse differs for %q / %q", raw, instJSON)
		}
	})
}

// drDocument is the shape of the disaster-recovery host's openclaw.json.
const drDocument = `{
  "gateway": {"mode": "local", "port": 18789, "bind": "loopback",
    "auth": {"mode": "token", "token": {"id": "OPENCLAW_GATEWAY_TOKEN", "provider": "default", "source": "env"}},
    "controlUi": {"enabled": true, "allowedOrigins": ["http://127.0.0.1:18789"]}, "trustedProxies": ["127.0.0.1"]},
  "discovery": {"mdns": {"mode": "off"}},
  "update": {"checkOnStart": false},
  "models": {"catalogRefresh": {"enabled": false}, "providers": {"lmstudio": {"baseUrl": "http://127.0.0.1:18080/v1",
    "api": "openai-completions", "apiKey": {"id": "LM_API_TOKEN", "provider": "default", "source": "env"},
    "models": [{"id": "qwen/qwen3-32b", "contextWindow": 32768, "maxTokens": 2048, "name": "Qwen3 32B", "reasoning": false}]}}},
  "tools": {"elevated": {"enabled": false}, "deny": ["group:web", "browser"], "sessions": {"visibility": "agent"}},
  "channels": {"telegram": {"enabled": true, "dmPolicy": "allowlist", "allowFrom": ["123456789"], "groupPolicy": "allowlist",
    "groups": {"*": {"requireMention": true}}, "tokenFile": "/home/openclaw/.openclaw/credentials/telegram-bot-token"}},
  "agents": {"defaults": {"model": {"fallbacks": [], "primary": "lmstudio/qwen/qwen3-32b"}, "maxConcurrent": 2,
    "sandbox": {"mode": "non-main", "docker": {"image": "x:custom", "capDrop": ["ALL"], "pidsLimit": 256}}},
    "entries": {"trusted": {"sandbox": {"mode": "off"}}}},
  "bindings": [{"agentId": "untrusted-reader", "match": {"channel": "telegram"}}]
}`

// BenchmarkCompileSchema is a plan's schema work for the DR document:
// the pruned parse and the compile (about half of a warm plan before the
// pruned parse and the pattern cache).
func BenchmarkCompileSchema(b *testing.B) {
	raw := realSchema(b)
	var inst any
	if err := json.Unmarshal([]byte(drDocument), &inst); err != nil {
		b.Fatal(err)
	}
	b.Run("prune", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := prunedSchema(raw, inst); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := compileSchema(restest.NewHost(b), "bench", raw, inst); err != nil {
				b.Fatal(err)
			}
		}
	})
}
