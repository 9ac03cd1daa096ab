package openclaw

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
	"github.com/docker/docker/api/types/image"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// TestImportSandboxDockerfile: a sandbox block whose custom image
// clawplan built on the real engine (from a busybox base imported for the
// test) imports with its dockerfile, inline as a heredoc or as the host
// path it named, and the imported block exports what the original did, so
// its sandbox_image plans no build and no recycle.
func TestImportSandboxDockerfile(t *testing.T) {
	restest.NeedRoot(t)
	ctx := context.Background()
	e, err := docker.Connect(ctx)
	restest.Need(t, err == nil, "a Docker engine")
	id := make([]byte, 4)
	rand.Read(id)
	prefix := "cpt-" + hex.EncodeToString(id)
	base := importBase(t, e, prefix+"-base:latest")
	inline := "  dockerfile = <<-EOT\n    FROM " + base + "\n    ENV GREETING=\"hello $${HOME}\"\n\n    LABEL purpose=test\n  EOT\n"
	for _, c := range []struct{ name, attr, want string }{
		{"inline", inline, "dockerfile = <<-EOT\n    FROM " + base + "\n    ENV GREETING=\"hello $${HOME}\"\n\n    LABEL purpose=test\n  EOT\n"},
		{"path", "  dockerfile = \"/srv/sandbox/Dockerfile\"\n", `dockerfile = "/srv/sandbox/Dockerfile"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := importHost(t)
			put(t, h, "/srv/sandbox/Dockerfile", "FROM "+base+"\nCOPY hello /hello\n", 0o644)
			put(t, h, "/srv/sandbox/hello", "hello\n", 0o644)
			tag := prefix + "-" + c.name + ":custom"
			src := fmt.Sprintf("sandbox \"default\" {\n  mode = \"non-main\"\n  image_tag = %q\n%s  docker {\n    network = \"bridge\"\n    user = \"%d:%d\"\n  }\n}\n",
				tag, c.attr, os.Getuid(), os.Getgid())
			orig := mustManifest(t, src).all[0]
			apply(t, restest.Fresh(h), synth(t, mustManifest(t, src)))
			buildSandbox(t, e, h, orig)

			blocks, err := sandboxKind{}.Import(ctx, restest.Fresh(h))
			if err != nil || len(blocks) != 1 {
				t.Fatalf("import: %v %v", blocks, err)
			}
			out := string(importkit.Render("sandbox", blocks[0]))
			if !strings.Contains(out, c.want) || blocks[0].Comment != "" {
				t.Fatalf("imported block, want %q in it and no comment:\n# %s\n%s", c.want, blocks[0].Comment, out)
			}
			imp := restest.MustDecode(t, sandboxKind{}, out, nil)
			if got, want := exportOf(imp), exportOf(orig); !got.Equals(want).True() {
				t.Fatalf("the imported block exports %#v, the original %#v", got, want)
			}
			if _, ch := restest.Plan(t, restest.Fresh(h), sandboxImage(t, imp)); ch.Action != resources.NoOp {
				t.Fatalf("the imported sandbox_image plans %s: %+v", ch.Action, ch)
			}
		})
	}
}

// buildSandbox applies the sandbox_image of the sandbox block sb on h and
// removes the image when the test ends.
func buildSandbox(t *testing.T, e *docker.Engine, h *resources.Host, sb resources.Resource) {
	t.Helper()
	img := sandboxImage(t, sb)
	_, ch := restest.Plan(t, restest.Fresh(h), img)
	if err := img.Apply(context.Background(), restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	built, ok, err := e.Inspect(context.Background(), img.Settings().Tag)
	if err != nil || !ok {
		t.Fatalf("built image: %v %v", ok, err)
	}
	t.Cleanup(func() {
		e.Client().ImageRemove(context.Background(), built.ID, image.RemoveOptions{Force: true, PruneChildren: true})
	})
}

func sandboxImage(t *testing.T, sb resources.Resource) *sandboximg.Image {
	t.Helper()
	set, err := sandboximg.FromExport(exportOf(sb), defaultUser)
	if err != nil {
		t.Fatal(err)
	}
	set.ContainerPrefix = "openclaw-sbx-cpt-none" // no container of this test's to recycle
	return sandboximg.New(sb.Addr(), set, nil, hcl.Range{})
}

// importBase imports a busybox-static root filesystem as ref, the sandbox
// image's base (nothing can be pulled), removed when the test ends.
func importBase(t *testing.T, e *docker.Engine, ref string) string {
	t.Helper()
	bb, err := os.ReadFile("/usr/bin/busybox")
	restest.Need(t, err == nil, "busybox-static (/usr/bin/busybox)")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(bb)), Typeflag: tar.TypeReg})
	tw.Write(bb)
	tw.WriteHeader(&tar.Header{Name: "bin/sh", Linkname: "busybox", Typeflag: tar.TypeSymlink, Mode: 0o777})
	tw.Close()
	rc, err := e.Client().ImageImport(context.Background(), image.ImportSource{Source: &buf, SourceName: "-"}, ref, image.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, rc)
	rc.Close()
	t.Cleanup(func() { e.Client().ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true}) })
	return ref
}

func exportOf(r resources.Resource) cty.Value { return r.(resources.Exporter).Export() }
