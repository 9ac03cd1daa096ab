package firewall

import (
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// The seed's defaults (section 8), plus carrier-grade NAT (Tailscale) and
// IPv6 unique-local and link-local ranges the seed missed.
var (
	defaultTable       = "oc_sandbox"
	defaultInterface   = "docker0"
	defaultDNS         = []string{"1.1.1.1", "8.8.8.8"}
	defaultPrivateIPv4 = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"}
	defaultPrivateIPv6 = []string{"fc00::/7", "fe80::/10"}
	defaultConf        = "/etc/nftables.conf"
)

// allowType is one entry of allow_host: what sandboxes may reach on the
// host itself. protocol is optional and defaults to "tcp".
var allowType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"protocol": cty.String,
	"port":     cty.Number,
}, []string{"protocol"})

// attrs lists the block's attributes in the order they are documented.
var attrs = []string{"table", "interface", "dns_servers", "private_ipv4", "private_ipv6",
	"extra_blocked", "allow_host", "persist", "persist_file", "nftables_conf", "adopt"}

// spec is the body schema of a firewall block.
func spec() hcldec.Spec {
	return hcldec.ObjectSpec{
		"table":         withDefault("table", cty.String, cty.StringVal(defaultTable)),
		"interface":     withDefault("interface", cty.String, cty.StringVal(defaultInterface)),
		"dns_servers":   withDefault("dns_servers", cty.List(cty.String), stringList(defaultDNS)),
		"private_ipv4":  withDefault("private_ipv4", cty.List(cty.String), stringList(defaultPrivateIPv4)),
		"private_ipv6":  withDefault("private_ipv6", cty.List(cty.String), stringList(defaultPrivateIPv6)),
		"extra_blocked": withDefault("extra_blocked", cty.List(cty.String), cty.ListValEmpty(cty.String)),
		"allow_host":    withDefault("allow_host", cty.List(allowType), cty.ListValEmpty(allowType.WithoutOptionalAttributesDeep())),
		"persist":       withDefault("persist", cty.Bool, cty.True),
		"persist_file":  &hcldec.AttrSpec{Name: "persist_file", Type: cty.String},
		"nftables_conf": withDefault("nftables_conf", cty.String, cty.StringVal(defaultConf)),
		"adopt":         withDefault("adopt", cty.Bool, cty.False),
		"verify":        verifySpec(),
	}
}

func withDefault(name string, t cty.Type, def cty.Value) hcldec.Spec {
	return &hcldec.DefaultSpec{
		Primary: &hcldec.AttrSpec{Name: name, Type: t},
		Default: &hcldec.LiteralSpec{Value: def},
	}
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

// defaultPersistFile is where the table is persisted when persist_file is unset.
func defaultPersistFile(table string) string {
	return "/etc/nftables.d/clawplan-" + table + ".nft"
}
