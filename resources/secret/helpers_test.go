package secret

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
)

const testPasswd = "root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n"

// newHost is a temp root with an openclaw user (uid 1000) and its home.
func newHost(t *testing.T) *resources.Host {
	t.Helper()
	h := restest.NewHost(t)
	put(t, h, "/etc/passwd", testPasswd, 0o644)
	home := filepath.Join(h.Root, "home/openclaw")
	if err := os.MkdirAll(home, 0o750); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		must(t, os.Chown(home, 1000, 1000))
	}
	return h
}

// logHost is a Host on h's root and state whose debug log goes to buf.
func logHost(h *resources.Host, buf *bytes.Buffer) *resources.Host {
	log := slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return resources.NewHost(h.Root, h.StateDir, []byte("restest-key"), log)
}

func put(t *testing.T, h *resources.Host, p, content string, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(h.Root, p)
	must(t, os.MkdirAll(filepath.Dir(full), 0o755))
	must(t, os.WriteFile(full, []byte(content), mode))
	must(t, os.Chmod(full, mode))
}

func read(t *testing.T, h *resources.Host, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.Root, p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stat(t *testing.T, h *resources.Host, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(filepath.Join(h.Root, p))
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func decode(t *testing.T, src string) *Secret {
	t.Helper()
	return restest.MustDecode(t, Kind{}, src, nil).(*Secret)
}

// diags decodes src and returns decode, validate and cross-validate diagnostics.
func diags(t *testing.T, src string, others ...resources.Resource) hcl.Diagnostics {
	t.Helper()
	r, d := restest.Decode(t, Kind{}, src, nil)
	if d.HasErrors() {
		return d
	}
	d = append(d, r.Validate()...)
	return append(d, r.(*Secret).CrossValidate(catalog(append(others, r)))...)
}

// catalog is a resources.Catalog over a fixed list, as the engine builds one.
type catalog []resources.Resource

func (c catalog) Get(a resources.Addr) (resources.Resource, bool) {
	for _, r := range c {
		if r.Addr() == a {
			return r, true
		}
	}
	return nil, false
}

func (c catalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for _, r := range c {
		if r.Addr().Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func (c catalog) Range(a resources.Addr) hcl.Range { return hcl.Range{Filename: "test.hcl"} }

// synthesize synthesizes the .env writers for rs.
func synthesize(t *testing.T, rs ...resources.Resource) []*EnvFile {
	t.Helper()
	out, d := synthesizer{}.Synthesize(catalog(rs))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	var ws []*EnvFile
	for _, r := range out {
		ws = append(ws, r.(*EnvFile))
	}
	return ws
}

// apply plans r on h and applies the change; it returns the change.
func apply(t *testing.T, h *resources.Host, r resources.Resource) resources.Change {
	t.Helper()
	_, ch := restest.Plan(t, h, r)
	if ch.Action != resources.NoOp {
		must(t, r.Apply(context.Background(), h, ch))
	}
	return ch
}

// attr returns the change's attribute at path.
func attr(ch resources.Change, path string) (resources.AttrChange, bool) {
	for _, a := range ch.Attrs {
		if a.Path == path {
			return a, true
		}
	}
	return resources.AttrChange{}, false
}

func attrPaths(ch resources.Change) []string {
	var out []string
	for _, a := range ch.Attrs {
		out = append(out, a.Path)
	}
	return out
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

func errContains(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got none", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("error %q does not contain %q", err, w)
		}
	}
}

func readErr(h *resources.Host, p string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.Root, p))
}

// owner is "uid:gid" of fi.
func owner(fi os.FileInfo) string {
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
}
