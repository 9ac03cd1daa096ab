package network

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// seedBlock is the seed's setup: a static IP on ens18 (documentation
// addresses), and Docker's DNS pointed at the public resolvers.
const seedBlock = `network "lan" {
  interface   = "ens18"
  addresses   = ["192.0.2.10/24"]
  gateway     = "192.0.2.1"
  nameservers = ["192.0.2.53"]
  docker_dns  = ["1.1.1.1", "8.8.8.8"]
}`

const (
	netplanPath = "/etc/netplan/01-netcfg.yaml"
	daemonPath  = "/etc/docker/daemon.json"
)

// decode decodes and validates src, failing the test on errors.
func decode(t *testing.T, src string) *Network {
	t.Helper()
	return restest.MustDecode(t, Kind{}, src, nil).(*Network)
}

// diagnose decodes src and returns the decode and Validate diagnostics.
func diagnose(t *testing.T, src string) hcl.Diagnostics {
	t.Helper()
	r, diags := restest.Decode(t, Kind{}, src, nil)
	if diags.HasErrors() {
		return diags
	}
	return append(diags, r.Validate()...)
}

// put writes a host file under h's root with mode and owner.
func put(t *testing.T, h *resources.Host, p, content string, mode os.FileMode, uid, gid int) {
	t.Helper()
	full := filepath.Join(h.Root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(full, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(full, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// get reads a host file under h's root as it is on disk now.
func get(t *testing.T, h *resources.Host, p string) hostfs.File {
	t.Helper()
	f, err := hostfs.Read(filepath.Join(h.Root, p))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// apply plans r on a fresh view of h, applies the change and returns it.
func apply(t *testing.T, h *resources.Host, r resources.Resource) resources.Change {
	t.Helper()
	_, ch := restest.Plan(t, restest.Fresh(h), r)
	if err := r.Apply(t.Context(), restest.Fresh(h), ch); err != nil {
		t.Fatalf("apply %s: %v", r.Addr(), err)
	}
	return ch
}

// plan plans r on a fresh view of h.
func plan(t *testing.T, h *resources.Host, r resources.Resource) resources.Change {
	t.Helper()
	_, ch := restest.Plan(t, restest.Fresh(h), r)
	return ch
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// attrOf returns the change's attribute at path.
func attrOf(t *testing.T, ch resources.Change, path string) resources.AttrChange {
	t.Helper()
	for _, a := range ch.Attrs {
		if a.Path == path {
			return a
		}
	}
	t.Fatalf("%s: no attribute %s in %+v", ch.Addr, path, ch.Attrs)
	return resources.AttrChange{}
}

// haveGenerator reports whether netplan's generator is installed.
func haveGenerator() bool { return findGenerator() != nil }

// readFile returns a file of the repository as a string.
func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
