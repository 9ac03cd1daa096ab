package export

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestDefensiveReads(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{
		"user": cty.StringVal("oc").Mark("sensitive"), "port": cty.NumberIntVal(18790),
		"bind": cty.NullVal(cty.String), "binds": cty.TupleVal([]cty.Value{cty.StringVal("/a:/a:ro")}),
		"later": cty.UnknownVal(cty.String), "docker": cty.MapVal(map[string]cty.Value{"image": cty.StringVal("x:y")}),
	})
	if s, err := String(v, "user", "openclaw"); err != nil || s != "oc" {
		t.Fatalf("user = %q, %v", s, err)
	}
	for _, name := range []string{"bind", "later", "missing"} {
		if s, err := String(v, name, "def"); err != nil || s != "def" {
			t.Fatalf("%s = %q, %v; want the default", name, s, err)
		}
	}
	if n, err := Int(v, "port", 1); err != nil || n != 18790 {
		t.Fatalf("port = %d, %v", n, err)
	}
	if _, err := Int(v, "user", 1); err == nil {
		t.Fatal("a string read as a number")
	}
	if l, err := Strings(v, "binds"); err != nil || len(l) != 1 || l[0] != "/a:/a:ro" {
		t.Fatalf("binds = %v, %v", l, err)
	}
	if s, _ := String(Attr(v, "docker"), "image", ""); s != "x:y" {
		t.Fatalf("docker.image = %q", s)
	}
	if Attr(cty.NilVal, "x") != cty.NilVal || Attr(cty.StringVal("s"), "x") != cty.NilVal {
		t.Fatal("Attr of a non-object")
	}
}
