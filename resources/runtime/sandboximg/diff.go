package sandboximg

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// work is what an apply has to do.
type work struct {
	build    bool // (re)build the image
	settings bool // the settings record changes
	recycle  bool // remove the sandbox containers and restart the gateway
}

func (w work) any() bool { return w.build || w.settings }

func (i *Image) work(o *observed) work {
	w := work{settings: o.recHash != i.set.Hash}
	if i.set.HasImage() {
		w.build = !o.hasImage || o.image.Labels[HashLabel] != o.wantHash
	}
	w.recycle = w.build || w.settings
	return w
}

// Diff compares the image and the settings record with the block.
func (i *Image) Diff(st resources.State) (resources.Change, error) {
	o, ok := st.Private.(*observed)
	if !ok {
		return resources.Change{}, fmt.Errorf("diff needs the state from this resource's own probe")
	}
	if i.orphan {
		return i.diffDelete(o), nil
	}
	if o.userErr != nil {
		return resources.Change{}, o.userErr
	}
	ch := resources.Change{Addr: i.addr, Action: resources.NoOp}
	if o.userNote != "" {
		ch.Notes = append(ch.Notes, o.userNote)
	}
	if o.engineErr != nil {
		i.diffUnknown(o, &ch)
		return ch, nil
	}
	w := i.work(o)
	i.imageAttrs(o, w, &ch)
	if w.settings {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "settings", Before: orNil(o.rec.Exists, o.recFP), After: o.settingFP})
	}
	if w.recycle && len(o.stale) > 0 {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "stale_containers", Before: names(o.stale), After: []any{}})
	}
	if w.any() {
		ch.Action = resources.Update
		if !o.hasImage && !o.rec.Exists {
			ch.Action = resources.Create
		}
		ch.Triggers = append(ch.Triggers, i.gateways...)
		ch.Notes = append(ch.Notes, fmt.Sprintf("Sandbox containers named %s* are removed and the gateway restarts, so new sandboxes use this image and these settings.", i.set.ContainerPrefix))
	}
	ch.Private = w
	return ch, nil
}

// imageAttrs shows the image tag and the content hash it is built from.
func (i *Image) imageAttrs(o *observed, w work, ch *resources.Change) {
	if !w.build {
		return
	}
	if !o.hasImage {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "image_tag", After: i.set.Tag})
	}
	ch.Attrs = append(ch.Attrs,
		resources.AttrChange{Path: "context_hash", Before: orNil(o.hasImage, o.image.Labels[HashLabel]), After: o.wantHash},
		resources.AttrChange{Path: "image_id", Before: orNil(o.hasImage, o.image.ID), Unknown: "known when the build finishes"})
	if o.hasImage {
		ch.Notes = append(ch.Notes, fmt.Sprintf("The current image stays as %s for rollback.", i.set.RollbackTag()))
	}
}

// diffUnknown is the plan without a Docker engine to ask (a fresh host):
// everything is created at apply. Without a custom image and with the
// settings recorded, there is nothing to do.
func (i *Image) diffUnknown(o *observed, ch *resources.Change) {
	if !i.set.HasImage() && o.recHash == i.set.Hash {
		ch.Notes = append(ch.Notes, "Docker is not reachable ("+o.engineErr.Error()+"); sandbox containers were not checked.")
		return
	}
	ch.Action = resources.Create
	why := "the Docker engine cannot be asked: " + o.engineErr.Error()
	if i.set.HasImage() {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "image_tag", After: i.set.Tag},
			resources.AttrChange{Path: "context_hash", After: o.wantHash},
			resources.AttrChange{Path: "image_id", Unknown: why})
	}
	ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "stale_containers", Unknown: why})
	if i.set.HasImage() {
		ch.Notes = append(ch.Notes, "Docker is not reachable now ("+o.engineErr.Error()+"); the image is built at apply.")
	} else {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "settings", Before: orNil(o.rec.Exists, o.recFP), After: o.settingFP})
	}
	ch.Triggers = append(ch.Triggers, i.gateways...)
}

func names(cs []docker.Container) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func orNil(ok bool, v string) any {
	if !ok {
		return nil
	}
	return v
}
