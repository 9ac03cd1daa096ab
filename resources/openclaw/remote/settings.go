package remote

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// settings is what the nodes read from one gateway block's Export.
type settings struct {
	User, Bind string
	Prefix     string // install_prefix: where the CLI is, "" for the default
	Port       int
	Scopes     map[string][]string
	TrustedLo  bool
	Tunnel     *tunnelConf
	SSH        *sshConf
}

// tunnelConf is where the secret block delivers the tunnel token.
type tunnelConf struct{ Secret, File string }

type sshConf struct{ Host, User string }

// fromExport reads the gateway's exported object.
func fromExport(v cty.Value) (settings, error) {
	s := settings{User: str(v, "user", "openclaw"), Bind: str(v, "bind", "loopback"), Prefix: str(v, "install_prefix", ""), Port: 18789}
	if v.IsNull() || !v.Type().IsObjectType() {
		return s, fmt.Errorf("the gateway exports no settings")
	}
	if p := get(v, "port"); !p.IsNull() && p.Type() == cty.Number {
		n, _ := p.AsBigFloat().Int(new(big.Int))
		s.Port = int(n.Int64())
	}
	for _, p := range list(get(v, "trusted_proxies")) {
		if p == "127.0.0.1" || p == "127.0.0.1/32" || p == "::1" {
			s.TrustedLo = true
		}
	}
	if m := get(v, "device_scopes"); !m.IsNull() && m.LengthInt() > 0 {
		s.Scopes = map[string][]string{}
		for k, l := range m.AsValueMap() {
			s.Scopes[k] = list(l)
		}
	}
	ra := get(v, "remote_access")
	if ct := get(ra, "cloudflare_tunnel"); !ct.IsNull() {
		tok := get(ct, "token")
		if tok.IsNull() {
			return s, fmt.Errorf("remote_access.cloudflare_tunnel needs token = secret.NAME")
		}
		s.Tunnel = &tunnelConf{Secret: str(tok, "name", ""), File: str(tok, "file", "")}
		if s.Tunnel.File == "" {
			return s, fmt.Errorf("remote_access.cloudflare_tunnel.token: secret %q has no file sink; give it deliver { file = ... } so cloudflared's EnvironmentFile can be written from it", s.Tunnel.Secret)
		}
	}
	if st := get(ra, "ssh_tunnel"); !st.IsNull() {
		s.SSH = &sshConf{Host: str(st, "host", ""), User: str(st, "user", s.User)}
		if s.SSH.Host == "" {
			return s, fmt.Errorf("remote_access.ssh_tunnel needs host = \"ADDRESS\" (the VM's address as the client reaches it)")
		}
	}
	return s, nil
}

func get(v cty.Value, name string) cty.Value {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v.GetAttr(name)
}

func str(v cty.Value, name, def string) string {
	a := get(v, name)
	if a.IsNull() || !a.IsKnown() || a.Type() != cty.String {
		return def
	}
	return a.AsString()
}

func list(v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if !e.IsNull() && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	sort.Strings(out)
	return out
}
