package sandboximg

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// Apply builds the image when its context changed (keeping the replaced
// image under the rollback tag), removes the stale sandbox containers and
// records the settings.
func (i *Image) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	if c.Action == resources.Delete {
		return i.applyDelete(ctx, h)
	}
	o, err := i.observe(ctx, h)
	if err != nil {
		return err
	}
	if o.engineErr != nil && !i.set.HasImage() {
		return i.writeRecord(h) // no image to build, no engine: no containers to recycle
	}
	if o.engineErr != nil {
		return fmt.Errorf("Docker is needed to build %s: %w", i.set.Tag, o.engineErr)
	}
	if o.userErr != nil {
		return o.userErr
	}
	e, err := engine(ctx, h)
	if err != nil {
		return err
	}
	w := i.work(o)
	if w.build {
		if err := i.build(ctx, h, e, o); err != nil {
			return err
		}
	}
	if w.recycle {
		if err := e.RemoveContainers(ctx, o.stale); err != nil {
			return err
		}
	}
	return i.writeRecord(h)
}

// build keeps the current image under the rollback tag and builds the new
// one, logging the build's progress. The new image records its build input
// (buildLabels) for `clawplan import`.
func (i *Image) build(ctx context.Context, h *resources.Host, e *docker.Engine, o *observed) error {
	if o.hasImage {
		if err := e.Tag(ctx, o.image.ID, i.set.RollbackTag()); err != nil {
			return fmt.Errorf("keeping the current image as %s: %w", i.set.RollbackTag(), err)
		}
	}
	labels := i.buildLabels(h, o)
	progress := func(line string) { h.Log.Info("docker build "+i.set.Tag+": "+line, "addr", i.addr.String()) }
	id, err := e.Build(ctx, o.ctx, docker.BuildOptions{Tag: i.set.Tag, Labels: labels, Progress: progress})
	if err != nil {
		return err
	}
	h.Log.Info("sandbox image built", "addr", i.addr.String(), "tag", i.set.Tag, "id", id)
	return nil
}

// writeRecord keeps the settings hash the sandboxes now run with.
func (i *Image) writeRecord(h *resources.Host) error {
	b, err := json.Marshal(record{SettingsHash: i.set.Hash})
	if err != nil {
		return err
	}
	return hostfs.WriteAtomic(i.recordPath(h), b, 0o600, 0o700, hostfs.Keep)
}
