package sandboximg

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime/docker"
	"github.com/docker/docker/api/types/image"
)

// TestDockerBuildRecycleRestore builds a sandbox image on the real engine
// from a base imported from busybox-static, then: a second plan is no-op;
// a Dockerfile change rebuilds, removes the matching sandbox containers and
// only those, triggers the gateway, and keeps the old image under the
// rollback tag; restoring the snapshot (read back from JSON by a new
// Image, as a new process would) tags the old image again.
func TestDockerBuildRecycleRestore(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	prefix := "openclaw-sbx-" + id // OpenClaw's prefix, narrowed to this test's containers
	binds := []string{"/home/openclaw/.openclaw/credentials:/home/openclaw/.openclaw/credentials:ro",
		"/home/openclaw/.openclaw/workspace:/home/openclaw/.openclaw/workspace:rw"}
	v1 := newImage(t, sandbox("FROM "+base+"\nRUN echo one > /version\n", tag, "1000:1000", binds...), prefix)
	h := testHost(t)
	var progress strings.Builder
	h.Log = slog.New(slog.NewTextHandler(&progress, nil))

	_, ch := restest.Plan(t, h, v1)
	if ch.Action != resources.Create || !slices.Contains(ch.Triggers, gwSvc) {
		t.Fatalf("first plan: %+v", ch)
	}
	if err := v1.Apply(ctx, h, ch); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), ": FROM "+base) {
		t.Fatalf("build progress not reported:\n%s", progress.String())
	}
	first, ok, err := e.Inspect(ctx, tag)
	if err != nil || !ok || first.Labels[HashLabel] == "" || first.Labels[ManagedLabel] != "sandbox_image.default" {
		t.Fatalf("built image %+v %v %v", first, ok, err)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), v1); again.Action != resources.NoOp {
		t.Fatalf("second plan is %s, want no-op: %+v", again.Action, again)
	}

	createContainer(t, e, base, prefix+"-agent-main")
	createContainer(t, e, base, id+"-other")
	createContainer(t, e, base, "keep-"+prefix) // Docker's name filter matches it; the prefix must not
	v2 := newImage(t, sandbox("FROM "+base+"\nRUN echo two > /version\n", tag, "1000:1000", binds...), prefix)
	_, ch = restest.Plan(t, restest.Fresh(h), v2)
	stale, _ := attrOf(ch, "stale_containers")
	if ch.Action != resources.Update || !slices.Contains(ch.Triggers, gwSvc) || len(stale.Before.([]any)) != 1 {
		t.Fatalf("plan after a Dockerfile change: %+v", ch)
	}
	snap, err := v2.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if err := v2.Apply(ctx, restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	record()
	second, _, _ := e.Inspect(ctx, tag)
	kept, _, _ := e.Inspect(ctx, tag+"-clawplan-rollback")
	if second.ID == first.ID || kept.ID != first.ID {
		t.Fatalf("rebuild: tag %s (was %s), rollback tag %s", second.ID, first.ID, kept.ID)
	}
	if exists(t, e, prefix+"-agent-main") || !exists(t, e, id+"-other") || !exists(t, e, "keep-"+prefix) {
		t.Fatal("only the containers named " + prefix + "* may be removed")
	}

	var back resources.Snapshot
	b, _ := json.Marshal(snap)
	json.Unmarshal(b, &back)
	fresh := newImage(t, sandbox("FROM "+base+"\nRUN echo two > /version\n", tag, "1000:1000", binds...), prefix)
	if err := fresh.Restore(ctx, restest.Fresh(h), back); err != nil {
		t.Fatal(err)
	}
	if now, _, _ := e.Inspect(ctx, tag); now.ID != first.ID {
		t.Fatalf("after restore %s points at %s, want the old image %s", tag, now.ID, first.ID)
	}
	// Nothing of the rolled-back build stays: neither the new image nor the
	// rollback tag, which did not exist before the apply.
	if _, ok, _ := e.Inspect(ctx, second.ID); ok {
		t.Fatalf("the rolled-back image %s is still on the engine", second.ID)
	}
	if _, ok, _ := e.Inspect(ctx, tag+"-clawplan-rollback"); ok {
		t.Fatal("the rollback tag, made by the rolled-back apply, is still there")
	}
	if _, again := restest.Plan(t, restest.Fresh(h), v1); again.Action != resources.NoOp {
		t.Fatalf("after restore the first settings should be in place again: %+v", again)
	}
}

