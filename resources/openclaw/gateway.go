package openclaw

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/openclaw/policy"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// gatewayKind is the `gateway` block: the gateway's own settings in
// openclaw.json (gateway.*, discovery, logging, update, the global tool
// policy). The service side (install, systemd unit) builds on the same
// block and reads it through Export.
type gatewayKind struct{ kindBase }

func (gatewayKind) Name() string { return "gateway" }

func (gatewayKind) Spec() hcldec.Spec { return gatewaySpec.spec() }

var gatewaySpec = attrs{
	"user":             attr(cty.String),
	"mode":             attr(cty.String),
	"port":             attr(cty.Number),
	"bind":             attr(cty.String),
	"custom_bind_host": attr(cty.String),
	"auth_mode":        attr(cty.String),
	"auth_token":       attr(resources.SecretRefType),
	"trusted_proxies":  attr(cty.List(cty.String)),
	"mdns":             attr(cty.String),
	"redact_patterns":  attr(cty.List(cty.String)),
	"openclaw_version": attr(cty.String),
	"update_check":     attr(cty.Bool),
	"catalog_refresh":  attr(cty.Bool),
	"security_policy":  attr(cty.Map(cty.String)),
	// For the service side (gateway_service): where to install OpenClaw
	// and which Node.js package to install beside it.
	"install_prefix": attr(cty.String),
	"node":           attr(cty.String),
	// Scopes of named paired devices (deviceId or display name -> scopes)
	// and the remote access blocks: applied by resources/openclaw/remote.
	"device_scopes": attr(cty.Map(cty.List(cty.String))),
	"remote_access": block(attrs{
		"cloudflare_tunnel": block(attrs{"token": attr(resources.SecretRefType)}),
		"ssh_tunnel":        block(attrs{"host": attr(cty.String), "user": attr(cty.String)}),
	}),
	"control_ui": block(attrs{
		"enabled":         attr(cty.Bool),
		"allowed_origins": attr(cty.List(cty.String)),
		"base_path":       attr(cty.String),
	}),
	"tools": block(attrs{
		"profile":   attr(cty.String),
		"elevated":  attr(cty.Bool),
		"deny":      attr(cty.List(cty.String)),
		"allow":     attr(cty.List(cty.String)),
		"web_fetch": attr(cty.Bool),
		// Which sessions the session tools reach: self | tree | agent | all.
		"sessions_visibility": attr(cty.String),
		"web_search": block(attrs{
			"enabled":     attr(cty.Bool),
			"max_results": attr(cty.Number),
			"provider":    attr(cty.String),
			"api_key":     attr(resources.SecretRefType),
		}),
	}),
}

type gatewayConf struct {
	User            *string           `cty:"user"`
	Mode            *string           `cty:"mode"`
	Port            *int              `cty:"port"`
	Bind            *string           `cty:"bind"`
	CustomBindHost  *string           `cty:"custom_bind_host"`
	AuthMode        *string           `cty:"auth_mode"`
	AuthToken       cty.Value         `cty:"auth_token"`
	TrustedProxies  []string          `cty:"trusted_proxies"`
	MDNS            *string           `cty:"mdns"`
	RedactPatterns  []string          `cty:"redact_patterns"`
	OpenClawVersion *string           `cty:"openclaw_version"`
	UpdateCheck     *bool             `cty:"update_check"`
	CatalogRefresh  *bool             `cty:"catalog_refresh"`
	SecurityPolicy  map[string]string `cty:"security_policy"`
	InstallPrefix   *string           `cty:"install_prefix"`
	Node            *string           `cty:"node"`
	DeviceScopes    cty.Value         `cty:"device_scopes"`
	RemoteAccess    cty.Value         `cty:"remote_access"`
	ControlUI       *struct {
		Enabled        *bool    `cty:"enabled"`
		AllowedOrigins []string `cty:"allowed_origins"`
		BasePath       *string  `cty:"base_path"`
	} `cty:"control_ui"`
	Tools *gatewayTools `cty:"tools"`
}

type gatewayTools struct {
	Profile   *string  `cty:"profile"`
	Elevated  *bool    `cty:"elevated"`
	Deny      []string `cty:"deny"`
	Allow     []string `cty:"allow"`
	WebFetch  *bool    `cty:"web_fetch"`
	Sessions  *string  `cty:"sessions_visibility"`
	WebSearch *struct {
		Enabled    *bool     `cty:"enabled"`
		MaxResults *int      `cty:"max_results"`
		Provider   *string   `cty:"provider"`
		APIKey     cty.Value `cty:"api_key"`
	} `cty:"web_search"`
}

