package sandboximg

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/resources/runtime/internal/export"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/zclconf/go-cty/cty"
)

// Defaults for what a sandbox block may leave out.
const (
	DefaultTag = "openclaw-sandbox:custom"
	// DefaultPrefix is how OpenClaw names its sandbox containers.
	DefaultPrefix = "openclaw-sbx"
)

// Settings are what sandbox_image needs from its sandbox block.
type Settings struct {
	// Dockerfile is the inline Dockerfile, or "" when DockerfilePath names one.
	Dockerfile string `json:"dockerfile,omitempty"`
	// DockerfilePath is an absolute host path; its directory is the context.
	DockerfilePath string `json:"dockerfile_path,omitempty"`
	Tag            string `json:"image_tag"`
	// Image, User and Binds are the sandbox's docker settings.
	Image string   `json:"image,omitempty"`
	User  string   `json:"user,omitempty"`
	Binds []string `json:"binds,omitempty"`
	// ServiceUser is the account the gateway runs as; the container user
	// must be its UID:GID.
	ServiceUser string `json:"service_user"`
	// ContainerPrefix names the containers that go stale with the image.
	ContainerPrefix string `json:"container_prefix"`
	// Hash is a hash of everything the sandbox block exports: a change
	// makes the running sandbox containers stale.
	Hash string `json:"settings_hash"`
}

// FromExport reads a sandbox block's exported object. serviceUser is the
// gateway's user, used when the block exports no user of its own.
func FromExport(v cty.Value, serviceUser string) (Settings, error) {
	s := Settings{}
	var errs [7]error
	var df string
	df, errs[0] = export.String(v, "dockerfile", "")
	docker := export.Attr(v, "docker")
	s.Image, errs[1] = export.String(docker, "image", "")
	s.Tag, errs[2] = export.String(v, "image_tag", orDefault(s.Image, DefaultTag))
	s.User, errs[3] = export.String(docker, "user", "")
	s.Binds, errs[4] = export.Strings(docker, "binds")
	s.ServiceUser, errs[5] = export.String(v, "user", serviceUser)
	s.ContainerPrefix, errs[6] = export.String(v, "container_prefix", DefaultPrefix)
	for _, err := range errs {
		if err != nil {
			return s, err
		}
	}
	if strings.HasPrefix(df, "/") && !strings.ContainsAny(df, "\n") {
		s.DockerfilePath = df
	} else {
		s.Dockerfile = df
	}
	s.Hash = hashExport(v)
	return s, nil
}

// hashExport hashes the exported object's JSON form.
func hashExport(v cty.Value) string {
	if v == cty.NilVal || !v.IsWhollyKnown() {
		return ""
	}
	v, _ = v.UnmarkDeep()
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return fmt.Sprintf("unhashable: %v", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// HasImage reports whether the block asks for a custom image.
func (s Settings) HasImage() bool { return s.Dockerfile != "" || s.DockerfilePath != "" }

// RollbackTag is where the image an apply replaces is kept.
func (s Settings) RollbackTag() string { return s.Tag + "-clawplan-rollback" }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
