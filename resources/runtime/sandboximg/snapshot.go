package sandboximg

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// snapshot is the image tag's target and the settings record before an
// apply, as plain JSON. Removed sandbox containers are not restored:
// OpenClaw recreates them on demand.
type snapshot struct {
	Tag         string      `json:"tag"`
	RollbackTag string      `json:"rollback_tag"`
	Known       bool        `json:"known"`    // Docker answered; ImageID is real
	ImageID     string      `json:"image_id"` // "" when the tag did not exist
	Record      hostfs.File `json:"record"`
	Prefix      string      `json:"container_prefix"`
	// RollbackSeen says RollbackID was read (snapshots of older versions
	// lack it): the image the rollback tag named, "" when it did not exist.
	RollbackSeen bool   `json:"rollback_seen,omitempty"`
	RollbackID   string `json:"rollback_image_id,omitempty"`
}

// Snapshot records what the tag points at and the settings record. It
// changes nothing: Apply itself tags the old image for rollback.
func (i *Image) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	snap := snapshot{Tag: i.set.Tag, RollbackTag: i.set.RollbackTag(), Prefix: i.set.ContainerPrefix}
	var err error
	if snap.Record, err = hostfs.Snapshot(i.recordPath(h)); err != nil {
		return resources.Snapshot{}, err
	}
	if e, err := engine(ctx, h); err == nil {
		img, ok, err := e.Inspect(ctx, i.set.Tag)
		if err != nil {
			return resources.Snapshot{}, err
		}
		snap.Known = true
		if ok {
			snap.ImageID = img.ID
		}
		rb, ok, err := e.Inspect(ctx, snap.RollbackTag)
		if err != nil {
			return resources.Snapshot{}, err
		}
		snap.RollbackSeen = true
		if ok {
			snap.RollbackID = rb.ID
		}
	}
	b, err := json.Marshal(snap)
	return resources.Snapshot{Addr: i.addr, Data: b}, err
}

// Restore points the tag back at the image it named before (the rollback
// tag kept it), or removes the tag when there was none, removes the
// sandbox containers made from the newer image, and restores the record.
func (i *Image) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var snap snapshot
	if err := json.Unmarshal(s.Data, &snap); err != nil {
		return fmt.Errorf("snapshot of %s: %w", s.Addr, err)
	}
	if snap.Known {
		if err := restoreTag(ctx, h, snap); err != nil {
			return err
		}
	}
	return hostfs.Restore(snap.Record)
}

func restoreTag(ctx context.Context, h *resources.Host, snap snapshot) error {
	e, err := engine(ctx, h)
	if err != nil {
		return fmt.Errorf("restoring %s: %w", snap.Tag, err)
	}
	cur, ok, err := e.Inspect(ctx, snap.Tag)
	if err != nil {
		return err
	}
	if (ok && cur.ID != snap.ImageID) || (!ok && snap.ImageID != "") {
		if err := retag(ctx, e, snap, cur, ok); err != nil {
			return err
		}
	}
	return restoreRollbackTag(ctx, e, snap)
}

// retag points the tag back at the image it named (or removes it), removes
// the sandbox containers of the newer image, then the newer image itself:
// once untagged it is only layers nobody names (Untag leaves it when
// something else still uses it).
func retag(ctx context.Context, e *docker.Engine, snap snapshot, cur docker.Image, had bool) error {
	var err error
	if snap.ImageID == "" {
		err = e.Untag(ctx, snap.Tag)
	} else {
		err = e.Tag(ctx, snap.ImageID, snap.Tag)
	}
	if err != nil {
		return fmt.Errorf("restoring %s: %w", snap.Tag, err)
	}
	stale, err := e.Containers(ctx, snap.Prefix)
	if err != nil {
		return err
	}
	if err := e.RemoveContainers(ctx, stale); err != nil {
		return err
	}
	if had && snap.ImageID != "" {
		return e.Untag(ctx, cur.ID)
	}
	return nil
}

// restoreRollbackTag puts the rollback tag back as the snapshot found it:
// the apply's build made it point at the replaced image.
func restoreRollbackTag(ctx context.Context, e *docker.Engine, snap snapshot) error {
	if !snap.RollbackSeen {
		return nil
	}
	cur, ok, err := e.Inspect(ctx, snap.RollbackTag)
	switch {
	case err != nil:
		return err
	case snap.RollbackID == "" && ok:
		return e.Untag(ctx, snap.RollbackTag)
	case snap.RollbackID != "" && (!ok || cur.ID != snap.RollbackID):
		return e.Tag(ctx, snap.RollbackID, snap.RollbackTag)
	}
	return nil
}
