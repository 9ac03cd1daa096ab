package doc

import (
	"fmt"
	"testing"
)

// TestLargeObjectLookup checks keyed lookups of an object past indexFrom
// through parsing (with a duplicate key: the last wins), Set (replace and
// add), Delete (every duplicate) and a delete followed by an add that
// leaves the object its old length.
func TestLargeObjectLookup(t *testing.T) {
	src := "{"
	for i := 0; i < 3*indexFrom; i++ {
		src += fmt.Sprintf("k%d: %d, ", i, i)
	}
	src += "k3: 300}"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	root := d.Root
	want := func(key, text string) {
		t.Helper()
		v, ok := root.Lookup(key)
		switch {
		case text == "" && ok:
			t.Errorf("%s: found %q, want none", key, v.Text)
		case text != "" && (!ok || v.Text != text):
			t.Errorf("%s: %v %v, want %s", key, v, ok, text)
		}
	}
	want("k3", "300")
	want("k40", "40")
	want("nope", "")
	Set(root, Keys("k40"), &Value{Kind: Number, Text: "41"}, 1)
	Set(root, Keys("new"), &Value{Kind: Number, Text: "7"}, 1)
	want("k40", "41")
	want("new", "7")
	Delete(root, Keys("k3"))
	want("k3", "")
	want("k47", "47")
	n := len(root.Members)
	Delete(root, Keys("k0"))
	Set(root, Keys("other"), &Value{Kind: Number, Text: "8"}, 1)
	if len(root.Members) != n {
		t.Fatalf("length %d, want %d", len(root.Members), n)
	}
	want("k0", "")
	want("other", "8")
	for i := 1; i < 3*indexFrom; i++ {
		if i != 3 && i != 40 {
			want(fmt.Sprintf("k%d", i), fmt.Sprint(i))
		}
	}
	c := root.Clone()
	want("other", "8")
	if v, ok := c.Lookup("k47"); !ok || v.Text != "47" {
		t.Errorf("clone: k47 = %v, %v", v, ok)
	}
}
