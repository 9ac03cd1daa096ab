package network

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Validate checks the block without touching the host: that it manages
// something, that its interface name, addresses, gateway, nameservers and
// DNS servers are well formed and consistent, and that its file paths are
// ones netplan and Docker read. Every diagnostic points at the attribute
// (or the list element) it is about.
func (n *Network) Validate() hcl.Diagnostics {
	v := &validator{cfg: n.cfg, at: n.at, set: n.set}
	v.scope()
	if n.cfg.ManagesNetplan() {
		v.iface()
		v.addresses()
		v.gateway()
		v.nameservers()
		v.renderer()
		v.netplanFile()
	}
	if n.set["docker_dns"] {
		v.dockerDNS()
		v.daemonFile()
	} else if n.set["docker_daemon_file"] {
		v.warnf(n.at.at("docker_daemon_file"), "docker_daemon_file without docker_dns",
			"This block sets no docker_dns, so it does not touch %s. Add docker_dns, or remove docker_daemon_file.", n.cfg.DockerDaemonFile)
	}
	return v.diags
}

// validator collects the diagnostics of one block.
type validator struct {
	cfg   Config
	at    where
	set   map[string]bool // the attributes that are not null
	diags hcl.Diagnostics
}

func (v *validator) report(sev hcl.DiagnosticSeverity, subject *hcl.Range, summary, detail string, args ...any) {
	v.diags = append(v.diags, &hcl.Diagnostic{Severity: sev, Summary: summary,
		Detail: fmt.Sprintf(detail, args...), Subject: subject})
}

func (v *validator) errorf(subject *hcl.Range, summary, detail string, args ...any) {
	v.report(hcl.DiagError, subject, summary, detail, args...)
}

func (v *validator) warnf(subject *hcl.Range, summary, detail string, args ...any) {
	v.report(hcl.DiagWarning, subject, summary, detail, args...)
}

// scope checks that the block manages something, and that netplan
// settings come with the interface they configure.
func (v *validator) scope() {
	if !v.cfg.ManagesNetplan() {
		for _, name := range netplanSettings {
			if v.set[name] {
				v.errorf(v.at.at(name), "Missing interface",
					"%s is written to netplan for one interface, and this block names none. Add interface = \"ens18\" (`ip -br link` lists the names), or remove %s.", name, name)
				return
			}
		}
	}
	if !v.cfg.ManagesNetplan() && !v.set["docker_dns"] {
		v.errorf(v.at.at("interface"), "Empty network block",
			"A network block manages the host's netplan file (interface, addresses, gateway, nameservers), Docker's DNS servers (docker_dns), or both. Set what this block should manage, or remove the block.")
	}
}

// ifaceName is what the kernel and netplan accept as an interface name
// here: 1-15 bytes (IFNAMSIZ) of letters, digits, '-', '_' and '.'.
var ifaceName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)

func (v *validator) iface() {
	name, at := v.cfg.Interface, v.at.at("interface")
	switch {
	case strings.Contains(name, "@"):
		v.errorf(at, "Invalid interface name",
			"%q is how `ip link` shows a link with its peer; the name is the part before '@': interface = %q.", name, strings.SplitN(name, "@", 2)[0])
	case !ifaceName.MatchString(name) || name == "." || name == "..":
		v.errorf(at, "Invalid interface name",
			"%q is not an interface name: names are 1-15 characters of letters, digits, '-', '_' and '.', for example \"ens18\" or \"eth0.100\". `ip -br link` lists the host's interfaces.", name)
	}
	if len(v.cfg.Addresses) == 0 {
		v.errorf(v.at.at("interface"), "Missing addresses",
			"The netplan file gives interface %q a static address, and this block has none. Add addresses = [\"192.168.1.50/24\"] (address and prefix length).", name)
	}
}

func (v *validator) renderer() {
	r := v.cfg.Renderer
	for _, ok := range []string{"networkd", "NetworkManager"} {
		if r == ok {
			return
		}
		if strings.EqualFold(r, ok) {
			v.errorf(v.at.at("renderer"), "Unknown netplan renderer", "netplan spells it %q (case matters), not %q.", ok, r)
			return
		}
	}
	v.errorf(v.at.at("renderer"), "Unknown netplan renderer",
		"%q is not a netplan renderer: use \"networkd\" (the default, for servers) or \"NetworkManager\".", r)
}

// netplanDirs are the directories netplan reads configuration from.
var netplanDirs = []string{"/etc/netplan", "/run/netplan", "/lib/netplan"}

func (v *validator) netplanFile() {
	p, at := v.cfg.NetplanFile, v.at.at("netplan_file")
	if !v.hostPath(p, at, "netplan_file") {
		return
	}
	dirOK := false
	for _, d := range netplanDirs {
		dirOK = dirOK || path.Dir(p) == d
	}
	if !dirOK || !strings.HasSuffix(p, ".yaml") || path.Base(p) == ".yaml" {
		v.errorf(at, "netplan would not read this file",
			"netplan reads only NAME.yaml files directly in %s. Use a path like %q.", strings.Join(netplanDirs, ", "), DefaultNetplanFile)
	}
}

func (v *validator) daemonFile() {
	v.hostPath(v.cfg.DockerDaemonFile, v.at.at("docker_daemon_file"), "docker_daemon_file")
}

// hostPath checks that p is an absolute, clean path to a file.
func (v *validator) hostPath(p string, at *hcl.Range, attr string) bool {
	if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
		v.errorf(at, "Invalid file path",
			"%s must be an absolute path to a file, without \"..\", \"//\" or a trailing \"/\"; got %q.", attr, p)
		return false
	}
	return true
}
