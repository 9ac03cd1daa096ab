package account

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
)

// TestLookupReadsTheUsersOwnLine checks the line matching: a longer name
// that starts with the user's, a short line, CRLF endings, and the first
// full entry winning.
func TestLookupReadsTheUsersOwnLine(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	passwd := "root:x:0:0:root:/root:/bin/bash\r\nopenclaw2:x:7:7::/home/o2:/bin/sh\nopenclaw:x:1\nopenclaw:x:1000:1001::/srv/oc:/bin/bash\r\nopenclaw:x:5:5::/other:/bin/sh\nbad:x:a:b::/b:/bin/sh"
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(passwd), 0o644)
	h := resources.NewHost(root, "", []byte("k"), nil)
	cases := map[string]User{
		"openclaw":  {Name: "openclaw", UID: 1000, GID: 1001, Home: "/srv/oc", Exists: true},
		"openclaw2": {Name: "openclaw2", UID: 7, GID: 7, Home: "/home/o2", Exists: true},
		"root":      {Name: "root", UID: 0, GID: 0, Home: "/root", Exists: true},
		"open":      {Name: "open", UID: -1, GID: -1, Home: "/home/open"},
	}
	for name, want := range cases {
		if got, err := Lookup(h, name); err != nil || got != want {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v", name, got, err, want)
		}
	}
	if _, err := Lookup(h, "bad"); err == nil {
		t.Error("a line with bad ids is not an error")
	}
}
