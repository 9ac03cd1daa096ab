package sandboximg

import (
	"context"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// Recovered is what `clawplan import` writes for a sandbox block's custom
// image: the dockerfile attribute, inline or as a host path.
type Recovered struct {
	// Built reports that clawplan built the image (it has the hash label).
	Built bool
	// Dockerfile is the inline Dockerfile to write, or "".
	Dockerfile string
	// Path is the host path to write as dockerfile, or "".
	Path string
	// Note says what could not be recovered, or what a plan of the
	// recovered attribute still does; "" when it builds this very image.
	Note string
}

// Recover reads the build input recorded on the image tag (buildLabels)
// for import. A host path is kept when its context still hashes to the
// image's content-hash label, so the imported block plans no build; else
// the recorded Dockerfile is written inline when it alone reproduces the
// image (its context held nothing else), and the path otherwise.
func Recover(ctx context.Context, h *resources.Host, tag string) Recovered {
	e, err := engine(ctx, h)
	if err != nil {
		return Recovered{Note: fmt.Sprintf("Docker is not reachable (%v): the Dockerfile %s was built from cannot be read from the image; if clawplan builds it, add dockerfile = ... back.", err, tag)}
	}
	img, ok, err := e.Inspect(ctx, tag)
	switch {
	case err != nil:
		return Recovered{Note: fmt.Sprintf("Docker could not inspect %s (%v): if clawplan builds it, add dockerfile = ... back.", tag, err)}
	case !ok:
		return Recovered{Note: fmt.Sprintf("There is no image %s on this host: if clawplan builds it, add dockerfile = ... back.", tag)}
	case img.Labels[HashLabel] == "":
		return Recovered{Note: fmt.Sprintf("%s was not built by clawplan: dockerfile is left out, and sandboxes use the image as it is.", tag)}
	}
	return fromLabels(h, tag, img.Labels)
}

// fromLabels recovers the dockerfile attribute from a clawplan-built
// image's labels.
func fromLabels(h *resources.Host, tag string, labels map[string]string) Recovered {
	enc, recorded := labels[DockerfileLabel]
	var inline []byte
	var err error
	if recorded {
		inline, err = DecodeDockerfile(enc)
	}
	if p := labels[DockerfilePathLabel]; p != "" {
		return fromPath(h, tag, p, labels[HashLabel], inline)
	}
	r := Recovered{Built: true, Dockerfile: string(inline)}
	switch {
	case !recorded:
		r.Note = fmt.Sprintf("%s was built by a clawplan that did not record its Dockerfile on the image: add dockerfile = ... back (the next build records it).", tag)
	case err != nil:
		r.Note = fmt.Sprintf("The Dockerfile recorded on %s cannot be read (%v): add dockerfile = ... back.", tag, err)
	case (docker.Context{Dockerfile: inline}).Hash() != labels[HashLabel]:
		r.Note = fmt.Sprintf("The Dockerfile recorded on %s does not match its %s label: a plan rebuilds the image from it.", tag, HashLabel)
	}
	return r
}

// fromPath recovers a dockerfile attribute that named the host path p.
func fromPath(h *resources.Host, tag, p, hash string, inline []byte) Recovered {
	c, err := contextAt(h, p)
	switch {
	case err == nil && c.Hash() == hash:
		return Recovered{Built: true, Path: p}
	case inline != nil && (docker.Context{Dockerfile: inline}).Hash() == hash:
		return Recovered{Built: true, Dockerfile: string(inline), Note: fmt.Sprintf(
			"%s was built from %s, which is gone or changed since: this is the Dockerfile it was built from. Set dockerfile = %q again to build from the file.", tag, p, p)}
	case err != nil:
		return Recovered{Built: true, Path: p, Note: fmt.Sprintf(
			"%s was built from %s, which cannot be read now (%v): put it and the files beside it back, or a plan fails.", tag, p, err)}
	}
	return Recovered{Built: true, Path: p, Note: fmt.Sprintf(
		"%s or the files beside it changed since %s was built from them: a plan rebuilds the image.", p, tag)}
}
