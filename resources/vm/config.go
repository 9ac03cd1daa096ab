package vm

import (
	"math/big"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// The defaults of the optional attributes.
const (
	DefaultOS          = "ubuntu-24.04"
	DefaultServiceUser = "openclaw"
	DefaultBridge      = "vmbr0"
	DefaultShell       = "/bin/bash"
	// AnyOS turns the OS check off.
	AnyOS = "any"
)

// DefaultGroups are the service user's supplementary groups: docker, so
// the gateway can start sandbox containers.
var DefaultGroups = []string{"docker"}

// DefaultCPUFlags are the flags CPU type host shows and QEMU's default
// CPU types lack.
var DefaultCPUFlags = []string{"avx", "avx2"}

// Config is a decoded vm block with its defaults filled in.
type Config struct {
	OS             string
	VMID           string // "" when unset; the commands then say VMID
	Bridge         string
	Strict         bool
	HardwareChecks bool
	CPUFlags       []string
	Packages       []string // added to SeedPackages
	ServiceUser    string
	Groups         []string
	Linger         bool
	Homebrew       bool
}

// attrTypes is the block's schema; every attribute is optional.
var attrTypes = map[string]cty.Type{
	"os":              cty.String,
	"vmid":            cty.Number,
	"bridge":          cty.String,
	"strict":          cty.Bool,
	"hardware_checks": cty.Bool,
	"cpu_flags":       cty.List(cty.String),
	"packages":        cty.List(cty.String),
	"service_user":    cty.String,
	"groups":          cty.List(cty.String),
	"linger":          cty.Bool,
	"homebrew":        cty.Bool,
}

// ExportType is the type of the value other blocks see as vm.NAME.
var ExportType = cty.Object(map[string]cty.Type{
	"os":           cty.String,
	"service_user": cty.String,
	"home":         cty.String,
	"groups":       cty.List(cty.String),
	"packages":     cty.List(cty.String),
	"linger":       cty.Bool,
	"homebrew":     cty.Bool,
})

func spec() hcldec.Spec {
	s := hcldec.ObjectSpec{}
	for name, t := range attrTypes {
		s[name] = &hcldec.AttrSpec{Name: name, Type: t}
	}
	return s
}

// decodeConfig reads a decoded, known, unmarked body into a Config with
// defaults.
func decodeConfig(val cty.Value) Config {
	c := Config{
		OS: str(val, "os", DefaultOS), Bridge: str(val, "bridge", DefaultBridge),
		ServiceUser: str(val, "service_user", DefaultServiceUser),
		Strict:      boolean(val, "strict", false), HardwareChecks: boolean(val, "hardware_checks", true),
		Linger: boolean(val, "linger", true), Homebrew: boolean(val, "homebrew", false),
		CPUFlags: list(val, "cpu_flags", DefaultCPUFlags), Packages: list(val, "packages", nil),
		Groups: list(val, "groups", DefaultGroups),
	}
	if v := val.GetAttr("vmid"); !v.IsNull() {
		c.VMID = v.AsBigFloat().Text('f', -1)
	}
	return c
}

// AllPackages returns every package the block installs: the seed's list,
// then the block's own, without duplicates.
func (c Config) AllPackages() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range append(append([]string{}, SeedPackages...), c.Packages...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Home is the service user's home directory.
func (c Config) Home() string { return "/home/" + c.ServiceUser }

// serviceUser is the account the block wants for the gateway.
func (c Config) serviceUser() userSpec {
	groups := append([]string{}, c.Groups...)
	if c.Homebrew && !contains(groups, brewUser) {
		groups = append(groups, brewUser)
	}
	return userSpec{Name: c.ServiceUser, Home: c.Home(), Shell: DefaultShell, Groups: groups}
}

// value is what other blocks see as vm.NAME.
func (c Config) value() cty.Value {
	strs := func(l []string) cty.Value {
		if len(l) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		vals := make([]cty.Value, len(l))
		for i, s := range l {
			vals[i] = cty.StringVal(s)
		}
		return cty.ListVal(vals)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"os": cty.StringVal(c.OS), "service_user": cty.StringVal(c.ServiceUser), "home": cty.StringVal(c.Home()),
		"groups": strs(c.serviceUser().Groups), "packages": strs(c.AllPackages()),
		"linger": cty.BoolVal(c.Linger), "homebrew": cty.BoolVal(c.Homebrew),
	})
}

func str(val cty.Value, name, def string) string {
	if v := val.GetAttr(name); !v.IsNull() {
		return v.AsString()
	}
	return def
}

func boolean(val cty.Value, name string, def bool) bool {
	if v := val.GetAttr(name); !v.IsNull() {
		return v.True()
	}
	return def
}

// list returns a list attribute's strings (null elements dropped: Validate
// reports them), or def when the attribute is unset.
func list(val cty.Value, name string, def []string) []string {
	v := val.GetAttr(name)
	if v.IsNull() {
		return append([]string(nil), def...)
	}
	out := []string{}
	for _, e := range v.AsValueSlice() {
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

// isInteger reports whether a number attribute holds a whole number.
func isInteger(v cty.Value) bool {
	_, acc := v.AsBigFloat().Int(new(big.Int))
	return acc == big.Exact
}
