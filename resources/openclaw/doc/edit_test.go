package doc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func get(t *testing.T, d *Document, p Path) string {
	t.Helper()
	v, ok := Get(d.Root, p)
	if !ok {
		return "<missing>"
	}
	return string(EncodeValue(v))
}

func TestSetCreatesAndKeepsOrder(t *testing.T) {
	d := mustParse(t, `{"meta": {"x": 1}, "gateway": {"port": 1, "extra": true}}`)
	ed, err := Set(d.Root, Keys("gateway", "auth", "mode"), StringValue("token"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ed.Created) != 1 || ed.Created[0].String() != "gateway.auth" {
		t.Errorf("created %v", ed.Created)
	}
	if _, err := Set(d.Root, Keys("gateway", "port"), &Value{Kind: Number, Text: "18789"}, 2); err != nil {
		t.Fatal(err)
	}
	want := `{"meta":{"x":1},"gateway":{"port":18789,"extra":true,"auth":{"mode":"token"}}}`
	if got := compact(t, Encode(d)); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestWhereSelectsArrayElements(t *testing.T) {
	d := mustParse(t, `{"models": [{"id": "a", "name": "A", "mine": 1}, {"id": "b"}]}`)
	sel := Seg{Where: []Cond{{Field: []string{"id"}, Value: "a"}}}
	if _, err := Set(d.Root, Path{{Key: "models"}, sel, {Key: "name"}}, StringValue("A2"), 3); err != nil {
		t.Fatal(err)
	}
	c := Seg{Where: []Cond{{Field: []string{"id"}, Value: "c"}}}
	ed, err := Set(d.Root, Path{{Key: "models"}, c, {Key: "name"}}, StringValue("C"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ed.Created) != 1 || ed.Created[0].String() != `models[id="c"]` {
		t.Errorf("created %v", ed.Created)
	}
	want := `{"models":[{"id":"a","name":"A2","mine":1},{"id":"b"},{"id":"c","name":"C"}]}`
	if got := compact(t, Encode(d)); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	Delete(d.Root, Path{{Key: "models"}, c, {Key: "name"}})
	el, _ := Get(d.Root, Path{{Key: "models"}, c})
	if !Hollow(el, c.Where) {
		t.Errorf("element with only its id is not hollow: %s", EncodeValue(el))
	}
	nested := []Cond{{Field: []string{"agentId"}, Value: "r"}, {Field: []string{"match", "channel"}, Value: "telegram"}}
	b := mustParse(t, `{"agentId": "r", "match": {"channel": "telegram"}}`)
	if !Hollow(b.Root, nested) {
		t.Error("binding with only its selector fields is not hollow")
	}
	b2 := mustParse(t, `{"agentId": "r", "match": {"channel": "telegram", "peer": {}}}`)
	if Hollow(b2.Root, nested) {
		t.Error("binding with a peer is hollow")
	}
}

func TestSetInTheWay(t *testing.T) {
	d := mustParse(t, `{"agents": "oops", "gateway": {"auth": {"token": "plain"}}}`)
	_, err := Set(d.Root, Keys("agents", "defaults", "model"), StringValue("x"), 3)
	if !errors.Is(err, ErrInTheWay) || !strings.Contains(err.Error(), "at agents") {
		t.Fatalf("err = %v", err)
	}
	// Below the owned depth a stale shape is replaced.
	if _, err := Set(d.Root, Keys("gateway", "auth", "token", "source"), StringValue("env"), 3); err != nil {
		t.Fatal(err)
	}
	if got := get(t, d, Keys("gateway", "auth", "token")); compact(t, []byte(got)) != `{"source":"env"}` {
		t.Errorf("token = %s", got)
	}
}

func TestDeleteRemovesDuplicates(t *testing.T) {
	d := mustParse(t, `{a: 1, /* c */ a: 2, b: [1, 2, 3]}`)
	ok, ed := Delete(d.Root, Keys("a"))
	if !ok || ed.Dropped != 1 {
		t.Fatalf("delete = %v, %+v", ok, ed)
	}
	if got := get(t, d, Keys("a")); got != "<missing>" {
		t.Errorf("a = %s", got)
	}
	Delete(d.Root, Keys("b", "1"))
	if got := compact(t, Encode(d)); got != `{"b":[1,3]}` {
		t.Errorf("got %s", got)
	}
	if ok, _ := Delete(d.Root, Keys("nope", "x")); ok {
		t.Error("deleted a missing path")
	}
}

func TestPointers(t *testing.T) {
	p, err := ParsePointer("/channels/telegram/groups/*/requireMention")
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != `channels.telegram.groups["*"].requireMention` {
		t.Errorf("String = %s", p)
	}
	p, _ = ParsePointer("/a~1b/c~0d/")
	if ptr, _ := p.Pointer(); ptr != "/a~1b/c~0d/" || p[0].Key != "a/b" || p[1].Key != "c~d" || p[2].Key != "" {
		t.Errorf("escapes: %q %#v", ptr, p)
	}
	for _, bad := range []string{"a", "/x~2", "/x~"} {
		if _, err := ParsePointer(bad); err == nil {
			t.Errorf("ParsePointer(%q) accepted", bad)
		}
	}
	d := mustParse(t, `{"list": [1]}`)
	if _, err := Set(d.Root, Keys("list", "-"), &Value{Kind: Number, Text: "2"}, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := Set(d.Root, Keys("list", "7"), &Value{Kind: Number, Text: "2"}, 2); !errors.Is(err, ErrInTheWay) {
		t.Errorf("out of range: %v", err)
	}
	if got := compact(t, Encode(d)); got != `{"list":[1,2]}` {
		t.Errorf("got %s", got)
	}
}

func TestFromGoToGo(t *testing.T) {
	v, err := FromGo(map[string]any{"b": []any{"x", 1, 2.5, true, nil}, "a": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := compact(t, EncodeValue(v)); got != `{"a":{},"b":["x",1,2.5,true,null]}` {
		t.Errorf("FromGo = %s", got)
	}
	if _, err := FromGo(struct{}{}); err == nil {
		t.Error("FromGo accepted a struct")
	}
	d := mustParse(t, `{"n": 1234567890123456789, "h": 0x10}`)
	m := ToGo(d.Root).(map[string]any)
	if m["n"].(interface{ String() string }).String() != "1234567890123456789" || m["h"].(interface{ String() string }).String() != "16" {
		t.Errorf("ToGo = %#v", m)
	}
}

func TestPathJSON(t *testing.T) {
	p := Path{{Key: "models"}, {Where: []Cond{{Field: []string{"id"}, Value: "q/3"}}}, {Key: "name"}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `["models",{"where":[{"field":["id"],"value":"q/3"}]},"name"]` {
		t.Fatalf("json: %s", b)
	}
	var back Path
	if err := json.Unmarshal(b, &back); err != nil || back.String() != p.String() {
		t.Fatalf("round trip: %v %s", err, back)
	}
}

// Set never builds a document deeper than Parse reads back.
func TestSetDepthLimit(t *testing.T) {
	d := mustParse(t, `{}`)
	deep := make(Path, maxDepth+1)
	for i := range deep {
		deep[i] = Seg{Key: "a"}
	}
	if _, err := Set(d.Root, deep, StringValue("x"), 0); !errors.Is(err, ErrInTheWay) {
		t.Fatalf("deep set: %v", err)
	}
	if _, err := Set(d.Root, deep[:maxDepth], StringValue("x"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(Encode(d)); err != nil {
		t.Fatalf("what Set built does not parse: %v", err)
	}
}
