package sandboximg

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/docker"
)

// Labels that record an image's build input, so `clawplan import` can
// write the dockerfile attribute back. Anyone who may use the Docker
// engine reads them (`docker image inspect`), as they read the RUN and ENV
// lines in `docker history`: a Dockerfile is not a secret, and secrets
// must never be written into one (pass them at run time instead).
const (
	// DockerfileLabel holds the Dockerfile the image was built from, gzip
	// compressed and base64 encoded (`base64 -d | gunzip` shows it).
	DockerfileLabel = "org.clawplan.dockerfile"
	// DockerfilePathLabel holds the manifest's dockerfile attribute when it
	// named a host path (the files beside it were the build context).
	DockerfilePathLabel = "org.clawplan.dockerfile-path"
	// MaxDockerfileLabel bounds the encoded Dockerfile: a larger one is
	// not recorded (the build request carries labels in its URL).
	MaxDockerfileLabel = 64 << 10
)

// buildLabels are the labels an image built from o.ctx carries: the
// content hash (what Diff compares, unchanged by the others), the node
// that built it, and the build input for import. A Dockerfile holding a
// secret value clawplan knows is not recorded.
func (i *Image) buildLabels(h *resources.Host, o *observed) map[string]string {
	labels := map[string]string{HashLabel: o.wantHash, ManagedLabel: i.addr.String()}
	if i.set.DockerfilePath != "" {
		labels[DockerfilePathLabel] = i.set.DockerfilePath
	}
	df := string(o.ctx.Dockerfile)
	enc, ok := EncodeDockerfile(o.ctx.Dockerfile)
	switch {
	case h.Secrets != nil && h.Secrets.Redact(df) != df:
		h.Log.Warn("the Dockerfile holds a secret value: it is not recorded on the image, and should not be in a Dockerfile at all", "addr", i.addr.String())
	case !ok:
		h.Log.Warn("the Dockerfile is too large to record on the image: `clawplan import` cannot recover it", "addr", i.addr.String())
	default:
		labels[DockerfileLabel] = enc
	}
	return labels
}

// EncodeDockerfile is the DockerfileLabel value of df; ok is false when
// it would be longer than MaxDockerfileLabel.
func EncodeDockerfile(df []byte) (string, bool) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(df)
	zw.Close()
	s := base64.StdEncoding.EncodeToString(buf.Bytes())
	return s, len(s) <= MaxDockerfileLabel
}

// DecodeDockerfile reads a DockerfileLabel value back.
func DecodeDockerfile(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("label %s is not base64: %w", DockerfileLabel, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("label %s is not gzip: %w", DockerfileLabel, err)
	}
	df, err := io.ReadAll(io.LimitReader(zr, docker.MaxContext+1))
	if err == nil && len(df) > docker.MaxContext {
		err = fmt.Errorf("label %s holds more than %d MiB", DockerfileLabel, docker.MaxContext>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("label %s: %w", DockerfileLabel, err)
	}
	return df, nil
}
