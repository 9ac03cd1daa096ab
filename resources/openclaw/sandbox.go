package openclaw

import (
	"fmt"
	"path"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// sandboxKind is the `sandbox` block: "default" writes
// agents.defaults.sandbox, its docker { } block agents.defaults.sandbox.docker
// (per-agent overrides live in the agent block). dockerfile and image_tag
// belong to the runtime side (building the image) and are accepted here so
// one block describes the sandbox; image defaults to image_tag.
type sandboxKind struct{ kindBase }

func (sandboxKind) Name() string { return "sandbox" }

func (sandboxKind) Spec() hcldec.Spec { return sandboxSpec.spec() }

var sandboxSpec = attrs{
	"mode":             attr(cty.String),
	"scope":            attr(cty.String),
	"workspace_access": attr(cty.String),
	"backend":          attr(cty.String),
	"dockerfile":       attr(cty.String),
	"image_tag":        attr(cty.String),
	"docker": block(attrs{
		"image":            attr(cty.String),
		"network":          attr(cty.String),
		"user":             attr(cty.String),
		"binds":            attr(cty.List(cty.String)),
		"read_only_root":   attr(cty.Bool),
		"cap_drop":         attr(cty.List(cty.String)),
		"pids_limit":       attr(cty.Number),
		"memory":           attr(cty.String),
		"cpus":             attr(cty.Number),
		"tmpfs":            attr(cty.List(cty.String)),
		"seccomp_profile":  attr(cty.String),
		"apparmor_profile": attr(cty.String),
	}),
}

type dockerConf struct {
	Image        *string  `cty:"image"`
	Network      *string  `cty:"network"`
	User         *string  `cty:"user"`
	Binds        []string `cty:"binds"`
	ReadOnlyRoot *bool    `cty:"read_only_root"`
	CapDrop      []string `cty:"cap_drop"`
	PidsLimit    *int     `cty:"pids_limit"`
	Memory       *string  `cty:"memory"`
	CPUs         *float64 `cty:"cpus"`
	Tmpfs        []string `cty:"tmpfs"`
	Seccomp      *string  `cty:"seccomp_profile"`
	AppArmor     *string  `cty:"apparmor_profile"`
}

type sandboxConf struct {
	Mode            *string     `cty:"mode"`
	Scope           *string     `cty:"scope"`
	WorkspaceAccess *string     `cty:"workspace_access"`
	Backend         *string     `cty:"backend"`
	Dockerfile      *string     `cty:"dockerfile"`
	ImageTag        *string     `cty:"image_tag"`
	Docker          *dockerConf `cty:"docker"`
}

// sandbox is the decoded sandbox "default" block.
type sandbox struct {
	base
	conf sandboxConf
	val  cty.Value
}

var (
	_ resources.Exporter       = (*sandbox)(nil)
	_ resources.CrossValidator = (*sandbox)(nil)
)

func (sandboxKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	s := &sandbox{val: val}
	if addr.Name != "default" {
		r := body.MissingItemRange()
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Only sandbox \"default\" is supported",
			Detail: "OpenClaw has one sandbox configuration, agents.defaults.sandbox: name the block sandbox \"default\"; per-agent changes go in the agent block's sandbox { }.", Subject: &r}}
	}
	diags := decodeInto(addr, body, val, &s.conf)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, s.check(body)...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, s.init(addr, body, s.claimList(body))...)
	return s, diags
}

// check rejects what 2026.9.6's validation rejects and what its audit
// calls critical (binds of /etc or the Docker socket).
func (s *sandbox) check(body hcl.Body) hcl.Diagnostics {
	c := s.conf
	diags := oneOf(body, str(c.Mode, ""), []string{"off", "non-main", "all"}, "mode")
	diags = append(diags, oneOf(body, str(c.Scope, ""), []string{"session", "agent", "shared"}, "scope")...)
	diags = append(diags, oneOf(body, str(c.WorkspaceAccess, ""), []string{"none", "ro", "rw"}, "workspace_access")...)
	diags = append(diags, oneOf(body, str(c.Backend, ""), []string{"docker", "podman", "ssh", "openshell", "crabbox"}, "backend")...)
	d := c.Docker
	if d == nil {
		return diags
	}
	if n := str(d.Network, ""); n == "host" || strings.HasPrefix(n, "container:") {
		diags = append(diags, errAt(body, "Sandbox network not allowed", fmt.Sprintf("network = %q lets sandboxed tools share a network namespace they must not (OpenClaw rejects host and flags container: as critical); use \"bridge\" (behind clawplan's firewall) or \"none\".", n), "docker", "network"))
	}
	for _, p := range []struct{ v, attr string }{{str(d.Seccomp, ""), "seccomp_profile"}, {str(d.AppArmor, ""), "apparmor_profile"}} {
		if p.v == "unconfined" {
			diags = append(diags, errAt(body, "Unconfined profile", fmt.Sprintf("%s = \"unconfined\" is rejected by OpenClaw; use a custom profile file or leave it unset.", p.attr), "docker", p.attr))
		}
	}
	for _, b := range d.Binds {
		diags = append(diags, checkBind(body, b)...)
	}
	return diags
}

