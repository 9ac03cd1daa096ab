package network

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// CrossValidate refuses two network blocks that would fight over one
// thing: the same netplan file, the same interface, or the "dns" key of
// the same daemon.json. The later block reports it, naming the earlier.
// It also notes which files the other blocks manage (see retired).
func (n *Network) CrossValidate(c resources.Catalog) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var others []*Network
	for _, r := range c.OfKind(n.addr.Kind) {
		if o, ok := r.(*Network); ok && o != n {
			others = append(others, o)
		}
	}
	n.noteTaken(others)
	for _, r := range c.OfKind(n.addr.Kind) {
		other, ok := r.(*Network)
		if !ok {
			continue
		}
		if other == n {
			break // only blocks before this one: each pair is reported once
		}
		for _, clash := range n.clashes(other.cfg) {
			rng := c.Range(other.addr)
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Two network blocks manage " + clash.what,
				Detail:  fmt.Sprintf("%s (%s) also manages %s. Give each block its own %s, or merge the two blocks.", other.addr, rng, clash.what, clash.attr),
				Subject: n.at.at(clash.attr)})
		}
	}
	return diags
}

type clash struct{ what, attr string }

// clashes lists what n and a block configured as o would both manage.
func (n *Network) clashes(o Config) []clash {
	var out []clash
	c := n.cfg
	if c.ManagesNetplan() && o.ManagesNetplan() {
		if c.NetplanFile == o.NetplanFile {
			out = append(out, clash{"the netplan file " + c.NetplanFile, "netplan_file"})
		}
		if c.Interface == o.Interface {
			out = append(out, clash{"the interface " + c.Interface, "interface"})
		}
	}
	if c.ManagesDocker() && o.ManagesDocker() && c.DockerDaemonFile == o.DockerDaemonFile {
		out = append(out, clash{"the \"dns\" key of " + c.DockerDaemonFile, "docker_dns"})
	}
	return out
}