// gateway is one decoded gateway block.
type gateway struct {
	base
	conf     gatewayConf
	val      cty.Value
	token    *secretRef
	braveKey *secretRef
	levels   map[string]policy.Level
}

var (
	_ resources.Exporter       = (*gateway)(nil)
	_ resources.CrossValidator = (*gateway)(nil)
)

var versionPattern = regexp.MustCompile(`^\d{4}\.\d{1,2}\.\d{1,2}(-[0-9A-Za-z.]+)?$`)

func (gatewayKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	g := &gateway{val: val}
	diags := decodeInto(addr, body, val, &g.conf)
	if diags.HasErrors() {
		return nil, diags
	}
	var d hcl.Diagnostics
	g.token, d = decodeSecretRef(g.conf.AuthToken, body, "auth_token")
	diags = append(diags, d...)
	if t := g.conf.Tools; t != nil && t.WebSearch != nil {
		g.braveKey, d = decodeSecretRef(t.WebSearch.APIKey, body, "tools", "web_search", "api_key")
		diags = append(diags, d...)
	}
	diags = append(diags, g.check(body)...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, g.init(addr, body, g.claimList(body))...)
	g.base.user = g.user()
	return g, diags
}

func (g *gateway) user() string { return str(g.conf.User, defaultUser) }

func (g *gateway) version() string { return str(g.conf.OpenClawVersion, pinned()) }

// check holds the static rules OpenClaw's own validation would apply.
func (g *gateway) check(body hcl.Body) hcl.Diagnostics {
	c := g.conf
	diags := oneOf(body, str(c.Mode, ""), []string{"local", "remote"}, "mode")
	diags = append(diags, oneOf(body, str(c.Bind, ""), []string{"loopback", "lan", "custom", "tailnet", "auto"}, "bind")...)
	diags = append(diags, oneOf(body, str(c.AuthMode, ""), []string{"none", "token", "password", "trusted-proxy"}, "auth_mode")...)
	diags = append(diags, oneOf(body, str(c.MDNS, ""), []string{"off", "minimal", "full"}, "mdns")...)
	if c.Tools != nil {
		diags = append(diags, oneOf(body, str(c.Tools.Profile, ""), []string{"minimal", "coding", "messaging", "full"}, "tools", "profile")...)
		diags = append(diags, oneOf(body, str(c.Tools.Sessions, ""), []string{"self", "tree", "agent", "all"}, "tools", "sessions_visibility")...)
	}
	if c.Port != nil && (*c.Port < 1 || *c.Port > 65535) {
		diags = append(diags, errAt(body, "Invalid port", fmt.Sprintf("port = %d: OpenClaw takes 1-65535 (default 18789).", *c.Port), "port"))
	}
	if (str(c.Bind, "") == "custom") != (c.CustomBindHost != nil) {
		diags = append(diags, errAt(body, "custom_bind_host goes with bind = \"custom\"", "Set both bind = \"custom\" and custom_bind_host = \"ADDRESS\", or neither: OpenClaw 2026.9.6 no longer takes addresses in bind.", "custom_bind_host"))
	}
	if v := g.version(); !versionPattern.MatchString(v) {
		diags = append(diags, errAt(body, "Invalid OpenClaw version", fmt.Sprintf("openclaw_version = %q: want a release such as %q.", v, pinned()), "openclaw_version"))
	}
	if p := str(c.InstallPrefix, "/"); !strings.HasPrefix(p, "/") {
		diags = append(diags, errAt(body, "Relative install_prefix", fmt.Sprintf("install_prefix = %q must be an absolute path.", p), "install_prefix"))
	}
	if str(c.AuthMode, "token") == "none" && g.token != nil {
		diags = append(diags, errAt(body, "auth_token without auth", "auth_mode = \"none\" ignores auth_token; use auth_mode = \"token\".", "auth_token"))
	}
	levels, d := policy.ParseLevels(c.SecurityPolicy)
	g.levels = levels
	for _, e := range d {
		diags = append(diags, errAt(body, "Invalid security_policy", e, "security_policy"))
	}
	return diags
}

func errAt(body hcl.Body, summary, detail string, path ...string) *hcl.Diagnostic {
	r := rangeOf(body, path...)
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r}
}
