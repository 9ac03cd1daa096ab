package sandboximg

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var (
	sbAddr = resources.Addr{Kind: "sandbox", Name: "default"}
	gwSvc  = resources.Addr{Kind: "gateway_service", Name: "main"}
)

// testHost is a --root tree with an openclaw user (1000:1000).
func testHost(t *testing.T) *resources.Host {
	t.Helper()
	h := restest.NewHost(t)
	p := filepath.Join(h.Root, "etc/passwd")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte("openclaw:x:1000:1000::/home/openclaw:/bin/bash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

// sandbox exports what a sandbox block would: dockerfile, image_tag and
// the docker object.
func sandbox(dockerfile, tag, user string, binds ...string) cty.Value {
	bl := []cty.Value{}
	for _, b := range binds {
		bl = append(bl, cty.StringVal(b))
	}
	return cty.ObjectVal(map[string]cty.Value{
		"dockerfile": cty.StringVal(dockerfile), "image_tag": cty.StringVal(tag),
		"docker": cty.ObjectVal(map[string]cty.Value{"image": cty.StringVal(tag), "user": cty.StringVal(user),
			"network": cty.StringVal("bridge"), "binds": cty.TupleVal(bl)}),
	})
}

func newImage(t *testing.T, v cty.Value, prefix string) *Image {
	t.Helper()
	set, err := FromExport(v, "openclaw")
	if err != nil {
		t.Fatal(err)
	}
	if prefix != "" {
		set.ContainerPrefix = prefix
	}
	return New(sbAddr, set, []resources.Addr{gwSvc}, hcl.Range{})
}

func randomID(t *testing.T) string {
	b := make([]byte, 4)
	rand.Read(b)
	return "cpt-" + hex.EncodeToString(b)
}

// importBusybox imports a tiny base image: the static busybox and its
// applets. No registry is reachable here; this is how bases are made.
func importBusybox(t *testing.T, e *docker.Engine, ref string) {
	t.Helper()
	bb, err := os.ReadFile("/usr/bin/busybox")
	restest.Need(t, err == nil, "busybox-static (/usr/bin/busybox)")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(bb))})
	tw.Write(bb)
	for _, app := range []string{"sh", "echo", "true", "cat", "ls"} {
		tw.WriteHeader(&tar.Header{Name: "bin/" + app, Typeflag: tar.TypeSymlink, Linkname: "busybox"})
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rc, err := e.Client().ImageImport(ctx, image.ImportSource{Source: &buf, SourceName: "-"}, ref, image.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, rc)
	rc.Close()
	t.Cleanup(func() { e.Client().ImageRemove(ctx, ref, image.RemoveOptions{Force: true}) })
}

// createContainer creates (does not start) a container named name.
func createContainer(t *testing.T, e *docker.Engine, img, name string) {
	t.Helper()
	ctx := context.Background()
	_, err := e.Client().ContainerCreate(ctx, &container.Config{Image: img, Cmd: []string{"true"}}, nil, nil, nil, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Client().ContainerRemove(ctx, name, container.RemoveOptions{Force: true}) })
}

func exists(t *testing.T, e *docker.Engine, name string) bool {
	_, err := e.Client().ContainerInspect(context.Background(), name)
	return err == nil
}

// dockerFixture is what every real-engine test starts with: root and a
// Docker engine (failing in CI without them), a random id, a base image
// imported from busybox-static, the sandbox tag to build and the recorder
// that removes every image built under it when the test ends.
func dockerFixture(t *testing.T) (ctx context.Context, e *docker.Engine, id, base, tag string, record func()) {
	t.Helper()
	restest.NeedRoot(t)
	ctx = context.Background()
	e, err := docker.Connect(ctx)
	restest.Need(t, err == nil, "a Docker engine")
	id = randomID(t)
	base = id + "-base:latest"
	importBusybox(t, e, base)
	tag = id + "-sandbox:custom"
	return ctx, e, id, base, tag, cleanupImages(t, e, tag)
}
