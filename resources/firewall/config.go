package firewall

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// hostAllow is one allow_host entry: sandboxes may open this port on the
// host itself (the input chain); everything else to the host is dropped.
type hostAllow struct {
	Protocol *string `cty:"protocol"`
	Port     int     `cty:"port"`
}

// settings is the decoded block, as written.
type settings struct {
	Table        string      `cty:"table"`
	Interface    string      `cty:"interface"`
	DNSServers   []string    `cty:"dns_servers"`
	PrivateIPv4  []string    `cty:"private_ipv4"`
	PrivateIPv6  []string    `cty:"private_ipv6"`
	ExtraBlocked []string    `cty:"extra_blocked"`
	AllowHost    []hostAllow `cty:"allow_host"`
	Persist      bool        `cty:"persist"`
	PersistFile  *string     `cty:"persist_file"`
	NftablesConf string      `cty:"nftables_conf"`
	Adopt        bool        `cty:"adopt"`
	Verify       *verifyConf `cty:"verify"`
}

// decodeSettings reads the decoded object and fills the defaults that
// depend on other attributes.
func decodeSettings(val cty.Value, rng func(string) hcl.Range) (settings, hcl.Diagnostics) {
	var s settings
	if err := gocty.FromCtyValue(val, &s); err != nil {
		return s, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid firewall block",
			Detail:  "The block could not be read: " + err.Error() + ". Check the attribute types (lists of strings; allow_host entries {protocol, port} with a whole port number).",
			Subject: ptr(rng("allow_host"))}}
	}
	if s.PersistFile == nil {
		p := defaultPersistFile(s.Table)
		s.PersistFile = &p
	}
	for i := range s.AllowHost {
		if s.AllowHost[i].Protocol == nil {
			tcp := "tcp"
			s.AllowHost[i].Protocol = &tcp
		}
	}
	return s, nil
}

// export is the block as other blocks see it (firewall.NAME): every
// attribute with its default filled in, plus the family.
func (s settings) export() cty.Value {
	allows := make([]cty.Value, len(s.AllowHost))
	for i, a := range s.AllowHost {
		allows[i] = cty.ObjectVal(map[string]cty.Value{
			"protocol": cty.StringVal(*a.Protocol),
			"port":     cty.NumberIntVal(int64(a.Port)),
		})
	}
	allowList := cty.ListValEmpty(allowType.WithoutOptionalAttributesDeep())
	if len(allows) > 0 {
		allowList = cty.ListVal(allows)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"table":         cty.StringVal(s.Table),
		"family":        cty.StringVal("inet"),
		"interface":     cty.StringVal(s.Interface),
		"dns_servers":   stringList(s.DNSServers),
		"private_ipv4":  stringList(s.PrivateIPv4),
		"private_ipv6":  stringList(s.PrivateIPv6),
		"extra_blocked": stringList(s.ExtraBlocked),
		"allow_host":    allowList,
		"persist":       cty.BoolVal(s.Persist),
		"persist_file":  cty.StringVal(*s.PersistFile),
		"nftables_conf": cty.StringVal(s.NftablesConf),
		"adopt":         cty.BoolVal(s.Adopt),
	})
}

// attrRanges records where each attribute is written (or, when it is not,
// where it could be added), for diagnostics.
func attrRanges(body hcl.Body) map[string]hcl.Range {
	out := map[string]hcl.Range{}
	if body == nil {
		return out
	}
	for _, name := range attrs {
		out[name] = hcldec.SourceRange(body, &hcldec.AttrSpec{Name: name, Type: cty.DynamicPseudoType})
	}
	out[""] = body.MissingItemRange()
	return out
}

func ptr[T any](v T) *T { return &v }
