package policy

import (
	"fmt"
	"strings"
)

// gatewayTokenEnv is where OpenClaw's gateway reads its token from the environment.
const gatewayTokenEnv = "OPENCLAW_GATEWAY_TOKEN"

// braveEnv is the only variable OpenClaw reads the Brave Search key from.
const braveEnv = "BRAVE_API_KEY"

// wrongBraveNames are spellings people use that OpenClaw silently ignores.
var wrongBraveNames = []string{"OPENCLAW_WEB_SEARCH_API_KEY", "BRAVE_SEARCH_API_KEY", "BRAVE_KEY", "BRAVE_TOKEN", "BRAVE_API_TOKEN", "WEB_SEARCH_API_KEY", "OPENCLAW_BRAVE_API_KEY"}

var rules = []Rule{
	{ID: "gateway.bind_without_auth", Default: Error, Title: "Gateway reachable beyond loopback without auth", check: bindWithoutAuth},
	{ID: "gateway.no_token", Default: Warn, Title: "Gateway token auth without a token", check: noToken},
	{ID: "gateway.token_config_and_env", Default: Error, Title: "Gateway token both in openclaw.json and in the environment", check: tokenTwice},
	{ID: "channel.open_dm_with_tools", Default: Error, Title: "Open inbound policy on a tool-enabled agent", check: openWithTools},
	{ID: "channel.unsandboxed_sessions", Default: Warn, Title: "Channel sessions run without a sandbox", check: unsandboxed},
	{ID: "channel.external_plugin", Default: Warn, Title: "Channel needs an external plugin from npm", check: externalPlugin},
	{ID: "tools.elevated_enabled", Default: Warn, Title: "Elevated tools enabled", check: elevated},
	{ID: "tools.brave_env_name", Default: Warn, Title: "Brave Search key under a name OpenClaw ignores", check: braveName},
	{ID: "models.small_with_web", Default: Error, Title: "Small model can reach web tools", check: smallWithWeb},
	{ID: "models.cloud_fallback_local_only", Default: Error, Title: "Cloud model where the manifest declares local-only", check: cloudFallback},
}

// tokenDelivered reports whether some secret is delivered as the gateway's env token.
func (c *Config) tokenDelivered() bool {
	for _, s := range c.EnvSecrets {
		if s.Env == gatewayTokenEnv {
			return true
		}
	}
	return false
}

func bindWithoutAuth(c *Config) []Hit {
	g := c.Gateway
	if g == nil || g.BindMode == "loopback" || g.AuthMode == "trusted-proxy" {
		return nil
	}
	if g.AuthMode != "none" && (g.Token != nil || (g.AuthMode == "token" && c.tokenDelivered())) {
		return nil
	}
	return []Hit{{At: g.Bind, Detail: fmt.Sprintf(`bind = %q exposes the gateway beyond loopback, and auth_mode = %q has no secret to check. Set auth_mode = "token" with auth_token = secret.NAME (a secret delivered as %s also works), or keep bind = "loopback" and reach the gateway through an SSH or Cloudflare tunnel.`, g.BindMode, g.AuthMode, gatewayTokenEnv)}}
}

func noToken(c *Config) []Hit {
	g := c.Gateway
	if g == nil || (g.AuthMode != "token" && g.AuthMode != "password") || g.Token != nil || c.tokenDelivered() {
		return nil
	}
	return []Hit{{At: g.TokenAt, Detail: fmt.Sprintf(`auth_mode = %q but no token is configured: the gateway makes a new one at every start (clients break on restart), "openclaw gateway install" writes one in plain text into openclaw.json, and "openclaw security audit" reports gateway.loopback_no_auth as critical. Declare secret "gateway_token" { source { ... } deliver { env = %q } } and set auth_token = secret.gateway_token.`, g.AuthMode, gatewayTokenEnv)}}
}

// tokenTwice is the seed's device_token_mismatch trap: the config names
// one token and the environment carries another, and they drift apart.
func tokenTwice(c *Config) []Hit {
	g := c.Gateway
	if g == nil || g.Token == nil || !c.tokenDelivered() {
		return nil
	}
	if g.Token.Source == "env" && g.Token.ID == gatewayTokenEnv {
		return nil // the SecretRef reads the very variable the environment carries
	}
	return []Hit{{At: g.TokenAt, Detail: fmt.Sprintf(`auth_token points at secret %q (%s), and a secret is also delivered as %s, which overrides it: the two drift apart on rotation and clients fail with device_token_mismatch. Use one token: deliver it as %s and point auth_token at that secret, or stop delivering %s.`, g.Token.Name, g.Token.Source, gatewayTokenEnv, gatewayTokenEnv, gatewayTokenEnv)}}
}

func openWithTools(c *Config) []Hit {
	var out []Hit
	for _, ch := range c.Channels {
		for _, p := range []struct {
			attr, val string
			at        At
		}{{"dm_policy", ch.DMPolicy, ch.DMAt}, {"group_policy", ch.GroupPolicy, ch.GroupAt}} {
			if p.val != "open" {
				continue
			}
			for _, a := range c.serving(ch) {
				if c.hasTools(a) {
					out = append(out, Hit{At: p.at, Detail: fmt.Sprintf(`channel %q has %s = "open", so anyone can message agent %q, which can run commands and edit files: one prompt injection becomes a command on your host. Use "allowlist" with allow_from (or "pairing"); if the channel must stay open, route it to an agent with tools { deny = ["*"] }.`, ch.ID, p.attr, a.ID)})
				}
			}
		}
	}
	return out
}

