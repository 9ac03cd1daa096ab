package sandboximg

import (
	"context"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// diffDelete plans the removal of what a removed sandbox block's image
// node made: the tag it built (only if the image carries this node's
// label; the image itself stays under the rollback tag until pruned) and
// its settings record.
func (i *Image) diffDelete(o *observed) resources.Change {
	ch := resources.Change{Addr: i.addr, Action: resources.Delete}
	switch {
	case o.engineErr != nil:
		ch.Notes = append(ch.Notes, "Docker is not reachable ("+o.engineErr.Error()+"): the image tag cannot be removed now.")
	case o.hasImage && i.ownsImage(o):
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "image_tag", Before: i.set.Tag})
		ch.Notes = append(ch.Notes, fmt.Sprintf("The image stays as %s for rollback; `docker image rm %s` frees its space.", i.set.RollbackTag(), i.set.RollbackTag()))
	case o.hasImage:
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s was not built by %s; it stays.", i.set.Tag, i.addr))
	}
	if o.rec.Exists {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "settings", Before: o.recFP})
	}
	return ch
}

func (i *Image) ownsImage(o *observed) bool {
	return i.built && o.image.Labels[ManagedLabel] == i.addr.String()
}

// applyDelete removes the tag and the record.
func (i *Image) applyDelete(ctx context.Context, h *resources.Host) error {
	o, err := i.observe(ctx, h)
	if err != nil {
		return err
	}
	if o.engineErr == nil && o.hasImage && i.ownsImage(o) {
		e, err := engine(ctx, h)
		if err != nil {
			return err
		}
		// The image stays under the rollback tag, so Restore can tag it back.
		if err := e.Tag(ctx, o.image.ID, i.set.RollbackTag()); err != nil {
			return err
		}
		if err := e.Untag(ctx, i.set.Tag); err != nil {
			return err
		}
	}
	return hostfs.Remove(i.recordPath(h))
}
