package sandboximg

import (
	"context"
	"encoding/json"
	"fmt"
	"path"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// observed is what Probe found: Private of the State it returns.
type observed struct {
	ctx       docker.Context // the build context (HasImage only)
	wantHash  string
	engineErr error // why Docker could not be asked (nil: the fields below are real)
	image     docker.Image
	hasImage  bool
	stale     []docker.Container
	rec       hostfs.File
	recHash   string
	userErr   error // the container user does not match the service user
	userNote  string
	recFP     string
	settingFP string
}

// Probe reads the build context and the settings record, and asks Docker
// (once per run) about the image and the sandbox containers.
func (i *Image) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	o, err := i.observe(ctx, h)
	if err != nil {
		return resources.State{}, err
	}
	fp := h.Fingerprint([]byte(o.image.ID), []byte(o.image.Labels[HashLabel]), o.rec.Content)
	return resources.State{Exists: o.hasImage || o.rec.Exists, Fingerprint: fp, Private: o}, nil
}

func (i *Image) observe(ctx context.Context, h *resources.Host) (*observed, error) {
	o := &observed{}
	var err error
	if !i.orphan && i.set.HasImage() {
		if o.ctx, err = i.buildContext(h); err != nil {
			return nil, err
		}
		o.wantHash = o.ctx.Hash()
	}
	if o.rec, err = hostfs.Read(i.recordPath(h)); err != nil {
		return nil, err
	}
	if o.rec.Exists {
		var r record
		if err := json.Unmarshal(o.rec.Content, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", o.rec.Path, err)
		}
		o.recHash = r.SettingsHash
	}
	o.recFP, o.settingFP = h.Fingerprint([]byte(o.recHash)), h.Fingerprint([]byte(i.set.Hash))
	if !i.orphan {
		if err := i.checkUser(h, o); err != nil {
			return nil, err
		}
	}
	o.engineErr = i.inspect(ctx, h, o)
	return o, nil
}

// buildContext reads the inline Dockerfile, or the Dockerfile at its host
// path with the files beside it.
func (i *Image) buildContext(h *resources.Host) (docker.Context, error) {
	if i.set.Dockerfile != "" {
		return docker.Context{Dockerfile: []byte(i.set.Dockerfile)}, nil
	}
	return contextAt(h, i.set.DockerfilePath)
}

// contextAt reads the Dockerfile at the host path p (under the root) and
// the files beside it.
func contextAt(h *resources.Host, p string) (docker.Context, error) {
	dir, err := h.Path(path.Dir(p))
	if err != nil {
		return docker.Context{}, err
	}
	return docker.ReadContext(dir, path.Base(p))
}

// checkUser compares the container user with the service user's ids.
func (i *Image) checkUser(h *resources.Host, o *observed) error {
	acct, err := account.Lookup(h, i.set.ServiceUser)
	if err != nil {
		return err
	}
	want := fmt.Sprintf("%d:%d", acct.UID, acct.GID)
	switch {
	case !acct.Exists && i.set.User == "":
		o.userNote = fmt.Sprintf("docker.user is unset: sandbox containers run as root. Set it to %s's UID:GID once the user exists.", i.set.ServiceUser)
	case !acct.Exists:
		o.userNote = fmt.Sprintf("User %s does not exist yet: docker.user = %q is checked against its UID:GID once it does.", i.set.ServiceUser, i.set.User)
	case i.set.User == "":
		o.userNote = fmt.Sprintf("docker.user is unset: sandbox containers run as root and cannot read %s's 0600 files. Set user = %q.", i.set.ServiceUser, want)
	case i.set.User != want:
		o.userErr = fmt.Errorf("docker.user = %q, but %s is %s on this host: sandbox containers could not read the service user's files; set user = %q",
			i.set.User, i.set.ServiceUser, want, want)
	}
	return nil
}

// inspect asks Docker about the image and the containers.
func (i *Image) inspect(ctx context.Context, h *resources.Host, o *observed) error {
	e, err := engine(ctx, h)
	if err != nil {
		return err
	}
	if o.image, o.hasImage, err = e.Inspect(ctx, i.set.Tag); err != nil {
		return err
	}
	o.stale, err = e.Containers(ctx, i.set.ContainerPrefix)
	return err
}

// engine connects to Docker once per run.
func engine(ctx context.Context, h *resources.Host) (*docker.Engine, error) {
	v, err := h.Memo("sandbox_image/docker", func() (any, error) { return docker.Connect(ctx) })
	if err != nil {
		return nil, err
	}
	return v.(*docker.Engine), nil
}
