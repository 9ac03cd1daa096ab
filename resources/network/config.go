package network

import (
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// The defaults of the optional attributes.
const (
	DefaultRenderer         = "networkd"
	DefaultNetplanFile      = "/etc/netplan/01-netcfg.yaml"
	DefaultDockerDaemonFile = "/etc/docker/daemon.json"
)

// Config is a decoded network block with its defaults filled in. A list
// left out of the block is empty; Interface and Gateway are "" when unset.
type Config struct {
	Interface        string   `cty:"interface"`
	Addresses        []string `cty:"addresses"`
	Gateway          string   `cty:"gateway"`
	Nameservers      []string `cty:"nameservers"`
	Renderer         string   `cty:"renderer"`
	NetplanFile      string   `cty:"netplan_file"`
	DockerDNS        []string `cty:"docker_dns"`
	DockerDaemonFile string   `cty:"docker_daemon_file"`
}

// attrTypes is the block's schema: every attribute is optional, and the
// value other blocks see (network.NAME) has exactly these attributes.
var attrTypes = map[string]cty.Type{
	"interface":          cty.String,
	"addresses":          cty.List(cty.String),
	"gateway":            cty.String,
	"nameservers":        cty.List(cty.String),
	"renderer":           cty.String,
	"netplan_file":       cty.String,
	"docker_dns":         cty.List(cty.String),
	"docker_daemon_file": cty.String,
}

// netplanSettings are the attributes that configure netplan for the
// interface the block names.
var netplanSettings = []string{"addresses", "gateway", "nameservers", "renderer", "netplan_file"}

// ObjectType is the type of the value other blocks see as network.NAME.
var ObjectType = cty.Object(attrTypes)

// spec is the hcldec schema of a network block body.
func spec() hcldec.Spec {
	s := hcldec.ObjectSpec{}
	for name, t := range attrTypes {
		s[name] = &hcldec.AttrSpec{Name: name, Type: t}
	}
	return s
}

// ManagesNetplan reports whether the block writes a netplan file.
func (c Config) ManagesNetplan() bool { return c.Interface != "" }

// ManagesDocker reports whether the block owns daemon.json's "dns" key.
func (c Config) ManagesDocker() bool { return len(c.DockerDNS) > 0 }

// withDefaults fills in the defaults of attributes the block left out.
func (c Config) withDefaults() Config {
	if c.Renderer == "" {
		c.Renderer = DefaultRenderer
	}
	if c.NetplanFile == "" {
		c.NetplanFile = DefaultNetplanFile
	}
	if c.DockerDaemonFile == "" {
		c.DockerDaemonFile = DefaultDockerDaemonFile
	}
	return c
}

// value is c as a cty object of ObjectType: unset strings are null, unset
// lists are empty, so `length(network.lan.docker_dns)` always works.
func (c Config) value() cty.Value {
	str := func(s string) cty.Value {
		if s == "" {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(s)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"interface":          str(c.Interface),
		"addresses":          stringList(c.Addresses),
		"gateway":            str(c.Gateway),
		"nameservers":        stringList(c.Nameservers),
		"renderer":           str(c.Renderer),
		"netplan_file":       str(c.NetplanFile),
		"docker_dns":         stringList(c.DockerDNS),
		"docker_daemon_file": str(c.DockerDaemonFile),
	})
}

func stringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