func checkBind(body hcl.Body, b string) hcl.Diagnostics {
	src, _, _ := strings.Cut(b, ":")
	switch {
	case !path.IsAbs(src):
		return hcl.Diagnostics{errAt(body, "Relative bind source", fmt.Sprintf("bind %q: OpenClaw takes only absolute source paths.", b), "docker", "binds")}
	case path.Clean(src) == "/etc" || strings.HasPrefix(path.Clean(src), "/etc/") || strings.Contains(src, "docker.sock") || path.Clean(src) == "/":
		return hcl.Diagnostics{errAt(body, "Dangerous bind mount", fmt.Sprintf("bind %q gives sandboxed tools the host's configuration or its Docker engine (audit: sandbox.dangerous_bind_mount, critical); bind only the workspace.", b), "docker", "binds")}
	case strings.Contains(src, "/.openclaw/credentials"):
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Credentials bound into the sandbox", Detail: fmt.Sprintf("bind %q exposes every token to sandboxed tools, which is what the sandbox is for keeping them from; the seed did this, OpenClaw's audit does not flag it, clawplan advises against it.", b), Subject: rangeOf(body, "docker", "binds").Ptr()}}
	}
	return nil
}

func (s *sandbox) claimList(body hcl.Body) []claim {
	c := &claimer{body: body}
	at := func(k ...string) doc.Path { return keys(append([]string{"agents", "defaults", "sandbox"}, k...)...) }
	conf := s.conf
	optString(c, at("mode"), conf.Mode, "mode")
	optString(c, at("scope"), conf.Scope, "scope")
	optString(c, at("workspaceAccess"), conf.WorkspaceAccess, "workspace_access")
	optString(c, at("backend"), conf.Backend, "backend")
	d := conf.Docker
	if d == nil {
		d = &dockerConf{}
	}
	image, imageAttr := d.Image, []string{"docker", "image"}
	if image == nil {
		image, imageAttr = conf.ImageTag, []string{"image_tag"}
	}
	optString(c, at("docker", "image"), image, imageAttr...)
	optString(c, at("docker", "network"), d.Network, "docker", "network")
	optString(c, at("docker", "user"), d.User, "docker", "user")
	optList(c, at("docker", "binds"), d.Binds, "docker", "binds")
	optBool(c, at("docker", "readOnlyRoot"), d.ReadOnlyRoot, "docker", "read_only_root")
	optList(c, at("docker", "capDrop"), d.CapDrop, "docker", "cap_drop")
	optInt(c, at("docker", "pidsLimit"), d.PidsLimit, "docker", "pids_limit")
	optString(c, at("docker", "memory"), d.Memory, "docker", "memory")
	if d.CPUs != nil {
		c.set(at("docker", "cpus"), *d.CPUs, "docker", "cpus")
	}
	optList(c, at("docker", "tmpfs"), d.Tmpfs, "docker", "tmpfs")
	optString(c, at("docker", "seccompProfile"), d.Seccomp, "docker", "seccomp_profile")
	optString(c, at("docker", "apparmorProfile"), d.AppArmor, "docker", "apparmor_profile")
	return c.out
}

// Export is the decoded block (the runtime side reads image_tag and dockerfile).
func (s *sandbox) Export() cty.Value { return s.val }

// CrossValidate runs the security rules that concern this block.
func (s *sandbox) CrossValidate(c resources.Catalog) hcl.Diagnostics { return policyFor(c, s.addr) }
