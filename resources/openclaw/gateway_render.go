package openclaw

import (
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Secure defaults the gateway block writes even when the manifest is
// silent: the seed's intent, and what 2026.9.6 needs to start offline.
const (
	defaultPort = 18789
	braveEnv    = "BRAVE_API_KEY"
)

func (g *gateway) claimList(body hcl.Body) []claim {
	c := &claimer{body: body}
	conf := g.conf
	c.set(keys("gateway", "mode"), str(conf.Mode, "local"), "mode")
	c.set(keys("gateway", "port"), intOr(conf.Port, defaultPort), "port")
	c.set(keys("gateway", "bind"), str(conf.Bind, "loopback"), "bind")
	optString(c, keys("gateway", "customBindHost"), conf.CustomBindHost, "custom_bind_host")
	mode := str(conf.AuthMode, "token")
	c.set(keys("gateway", "auth", "mode"), mode, "auth_mode")
	if mode == "password" {
		c.secret([]string{"gateway", "auth", "password"}, g.token, "auth_token")
	} else {
		c.secret([]string{"gateway", "auth", "token"}, g.token, "auth_token")
	}
	if ui := conf.ControlUI; ui != nil {
		optBool(c, keys("gateway", "controlUi", "enabled"), ui.Enabled, "control_ui", "enabled")
		optString(c, keys("gateway", "controlUi", "basePath"), ui.BasePath, "control_ui", "base_path")
		optList(c, keys("gateway", "controlUi", "allowedOrigins"), ui.AllowedOrigins, "control_ui", "allowed_origins")
	}
	optList(c, keys("gateway", "trustedProxies"), conf.TrustedProxies, "trusted_proxies")
	c.set(keys("discovery", "mdns", "mode"), str(conf.MDNS, "off"), "mdns")
	optList(c, keys("logging", "redactPatterns"), conf.RedactPatterns, "redact_patterns")
	c.set(keys("update", "checkOnStart"), boolOr(conf.UpdateCheck, false), "update_check")
	c.set(keys("models", "catalogRefresh", "enabled"), boolOr(conf.CatalogRefresh, false), "catalog_refresh")
	g.toolClaims(c)
	return c.out
}

func (g *gateway) toolClaims(c *claimer) {
	t := g.conf.Tools
	if t == nil {
		t = &gatewayTools{}
	}
	c.set(keys("tools", "elevated", "enabled"), boolOr(t.Elevated, false), "tools", "elevated")
	optString(c, keys("tools", "profile"), t.Profile, "tools", "profile")
	optList(c, keys("tools", "deny"), t.Deny, "tools", "deny")
	optList(c, keys("tools", "allow"), t.Allow, "tools", "allow")
	optBool(c, keys("tools", "web", "fetch", "enabled"), t.WebFetch, "tools", "web_fetch")
	optString(c, keys("tools", "sessions", "visibility"), t.Sessions, "tools", "sessions_visibility")
	ws := t.WebSearch
	if ws == nil {
		return
	}
	optBool(c, keys("tools", "web", "search", "enabled"), ws.Enabled, "tools", "web_search", "enabled")
	optInt(c, keys("tools", "web", "search", "maxResults"), ws.MaxResults, "tools", "web_search", "max_results")
	optString(c, keys("tools", "web", "search", "provider"), ws.Provider, "tools", "web_search", "provider")
	// OpenClaw reads BRAVE_API_KEY from the gateway's environment by itself;
	// a key delivered any other way goes in the Brave plugin's config (the
	// old tools.web.search.apiKey is rejected by 2026.9.6).
	if k := g.braveKey; k != nil && k.envName() != braveEnv {
		c.secret([]string{"plugins", "entries", "brave", "config", "webSearch", "apiKey"}, k, "tools", "web_search", "api_key")
	}
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// Export is the decoded block with its defaults filled in, so the service
// side and other blocks read the values the config actually gets.
func (g *gateway) Export() cty.Value {
	m := g.val.AsValueMap()
	if m == nil {
		m = map[string]cty.Value{}
	}
	def := map[string]cty.Value{
		"user": cty.StringVal(g.user()), "mode": cty.StringVal("local"), "port": cty.NumberIntVal(defaultPort),
		"bind": cty.StringVal("loopback"), "auth_mode": cty.StringVal("token"), "mdns": cty.StringVal("off"),
		"openclaw_version": cty.StringVal(g.version()), "update_check": cty.False, "catalog_refresh": cty.False,
	}
	for k, v := range def {
		if cur, ok := m[k]; !ok || cur.IsNull() {
			m[k] = v
		}
	}
	return cty.ObjectVal(m)
}

// CrossValidate runs the security rules that concern this block.
func (g *gateway) CrossValidate(c resources.Catalog) hcl.Diagnostics {
	return policyFor(c, g.addr)
}
