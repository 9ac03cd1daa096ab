package policy

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// toolGroups are OpenClaw's tool groups (2026.9.6) that the rules look at.
var toolGroups = map[string][]string{
	"group:web":     {"web_search", "x_search", "web_fetch"},
	"group:ui":      {"browser", "screen", "terminal", "canvas"},
	"group:runtime": {"exec", "process", "code_execution"},
	"group:fs":      {"read", "write", "edit", "apply_patch"},
}

// names reports whether a tool list names tool, by name, group or "*".
func names(list []string, tool string) bool {
	for _, n := range list {
		if n == "*" || n == tool {
			return true
		}
		for _, t := range toolGroups[n] {
			if t == tool {
				return true
			}
		}
	}
	return false
}

// agentByID returns the declared agent, or a bare one for the implied defaults.
func (c *Config) agentByID(id string) Agent {
	for _, a := range c.Agents {
		if a.ID == id {
			return a
		}
	}
	return Agent{ID: id}
}

// sandboxMode is the agent's effective sandbox mode: its own override,
// then agents.defaults (agent "defaults" or sandbox "default"), then
// OpenClaw's default, off.
func (c *Config) sandboxMode(a Agent) string {
	if a.SandboxMode != "" {
		return a.SandboxMode
	}
	if d := c.agentByID("defaults"); d.SandboxMode != "" {
		return d.SandboxMode
	}
	if c.Sandbox != nil && c.Sandbox.Mode != "" {
		return c.Sandbox.Mode
	}
	return "off"
}

// allowed reports whether agent a may call tool under the global and the
// agent's own tool policy.
func (c *Config) allowed(a Agent, tool string) bool {
	var deny, allow [][]string
	profile := a.Profile
	if g := c.Gateway; g != nil {
		deny, allow = append(deny, g.Deny), append(allow, g.Allow)
		if profile == "" {
			profile = g.Profile
		}
	}
	deny, allow = append(deny, a.Deny), append(allow, a.Allow)
	for _, d := range deny {
		if names(d, tool) {
			return false
		}
	}
	for _, al := range allow {
		if len(al) > 0 && !names(al, tool) {
			return false
		}
	}
	return profile != "minimal" && (profile != "messaging" || tool == "message")
}

// hasTools reports whether an agent can run commands or touch files.
func (c *Config) hasTools(a Agent) bool {
	for _, t := range []string{"exec", "process", "write", "edit", "apply_patch", "read"} {
		if c.allowed(a, t) {
			return true
		}
	}
	return false
}

// webTools lists the web tools an agent can reach, as OpenClaw's audit
// counts them: enabled, allowed by policy, and not hidden by sandbox "all".
func (c *Config) webTools(a Agent) []string {
	if c.sandboxMode(a) == "all" {
		return nil
	}
	search, fetch := false, true
	if g := c.Gateway; g != nil {
		search, fetch = g.WebSearch, g.WebFetch
	}
	var out []string
	for tool, on := range map[string]bool{"web_search": search, "web_fetch": fetch, "browser": true} {
		if on && c.allowed(a, tool) {
			out = append(out, tool)
		}
	}
	sortStrings(out)
	return out
}

// serving returns the agents a channel's sessions run on: those that bind
// it, else agents.defaults.
func (c *Config) serving(ch Channel) []Agent {
	var out []Agent
	for _, a := range c.Agents {
		for _, id := range a.Channels {
			if id == ch.ID {
				out = append(out, a)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, c.agentByID("defaults"))
	}
	return out
}

// paramB infers a model's size in billions of parameters from its id, as
// OpenClaw's audit does (src/shared/model-param-b.ts): the largest
// "<number>b" token. ok is false when the id names no size.
func paramB(id string) (float64, bool) {
	s := strings.ToLower(id)
	best, ok := 0.0, false
	for _, m := range sizeToken.FindAllStringSubmatchIndex(s, -1) {
		if end := m[1]; end < len(s) && isAlnum(s[end]) {
			continue
		}
		v, err := strconv.ParseFloat(s[m[2]:m[3]], 64)
		if err == nil && v > 0 && v > best {
			best, ok = v, true
		}
	}
	return best, ok
}

var sizeToken = regexp.MustCompile(`(?:^|[^a-z0-9])[a-z]?(\d+(?:\.\d+)?)b`)

func isAlnum(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') }

// smallModelMaxB is OpenClaw's SMALL_MODEL_PARAM_B_MAX.
const smallModelMaxB = 300

// isLocalURL reports whether a base URL points at this host or a private
// network: loopback, RFC 1918, link-local, CGNAT, ULA, localhost, *.local.
func isLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".lan") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	_, cgnat, _ := net.ParseCIDR("100.64.0.0/10")
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || cgnat.Contains(ip)
}

// providerOf returns the provider id of a "provider/model" reference.
func providerOf(ref string) string {
	p, _, _ := strings.Cut(ref, "/")
	return p
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