func unsandboxed(c *Config) []Hit {
	var out []Hit
	for _, ch := range c.Channels {
		for _, a := range c.serving(ch) {
			if c.sandboxMode(a) == "off" {
				out = append(out, Hit{At: ch.At, Detail: fmt.Sprintf(`sessions of channel %q run on agent %q with sandbox mode "off": its tools run on the host with the gateway's rights. Set sandbox "default" { mode = "non-main" } (channel sessions are non-main), or route the channel to an agent with sandbox { mode = "all" }.`, ch.ID, a.ID)})
			}
		}
	}
	return out
}

// externalPlugin replaces the seed's rule "no dmPolicy on Discord or
// Slack": in 2026.9.6 dmPolicy is valid on all four channels (measured with
// `openclaw config validate`; only the legacy dm.policy shape is rejected,
// and clawplan never writes it). What is true now is that WhatsApp,
// Discord and Slack are no longer bundled: OpenClaw installs their plugin
// from npm the first time the config names them.
func externalPlugin(c *Config) []Hit {
	var out []Hit
	for _, ch := range c.Channels {
		switch ch.ID {
		case "whatsapp", "discord", "slack":
			out = append(out, Hit{At: ch.At, Detail: fmt.Sprintf(`OpenClaw no longer bundles %s: on first use it installs @openclaw/%s from npm (unpinned, which the audit flags as plugins.installs_unpinned_npm_specs), and an offline host leaves the channel dead. Preinstall a pinned version for the service user with "openclaw plugins install @openclaw/%s@VERSION".`, ch.ID, ch.ID, ch.ID)})
		}
	}
	return out
}

func elevated(c *Config) []Hit {
	var out []Hit
	if g := c.Gateway; g != nil && g.Elevated {
		out = append(out, Hit{At: g.ElevatedAt, Detail: `tools { elevated = true } lets sandboxed sessions run commands on the host, which undoes the sandbox. Set elevated = false (the default clawplan writes); run trusted work on an agent with sandbox { mode = "off" } instead.`})
	}
	for _, a := range c.Agents {
		if a.Elevated != nil && *a.Elevated {
			out = append(out, Hit{At: a.ElevatedAt, Detail: fmt.Sprintf(`agent %q enables elevated tools, so its sandboxed sessions can run commands on the host. Remove elevated = true; if the agent needs the host, give it sandbox { mode = "off" } and keep it off channels.`, a.ID)})
		}
	}
	return out
}

func braveName(c *Config) []Hit {
	var out []Hit
	for _, s := range c.EnvSecrets {
		for _, wrong := range wrongBraveNames {
			used := c.Gateway != nil && c.Gateway.BraveKey != nil && c.Gateway.BraveKey.Name == s.Name
			if s.Env == wrong && !used {
				out = append(out, Hit{At: s.At, Detail: fmt.Sprintf(`secret %q is delivered as %s, which OpenClaw silently ignores: web search breaks without an error. OpenClaw reads the Brave Search key only from %s; deliver { env = %q }.`, s.Name, wrong, braveEnv, braveEnv)})
			}
		}
	}
	return out
}

func smallWithWeb(c *Config) []Hit {
	var out []Hit
	for _, a := range c.Agents {
		for _, ref := range append([]string{a.Primary}, a.Fallbacks...) {
			size, ok := paramB(ref)
			if ref == "" || !ok || size > smallModelMaxB {
				continue
			}
			if web := c.webTools(a); len(web) > 0 {
				out = append(out, Hit{At: a.ModelAt, Detail: fmt.Sprintf(`agent %q uses %s (%gB parameters, at most %dB counts as small) and can reach %s: small models follow injected instructions from web pages (OpenClaw's audit: models.small_params, critical). Add "group:web" and "browser" to the gateway's tools { deny = [...] } or to this agent's tools deny, or give the agent sandbox { mode = "all" }.`, a.ID, ref, size, smallModelMaxB, strings.Join(web, ", "))})
				break
			}
		}
	}
	return out
}

func cloudFallback(c *Config) []Hit {
	local, localOnly := map[string]bool{}, map[string]bool{}
	var out []Hit
	for _, p := range c.Providers {
		local[p.ID] = isLocalURL(p.BaseURL)
		localOnly[p.ID] = p.LocalOnly
		if p.LocalOnly && !local[p.ID] {
			out = append(out, Hit{At: p.At, Detail: fmt.Sprintf(`provider %q declares privacy = "local-only" but base_url %s is neither this host nor a private network. Point base_url at the local server, or drop the privacy declaration.`, p.ID, p.BaseURL)})
		}
	}
	for _, a := range c.Agents {
		strict := a.LocalOnly || localOnly[providerOf(a.Primary)]
		if !strict {
			continue
		}
		if a.LocalOnly && a.Primary != "" && !local[providerOf(a.Primary)] {
			out = append(out, Hit{At: a.ModelAt, Detail: fmt.Sprintf(`agent %q declares privacy = "local-only" but its model %s is not served by a declared local llm_provider. Use a model of a local provider.`, a.ID, a.Primary)})
		}
		for _, f := range a.Fallbacks {
			if !local[providerOf(f)] {
				out = append(out, Hit{At: a.FallbacksAt, Detail: fmt.Sprintf(`agent %q must stay local (privacy = "local-only"), but fallback %s is not served by a declared local llm_provider: when the local server is down, prompts and files go to that provider. Remove it from fallbacks, or declare its provider with a local base_url.`, a.ID, f)})
			}
		}
	}
	return out
}
