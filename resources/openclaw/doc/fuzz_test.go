package doc

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seed adds every file under testdata/ to the fuzz corpus.
func seed(f *testing.F, add func([]byte)) {
	files, _ := filepath.Glob("testdata/*.json*")
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzParse checks that whatever parses re-encodes to a document with the
// same value and the same comments, and that encoding is a fixed point.
func FuzzParse(f *testing.F) {
	seed(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse(src)
		if err != nil {
			return
		}
		out := Encode(d)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of our own output failed: %v\n%s", err, out)
		}
		if !Equal(d.Root, again.Root) {
			t.Fatalf("value changed in a round trip:\n%s", out)
		}
		if d.Comments() != again.Comments() {
			t.Fatalf("comments %d -> %d:\n%s", d.Comments(), again.Comments(), out)
		}
		if out2 := Encode(again); !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not a fixed point:\n%s\n---\n%s", out, out2)
		}
	})
}

// FuzzEdit sets a value at a pointer and deletes it again: Get must find
// what Set put, Delete must remove it, and the result must still encode.
func FuzzEdit(f *testing.F) {
	seed(f, func(b []byte) {
		f.Add(b, "/gateway/auth/mode", []byte(`"token"`))
		f.Add(b, "/channels/discord/allowFrom/0", []byte(`1234567890123456789`))
	})
	f.Fuzz(func(t *testing.T, src []byte, ptr string, val []byte) {
		d, err := Parse(src)
		if err != nil || d.Root.Kind != Object {
			return
		}
		p, err := ParsePointer(ptr)
		if err != nil || len(p) == 0 || p[len(p)-1].Key == "-" {
			return
		}
		vd, err := Parse(val)
		if err != nil {
			return
		}
		if _, err := Set(d.Root, p, vd.Root, 0); err != nil {
			return
		}
		got, ok := Get(d.Root, p)
		if !ok || !Equal(got, vd.Root) {
			t.Fatalf("Get after Set(%s) = %v, %v", ptr, ok, got)
		}
		if _, err := Parse(Encode(d)); err != nil {
			t.Fatalf("document no longer parses after Set(%s): %v", ptr, err)
		}
		parent, _ := Get(d.Root, p[:len(p)-1])
		before := len(parent.Elems)
		if ok, _ := Delete(d.Root, p); !ok {
			t.Fatalf("Delete(%s) removed nothing", ptr)
		}
		if parent.Kind == Array {
			if len(parent.Elems) != before-1 {
				t.Fatalf("Delete(%s) left %d of %d elements", ptr, len(parent.Elems), before)
			}
		} else if _, ok := Get(d.Root, p); ok {
			t.Fatalf("Get after Delete(%s) still finds a value", ptr)
		}
	})
}
