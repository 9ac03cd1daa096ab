package doc

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Document {
	t.Helper()
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return d
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// What node's JSON.stringify(x, null, 2) wrote comes back byte for byte.
func TestCanonicalRoundTrip(t *testing.T) {
	src := readTestdata(t, "canonical.json")
	d, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := Encode(d); !bytes.Equal(got, src) {
		t.Fatalf("round trip changed the file:\n%s\nwant:\n%s", got, src)
	}
}

func TestJSON5Values(t *testing.T) {
	d := mustParse(t, string(readTestdata(t, "commented.json5")))
	checks := map[string]string{
		"/gateway/mode":               `"local"`,
		"/gateway/port":               `18789`,
		"/channels/discord/allowFrom": `["1234567890123456789",1234567890123456789]`,
		"/quoted key":                 `"it's ABcontinued"`,
		"/$weird_ident":               `null`,
		"/numbers/0":                  `1`,
		"/numbers/1":                  `0.5`,
		"/numbers/2":                  `5`,
		"/numbers/4":                  `1e400`,
	}
	for ptr, want := range checks {
		p, err := ParsePointer(ptr)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := Get(d.Root, p)
		if !ok {
			t.Errorf("%s: missing", ptr)
			continue
		}
		if got := compact(t, EncodeValue(v)); got != want {
			t.Errorf("%s = %s, want %s", ptr, got, want)
		}
	}
	if n := d.Comments(); n != 6 {
		t.Errorf("comments = %d, want 6", n)
	}
}

func compact(t testing.TB, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

// Comments survive a rewrite where they were, and a second rewrite is stable.
func TestCommentsKept(t *testing.T) {
	d := mustParse(t, string(readTestdata(t, "commented.json5")))
	out := Encode(d)
	for _, c := range []string{"// openclaw.json, edited by hand", "// the gateway", "// required since 2026.x", "/* 18789 */", "/* trailing */", "// after"} {
		if !bytes.Contains(out, []byte(c)) {
			t.Errorf("comment %q lost:\n%s", c, out)
		}
	}
	if !bytes.Contains(out, []byte(`"mode": "local", // required since 2026.x`)) {
		t.Errorf("same-line comment moved:\n%s", out)
	}
	again := mustParse(t, string(out))
	if !Equal(d.Root, again.Root) || again.Comments() != d.Comments() {
		t.Fatalf("re-parse differs:\n%s", out)
	}
	if out2 := Encode(again); !bytes.Equal(out, out2) {
		t.Fatalf("encode is not stable:\n%s\n---\n%s", out, out2)
	}
}

// A 19-digit snowflake (and longer numbers) keep their exact bytes when
// something else in the document changes.
func TestBigIntegersByteExact(t *testing.T) {
	src := readTestdata(t, "snowflake.json")
	d := mustParse(t, string(src))
	if _, err := Set(d.Root, Keys("gateway", "mode"), StringValue("local"), 2); err != nil {
		t.Fatal(err)
	}
	out := Encode(d)
	for _, lit := range []string{"1234567890123456789,", "98765432109876543210987654321", `"1234567890123456789": {`, "12345678901234567890.12345678901234567890e-3"} {
		if !bytes.Contains(out, []byte(lit)) {
			t.Errorf("%s lost:\n%s", lit, out)
		}
	}
	if prefix := src[:bytes.LastIndex(src, []byte("  }"))+3]; !bytes.HasPrefix(out, prefix) {
		t.Errorf("untouched part changed:\n%s", out)
	}
}

func TestEqualNumbers(t *testing.T) {
	same := [][2]string{{"1", "1.0"}, {"0x10", "16"}, {"1e2", "100"}, {".5", "0.5"}, {"5.", "5"}, {"-0", "0"}, {"+1", "1"},
		{"1234567890123456789", "1234567890123456789.0"}, {"1e1000000000000", "10e999999999999"}}
	for _, p := range same {
		if !numberEqual(p[0], p[1]) {
			t.Errorf("%s != %s", p[0], p[1])
		}
	}
	differ := [][2]string{{"1234567890123456789", "1234567890123456788"}, {"1", "-1"}, {"Infinity", "-Infinity"}, {"0.1", "0.10000000000000001"}}
	for _, p := range differ {
		if numberEqual(p[0], p[1]) {
			t.Errorf("%s == %s", p[0], p[1])
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	bad := map[string]string{
		"":                       "empty",
		"{":                      "want a key",
		`{"a" 1}`:                "want ':'",
		`{"a": 01}`:              "leading zeros",
		`{"a": "x`:               "unterminated string",
		"{\"a\": \"x\ny\"}":      "line break inside a string",
		`{"a": 1} x`:             "after the top-level value",
		`/* open`:                "unterminated /* comment",
		`[1,,2]`:                 "want a value",
		`{a:'\1'}`:               "octal",
		strings.Repeat("[", 600): "nesting deeper",
	}
	for src, want := range bad {
		_, err := Parse([]byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, want) {
			t.Errorf("Parse(%q) = %v, want %q", src, err, want)
		}
	}
	_, err := Parse([]byte("{\n  \"a\": ?\n}"))
	if err == nil || err.Error() != `line 2, column 8: unexpected '?': want a value` {
		t.Errorf("position: %v", err)
	}
}
