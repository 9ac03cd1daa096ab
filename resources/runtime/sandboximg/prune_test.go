package sandboximg

import (
	"context"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/docker/docker/api/types/image"
)

// TestRestoreOfFirstBuildLeavesNoLayers: restoring the snapshot of a
// first build removes the tag and every image that build made, the
// untagged intermediate layers included (found by the fault injection on
// the test host: they stayed on the engine after each rollback).
func TestRestoreOfFirstBuildLeavesNoLayers(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	img := newImage(t, sandbox("FROM "+base+"\nRUN echo one > /version\n", tag, "1000:1000"), "openclaw-sbx-"+id)
	h := testHost(t)
	_, ch := restest.Plan(t, h, img)
	snap, err := img.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if err := img.Apply(ctx, restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	record()
	if n := builtOn(t, e, base); n < 2 {
		t.Fatalf("the build made %d images on the base, want the RUN layer and the labelled image at least", n)
	}
	if err := img.Restore(ctx, restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	if n := builtOn(t, e, base); n != 0 {
		t.Fatalf("%d images built on %s remain after the restore", n, base)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), img); again.Action != resources.Create {
		t.Fatalf("after the restore the image is to be built again: %+v", again)
	}
}

// builtOn counts the images, tagged or not, whose parent chain reaches ref.
func builtOn(t *testing.T, e *docker.Engine, ref string) int {
	t.Helper()
	ctx := context.Background()
	base, err := e.Client().ImageInspect(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	all, err := e.Client().ImageList(ctx, image.ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{}
	for _, im := range all {
		parent[im.ID] = im.ParentID
	}
	n := 0
	for _, im := range all {
		for p := parent[im.ID]; p != ""; p = parent[p] {
			if p == base.ID {
				n++
				break
			}
		}
	}
	return n
}
