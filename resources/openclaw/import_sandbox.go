package openclaw

import (
	"context"

	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
	"github.com/zclconf/go-cty/cty"
)

// sandbox imports sandbox "default" from agents.defaults.sandbox. The
// image goes in image_tag, as the seed's custom image is declared, and
// the Dockerfile clawplan built it from comes back from the image.
func (im *importer) sandbox(ctx context.Context) {
	if v := im.r.at("agents", "defaults", "sandbox"); v == nil || v.Kind != doc.Object {
		return
	}
	r := reader{im.r.at("agents", "defaults", "sandbox")}
	b := &imported{kind: "sandbox", name: "default", body: &bodyW{}}
	s := b.body
	s.set("mode", r.str("mode"))
	s.set("scope", r.str("scope"))
	s.set("workspace_access", r.str("workspaceAccess"))
	s.set("backend", r.str("backend"))
	s.set("image_tag", r.str("docker", "image"))
	im.dockerfile(ctx, b, r.str("docker", "image"))
	d := s.block("docker")
	d.set("network", r.str("docker", "network"))
	d.set("user", r.str("docker", "user"))
	d.set("binds", r.strs("docker", "binds"))
	d.set("read_only_root", r.boolean("docker", "readOnlyRoot"))
	d.set("cap_drop", r.strs("docker", "capDrop"))
	d.set("pids_limit", r.integer("docker", "pidsLimit"))
	d.set("memory", r.str("docker", "memory"))
	d.set("cpus", r.number("docker", "cpus"))
	d.set("tmpfs", r.strs("docker", "tmpfs"))
	d.set("seccomp_profile", r.str("docker", "seccompProfile"))
	d.set("apparmor_profile", r.str("docker", "apparmorProfile"))
	if !s.empty() {
		im.blocks = append(im.blocks, b)
	}
}

// dockerfile writes the dockerfile attribute that built the image tag
// (docker.image in openclaw.json; without one, the sandbox_image default
// tag, and only if clawplan built it): inline as a heredoc, or the host
// path it was read from. The image's labels hold it (sandboximg.Recover).
func (im *importer) dockerfile(ctx context.Context, b *imported, tag cty.Value) {
	named := tag != cty.NilVal
	t := sandboximg.DefaultTag
	if named {
		t = tag.AsString()
	}
	rec := sandboximg.Recover(ctx, im.h, t)
	if !named && !rec.Built {
		return
	}
	switch {
	case rec.Dockerfile != "":
		b.body.expr("dockerfile", importkit.Text(rec.Dockerfile))
	case rec.Path != "":
		b.body.set("dockerfile", cty.StringVal(rec.Path))
	}
	if rec.Note != "" {
		b.note("%s", rec.Note)
	}
}
