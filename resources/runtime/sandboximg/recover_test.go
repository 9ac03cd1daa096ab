package sandboximg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// buildImage plans and applies img on a fresh view of h that knows h's
// secret values, and records the image for cleanup.
func buildImage(t *testing.T, h *resources.Host, img *Image, record func()) {
	t.Helper()
	fresh := restest.Fresh(h)
	fresh.Secrets = h.Secrets
	_, ch := restest.Plan(t, fresh, img)
	if err := img.Apply(context.Background(), fresh, ch); err != nil {
		t.Fatal(err)
	}
	record()
}

// TestRecoverInline builds from an inline Dockerfile on the real engine:
// the image records it beside an unchanged content-hash label, and
// Recover gives it back whole. An image clawplan did not build, a missing
// tag, an image from before the label, and a Dockerfile holding a known
// secret value are each reported instead.
func TestRecoverInline(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	h := testHost(t)
	df := "FROM " + base + "\n# ${not a template} %{nor this}\nRUN echo one > /version\n"
	buildImage(t, h, newImage(t, sandbox(df, tag, "1000:1000"), "openclaw-sbx-"+id), record)

	built, _, _ := e.Inspect(ctx, tag)
	if built.Labels[HashLabel] != (docker.Context{Dockerfile: []byte(df)}).Hash() || built.Labels[DockerfilePathLabel] != "" {
		t.Fatalf("labels %v: the content hash must be the Dockerfile's alone, and no path", built.Labels)
	}
	if r := Recover(ctx, restest.Fresh(h), tag); !r.Built || r.Dockerfile != df || r.Path != "" || r.Note != "" {
		t.Fatalf("Recover = %+v, want the Dockerfile back", r)
	}
	if r := Recover(ctx, restest.Fresh(h), base); r.Built || r.Dockerfile != "" || !strings.Contains(r.Note, "was not built by clawplan") {
		t.Fatalf("Recover of a foreign image = %+v", r)
	}
	if r := Recover(ctx, restest.Fresh(h), id+"-absent:custom"); r.Built || !strings.Contains(r.Note, "There is no image") {
		t.Fatalf("Recover of a missing tag = %+v", r)
	}

	older := id + "-older:custom"
	recordOlder := cleanupImages(t, e, older)
	labels := map[string]string{HashLabel: (docker.Context{Dockerfile: []byte(df)}).Hash(), ManagedLabel: "sandbox_image.default"}
	if _, err := e.Build(ctx, docker.Context{Dockerfile: []byte(df)}, docker.BuildOptions{Tag: older, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	recordOlder()
	if r := Recover(ctx, restest.Fresh(h), older); !r.Built || r.Dockerfile != "" || !strings.Contains(r.Note, "did not record its Dockerfile") {
		t.Fatalf("Recover of an image built before the label = %+v", r)
	}

	secretTag := id + "-secret:custom"
	recordSecret := cleanupImages(t, e, secretTag)
	hs := testHost(t)
	hs.Secrets.Add("cpt-known-secret-value")
	buildImage(t, hs, newImage(t, sandbox("FROM "+base+"\nENV TOKEN=cpt-known-secret-value\n", secretTag, "1000:1000"), "openclaw-sbx-"+id), recordSecret)
	if img, _, _ := e.Inspect(ctx, secretTag); img.Labels[DockerfileLabel] != "" || img.Labels[HashLabel] == "" {
		t.Fatalf("a Dockerfile holding a known secret must not be recorded: %v", img.Labels)
	}
}

// TestRecoverPath builds from a Dockerfile at a host path with a file
// beside it: Recover keeps the path while the context hashes to the
// label, and says what a plan does once it changed or is gone. A path
// whose context was the Dockerfile alone comes back inline once the file
// is gone.
func TestRecoverPath(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	h := testHost(t)
	dir := filepath.Join(h.Root, "srv/sandbox")
	write(t, filepath.Join(dir, "Dockerfile"), "FROM "+base+"\nCOPY hello /hello\n")
	write(t, filepath.Join(dir, "hello"), "hello\n")
	img := newImage(t, sandbox("/srv/sandbox/Dockerfile", tag, "1000:1000"), "openclaw-sbx-"+id)
	buildImage(t, h, img, record)
	if got, _, _ := e.Inspect(ctx, tag); got.Labels[DockerfilePathLabel] != "/srv/sandbox/Dockerfile" {
		t.Fatalf("labels %v", got.Labels)
	}
	if r := Recover(ctx, restest.Fresh(h), tag); r.Path != "/srv/sandbox/Dockerfile" || r.Dockerfile != "" || r.Note != "" {
		t.Fatalf("Recover = %+v, want the path kept", r)
	}
	write(t, filepath.Join(dir, "hello"), "changed\n")
	if r := Recover(ctx, restest.Fresh(h), tag); r.Path == "" || !strings.Contains(r.Note, "a plan rebuilds the image") {
		t.Fatalf("Recover after a context change = %+v", r)
	}
	os.RemoveAll(dir)
	if r := Recover(ctx, restest.Fresh(h), tag); r.Path == "" || !strings.Contains(r.Note, "cannot be read now") {
		t.Fatalf("Recover with the context gone = %+v", r)
	}

	alone := id + "-alone:custom"
	recordAlone := cleanupImages(t, e, alone)
	df := "FROM " + base + "\nRUN echo alone > /version\n"
	write(t, filepath.Join(h.Root, "srv/alone/Dockerfile"), df)
	buildImage(t, h, newImage(t, sandbox("/srv/alone/Dockerfile", alone, "1000:1000"), "openclaw-sbx-"+id), recordAlone)
	os.Remove(filepath.Join(h.Root, "srv/alone/Dockerfile"))
	if r := Recover(ctx, restest.Fresh(h), alone); r.Dockerfile != df || r.Path != "" || !strings.Contains(r.Note, `Set dockerfile = "/srv/alone/Dockerfile" again`) {
		t.Fatalf("Recover of a gone Dockerfile that was its whole context = %+v", r)
	}
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
