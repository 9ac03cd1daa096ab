package firewall

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// verifyConf is the optional nested verify block: what `clawplan verify`
// dials from a short-lived sandbox container. Every attribute is optional.
//
//	verify {
//	  image        = "openclaw-sandbox:custom" # default: the sandbox block's image
//	  internet     = "1.1.1.1:53"              # default: the first dns_servers entry, tcp/53
//	  lan          = ["192.168.1.20:1234"]     # default: each llm_provider on a blocked address
//	  host_ports   = [18789]                   # default: the gateway's port, on the bridge's own address
//	  dial_command = ["/dialer", "check"]      # default: sh with python3, bash or nc (see dialScript)
//	  timeout      = 3                         # seconds per dial
//	}
type verifyConf struct {
	Image       *string  `cty:"image"`
	Internet    *string  `cty:"internet"`
	LAN         []string `cty:"lan"`
	HostPorts   []int    `cty:"host_ports"`
	DialCommand []string `cty:"dial_command"`
	Timeout     *int     `cty:"timeout"`
}

// verifyAttrs are the verify block's attributes, for source ranges.
var verifyAttrs = map[string]cty.Type{
	"image": cty.String, "internet": cty.String, "lan": cty.List(cty.String),
	"host_ports": cty.List(cty.Number), "dial_command": cty.List(cty.String), "timeout": cty.Number,
}

// Dial timeouts, in seconds.
const (
	defaultDialTimeout = 3
	maxDialTimeout     = 30
)

// verifySpec is the schema of the nested verify block.
func verifySpec() hcldec.Spec {
	nested := hcldec.ObjectSpec{}
	for name, t := range verifyAttrs {
		nested[name] = &hcldec.AttrSpec{Name: name, Type: t}
	}
	return &hcldec.BlockSpec{TypeName: "verify", Nested: nested}
}

// checkVerify records where the verify block's attributes are written and
// checks their values statically.
func (r *Firewall) checkVerify(body hcl.Body) hcl.Diagnostics {
	if body != nil {
		for name := range verifyAttrs {
			rg := hcldec.SourceRange(body, &hcldec.BlockSpec{TypeName: "verify", Nested: &hcldec.AttrSpec{Name: name, Type: cty.DynamicPseudoType}})
			if rg.Filename != "" {
				r.ranges["verify."+name] = rg
			}
		}
	}
	v := r.s.Verify
	if v == nil {
		return nil
	}
	c := &checker{rng: r.rng}
	if v.Image != nil && strings.TrimSpace(*v.Image) == "" {
		c.add(hcl.DiagError, "verify.image", "Empty verify image", "verify.image is empty: name the sandbox image (NAME:TAG), or leave it out to use the sandbox block's image.")
	}
	if v.Internet != nil {
		if _, err := parseDialAddr(*v.Internet); err != nil {
			c.add(hcl.DiagError, "verify.internet", "Invalid verify address", "verify.internet: %v.", err)
		}
	}
	for _, s := range v.LAN {
		a, err := parseDialAddr(s)
		if err != nil {
			c.add(hcl.DiagError, "verify.lan", "Invalid verify address", "verify.lan: %v.", err)
			continue
		}
		if !r.blocks(a.Addr()) {
			c.add(hcl.DiagWarning, "verify.lan", "LAN target not blocked", "verify.lan lists %s, which is outside every range this firewall blocks: the check \"sandbox -> LAN %s\" will fail. List an address on the LAN, or block its range (extra_blocked).", a, a)
		}
	}
	r.checkVerifyCommand(c, v)
	return c.diags
}

func (r *Firewall) checkVerifyCommand(c *checker, v *verifyConf) {
	for _, p := range v.HostPorts {
		if p < 1 || p > 65535 {
			c.add(hcl.DiagError, "verify.host_ports", "Invalid port", "verify.host_ports lists %d, outside 1-65535.", p)
		}
	}
	if v.DialCommand != nil && (len(v.DialCommand) == 0 || strings.TrimSpace(v.DialCommand[0]) == "") {
		c.add(hcl.DiagError, "verify.dial_command", "Empty dial command", "verify.dial_command needs a program (argv[0]), such as [\"/dialer\", \"check\"]; leave it out to use the built-in sh script.")
	}
	if v.Timeout != nil && (*v.Timeout < 1 || *v.Timeout > maxDialTimeout) {
		c.add(hcl.DiagError, "verify.timeout", "Invalid dial timeout", "verify.timeout = %d: give the seconds one dial may take, 1 to %d.", *v.Timeout, maxDialTimeout)
	}
}

// parseDialAddr reads HOST:PORT with an IP address (v6 in brackets):
// addresses keep the check about the firewall, not about name lookups.
func parseDialAddr(s string) (netip.AddrPort, error) {
	a, err := netip.ParseAddrPort(strings.TrimSpace(s))
	if err != nil || a.Port() == 0 || a.Addr().Zone() != "" {
		return netip.AddrPort{}, fmt.Errorf("%q is not IP:PORT (such as 192.168.1.20:1234 or [fd00::20]:1234)", s)
	}
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()), nil
}

// blocks reports whether the firewall drops sandbox traffic to a.
func (r *Firewall) blocks(a netip.Addr) bool {
	_, in := contains(append(append([]addrRange(nil), r.d.blocked4...), r.d.blocked6...), a.Unmap())
	return in
}

// dialTimeout is the per-dial timeout in seconds.
func (v *verifyConf) dialTimeout() int {
	if v == nil || v.Timeout == nil {
		return defaultDialTimeout
	}
	return *v.Timeout
}