// TestSettingsChangeRecycles: a bind change rebuilds nothing but removes
// the sandbox containers and restarts the gateway.
func TestSettingsChangeRecycles(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	prefix := "openclaw-sbx-" + id
	df := "FROM " + base + "\n"
	h := testHost(t)
	v1 := newImage(t, sandbox(df, tag, "1000:1000"), prefix)
	_, ch := restest.Plan(t, h, v1)
	if err := v1.Apply(ctx, h, ch); err != nil {
		t.Fatal(err)
	}
	record()
	createContainer(t, e, base, prefix+"-a")
	v2 := newImage(t, sandbox(df, tag, "1000:1000", "/home/openclaw/.openclaw/workspace:/workspace:rw"), prefix)
	_, ch = restest.Plan(t, restest.Fresh(h), v2)
	if _, ok := attrOf(ch, "context_hash"); ok || ch.Action != resources.Update || !slices.Contains(ch.Triggers, gwSvc) {
		t.Fatalf("a settings change should recycle without a build: %+v", ch)
	}
	before, _, _ := e.Inspect(ctx, tag)
	if err := v2.Apply(ctx, restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := e.Inspect(ctx, tag); after.ID != before.ID || exists(t, e, prefix+"-a") {
		t.Fatalf("image rebuilt (%s -> %s) or container kept", before.ID, after.ID)
	}
}

func attrOf(ch resources.Change, path string) (resources.AttrChange, bool) {
	for _, a := range ch.Attrs {
		if a.Path == path {
			return a, true
		}
	}
	return resources.AttrChange{}, false
}

// cleanupImages removes, when the test ends, the images the tag and its
// rollback tag held; call the returned func after each build to record them.
func cleanupImages(t *testing.T, e *docker.Engine, tag string) func() {
	ids := map[string]bool{}
	record := func() {
		for _, ref := range []string{tag, tag + "-clawplan-rollback"} {
			if img, ok, _ := e.Inspect(context.Background(), ref); ok {
				ids[img.ID] = true
			}
		}
	}
	t.Cleanup(func() {
		record()
		for id := range ids {
			e.Client().ImageRemove(context.Background(), id, image.RemoveOptions{Force: true, PruneChildren: true})
		}
	})
	return record
}

// TestOrphanRemovesTag: a sandbox block removed from the manifest removes
// the tag it built (the image stays under the rollback tag) and its
// record; restoring the delete tags the image again.
func TestOrphanRemovesTag(t *testing.T) {
	ctx, e, id, base, tag, record := dockerFixture(t)
	h := testHost(t)
	img := newImage(t, sandbox("FROM "+base+"\nLABEL x=1\n", tag, "1000:1000"), "openclaw-sbx-"+id)
	_, ch := restest.Plan(t, h, img)
	if err := img.Apply(ctx, h, ch); err != nil {
		t.Fatal(err)
	}
	record()
	built, _, _ := e.Inspect(ctx, tag)
	rec, _ := img.Ownership()
	orphan, err := Kind{}.Orphan(img.Addr(), rec)
	if err != nil {
		t.Fatal(err)
	}
	_, ch = restest.Plan(t, restest.Fresh(h), orphan)
	if a, ok := attrOf(ch, "image_tag"); ch.Action != resources.Delete || !ok || a.Before != tag {
		t.Fatalf("orphan plan: %+v", ch)
	}
	snap, err := orphan.Snapshot(ctx, restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	if err := orphan.Apply(ctx, restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := e.Inspect(ctx, tag); ok {
		t.Fatal("the tag survived the delete")
	}
	if kept, ok, _ := e.Inspect(ctx, tag+"-clawplan-rollback"); !ok || kept.ID != built.ID {
		t.Fatal("the image should stay under the rollback tag")
	}
	if err := orphan.Restore(ctx, restest.Fresh(h), snap); err != nil {
		t.Fatal(err)
	}
	if now, ok, _ := e.Inspect(ctx, tag); !ok || now.ID != built.ID {
		t.Fatalf("restore of the delete: %s -> %v %s", tag, ok, now.ID)
	}
}
