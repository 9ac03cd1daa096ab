package openclaw

import (
	"path"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/resources/secret"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// gateway imports the gateway block (gateway.*, discovery, logging,
// update, the global tool policy), named as clawplan's records name it.
func (im *importer) gateway() {
	r := im.r
	b := im.add("gateway", im.gatewayName())
	g := b.body
	if im.user != defaultUser {
		g.set("user", cty.StringVal(im.user))
	}
	g.set("mode", r.str("gateway", "mode"))
	g.set("port", r.integer("gateway", "port"))
	g.set("bind", r.str("gateway", "bind"))
	g.set("custom_bind_host", r.str("gateway", "customBindHost"))
	g.set("auth_mode", r.str("gateway", "auth", "mode"))
	key := "token"
	if r.str("gateway", "auth", "mode") == cty.StringVal("password") {
		key = "password"
	}
	im.secretAttr(b, g, "auth_token", "gateway", "auth", key)
	g.set("trusted_proxies", r.strs("gateway", "trustedProxies"))
	g.set("mdns", r.str("discovery", "mdns", "mode"))
	g.set("redact_patterns", r.strs("logging", "redactPatterns"))
	g.set("update_check", r.boolean("update", "checkOnStart"))
	g.set("catalog_refresh", r.boolean("models", "catalogRefresh", "enabled"))
	im.installed(g)
	ui := g.block("control_ui")
	ui.set("enabled", r.boolean("gateway", "controlUi", "enabled"))
	ui.set("allowed_origins", r.strs("gateway", "controlUi", "allowedOrigins"))
	ui.set("base_path", r.str("gateway", "controlUi", "basePath"))
	im.gatewayTools(b, g.block("tools"))
}

func (im *importer) gatewayTools(b *imported, t *bodyW) {
	r := im.r
	t.set("profile", r.str("tools", "profile"))
	t.set("elevated", r.boolean("tools", "elevated", "enabled"))
	t.set("deny", r.strs("tools", "deny"))
	t.set("allow", r.strs("tools", "allow"))
	t.set("web_fetch", r.boolean("tools", "web", "fetch", "enabled"))
	t.set("sessions_visibility", r.str("tools", "sessions", "visibility"))
	ws := t.block("web_search")
	ws.set("enabled", r.boolean("tools", "web", "search", "enabled"))
	ws.set("max_results", r.integer("tools", "web", "search", "maxResults"))
	ws.set("provider", r.str("tools", "web", "search", "provider"))
	im.secretAttr(b, ws, "api_key", "plugins", "entries", "brave", "config", "webSearch", "apiKey")
}

// gatewayName is the name clawplan's records give the gateway, else "main".
func (im *importer) gatewayName() string {
	if names, _, err := importkit.OwnedOfKind(im.h, "gateway"); err == nil && len(names) > 0 {
		return names[0]
	}
	for owner := range im.owners {
		if name, ok := strings.CutPrefix(owner, "gateway."); ok {
			return name
		}
	}
	return "main"
}

// installed writes openclaw_version and install_prefix when the gateway's
// unit runs an OpenClaw other than the pinned one, or from elsewhere than
// the default prefix (~/.openclaw/runtime/VERSION).
func (im *importer) installed(g *bodyW) {
	u, err := account.Lookup(im.h, im.user)
	if err != nil {
		return
	}
	f, err := im.h.ReadFile(path.Join(u.Home, ".config/systemd/user/openclaw-gateway.service"))
	if err != nil || !f.Exists {
		return
	}
	prefix := unitPrefix(string(f.Content))
	version, ok := strings.CutPrefix(prefix, path.Join(u.Home, ".openclaw/runtime")+"/")
	if prefix == "" || (ok && !strings.Contains(version, "/")) {
		if ok && version != pinned() {
			g.set("openclaw_version", cty.StringVal(version))
		}
		return
	}
	g.set("install_prefix", cty.StringVal(prefix))
	if pkg, err := im.h.ReadFile(path.Join(prefix, "node_modules/openclaw/package.json")); err == nil && pkg.Exists {
		if d, err := doc.Parse(pkg.Content); err == nil {
			if v := (reader{d.Root}).str("version"); v != cty.NilVal && v.AsString() != pinned() {
				g.set("openclaw_version", v)
			}
		}
	}
}

// unitPrefix is the prefix OpenClaw runs from in a unit's ExecStart
// (PREFIX/node_modules/openclaw/dist/index.js), or "".
func unitPrefix(unit string) string {
	for _, line := range strings.Split(unit, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "ExecStart=") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if p, ok := strings.CutSuffix(f, "/node_modules/openclaw/dist/index.js"); ok {
				return p
			}
		}
	}
	return ""
}

// providers imports one llm_provider per models.providers entry.
func (im *importer) providers() {
	ps := im.r.at("models", "providers")
	if ps == nil || ps.Kind != doc.Object {
		return
	}
	for _, id := range ps.Keys() {
		r := reader{member(ps, id)}
		switch {
		case !providerID.MatchString(id):
			im.general = append(im.general, "models.providers."+id+" is left as it is: its id cannot be an llm_provider label.")
			continue
		case r.str("baseUrl") == cty.NilVal:
			im.general = append(im.general, "models.providers."+id+" has no baseUrl: left as it is (an llm_provider needs base_url).")
			continue
		}
		b := im.add("llm_provider", id)
		b.body.set("base_url", r.str("baseUrl"))
		b.body.set("api", r.str("api"))
		im.secretAttr(b, b.body, "api_key", "models", "providers", id, "apiKey")
		b.body.expr("models", im.models(b, r.at("models")))
	}
}

// models reads a provider's model entries (those with an id and a name),
// each written in the order the manifest documents them.
func (im *importer) models(b *imported, v *doc.Value) hclwrite.Tokens {
	if v == nil || v.Kind != doc.Array {
		return nil
	}
	var out []hclwrite.Tokens
	for _, e := range v.Elems {
		r := reader{e.Value}
		if r.str("id") == cty.NilVal || r.str("name") == cty.NilVal {
			b.note("A models entry without a string id and name is left as it is (clawplan needs both).")
			continue
		}
		out = append(out, object([]string{"id", "name", "context_window", "max_tokens", "input", "reasoning", "cost"}, map[string]hclwrite.Tokens{
			"id": tokens(r.str("id")), "name": tokens(r.str("name")), "context_window": tokens(r.integer("contextWindow")),
			"max_tokens": tokens(r.integer("maxTokens")), "input": tokens(r.strs("input")), "reasoning": tokens(r.boolean("reasoning")),
			"cost": costOf(r)}))
	}
	if len(out) == 0 {
		return nil
	}
	return hclwrite.TokensForTuple(out)
}

func costOf(r reader) hclwrite.Tokens {
	if c := r.at("cost"); c == nil || c.Kind != doc.Object {
		return nil
	}
	return object([]string{"input", "output", "cache_read", "cache_write"}, map[string]hclwrite.Tokens{
		"input": tokens(r.number("cost", "input")), "output": tokens(r.number("cost", "output")),
		"cache_read": tokens(r.number("cost", "cacheRead")), "cache_write": tokens(r.number("cost", "cacheWrite"))})
}

// channels imports one channel block per channel clawplan knows.
func (im *importer) channels() {
	cs := im.r.at("channels")
	if cs == nil || cs.Kind != doc.Object {
		return
	}
	for _, id := range cs.Keys() {
		info, ok := channels[id]
		if !ok {
			continue // not a channel block clawplan has: the file keeps it
		}
		r := reader{member(cs, id)}
		b := im.add("channel", id)
		c := b.body
		c.set("enabled", r.boolean("enabled"))
		c.set("dm_policy", r.str("dmPolicy"))
		c.set("allow_from", idsVal(r.at("allowFrom")))
		c.set("group_policy", r.str("groupPolicy"))
		if info.groupAllow {
			c.set("group_allow_from", idsVal(r.at("groupAllowFrom")))
		}
		c.set("require_mention", r.boolean(info.mentionPath...))
		im.channelToken(b, id, info, r)
		if id == "slack" {
			im.secretAttr(b, c, "app_token", "channels", id, "appToken")
		}
	}
}

// channelToken writes token = secret.NAME for Telegram's tokenFile (the
// seed's way) or the bot token's SecretRef.
func (im *importer) channelToken(b *imported, id string, info channelInfo, r reader) {
	if tf := r.str("tokenFile"); id == "telegram" && tf != cty.NilVal {
		if f, ok := secret.ForFile(im.found, tf.AsString()); ok {
			b.body.ref("token", "secret", f.Name)
		} else {
			b.note("channels.telegram.tokenFile names %s, which does not exist: left as it is.", tf.AsString())
		}
		return
	}
	if info.token != "" {
		im.secretAttr(b, b.body, "token", "channels", id, info.token)
	}
}

// idsVal reads a list of ids: strings, or numbers written exactly.
func idsVal(v *doc.Value) cty.Value {
	if v == nil || v.Kind != doc.Array {
		return cty.NilVal
	}
	out := []cty.Value{}
	for _, e := range v.Elems {
		x := strVal(e.Value)
		if x == cty.NilVal {
			x = intVal(e.Value)
		}
		if x == cty.NilVal {
			return cty.NilVal
		}
		out = append(out, x)
	}
	return cty.TupleVal(out)
}

// agents imports agent "defaults" (agents.defaults, but its sandbox, which
// is the sandbox block's) and one agent per agents.entries id, bindings
// agent and system agent.
func (im *importer) agents() {
	r := im.r
	d := &imported{kind: "agent", name: defaultsAgent, body: &bodyW{}}
	im.agentModel(d.body, "agents", "defaults")
	d.body.set("max_concurrent", r.integer("agents", "defaults", "maxConcurrent"))
	d.body.set("subagents_max_concurrent", r.integer("agents", "defaults", "subagents", "maxConcurrent"))
	p := d.body.block("context_pruning")
	at := func(k ...string) []string { return append([]string{"agents", "defaults", "contextPruning"}, k...) }
	p.set("mode", r.str(at("mode")...))
	p.set("ttl", r.str(at("ttl")...))
	p.set("tools_allow", r.strs(at("tools", "allow")...))
	p.set("tools_deny", r.strs(at("tools", "deny")...))
	p.set("hard_clear", r.boolean(at("hardClear", "enabled")...))
	p.set("placeholder", r.str(at("hardClear", "placeholder")...))
	if !d.body.empty() {
		im.blocks = append(im.blocks, d)
	}
	bindings := im.bindings()
	system := im.systemAgent()
	for _, id := range im.agentIDs(bindings, system) {
		b := im.add("agent", id)
		im.namedAgent(b.body, id, bindings[id], id == system)
	}
}

func (im *importer) namedAgent(a *bodyW, id string, channels []string, system bool) {
	r := im.r
	at := func(k ...string) []string { return append([]string{"agents", "entries", id}, k...) }
	im.agentModel(a, at()...)
	if len(channels) > 0 {
		a.set("channels", importkit.Strings(channels))
	}
	if system {
		a.set("system_agent", cty.True)
	}
	s := a.block("sandbox")
	s.set("mode", r.str(at("sandbox", "mode")...))
	s.set("scope", r.str(at("sandbox", "scope")...))
	s.set("workspace_access", r.str(at("sandbox", "workspaceAccess")...))
	t := a.block("tools")
	t.set("profile", r.str(at("tools", "profile")...))
	t.set("allow", r.strs(at("tools", "allow")...))
	t.set("deny", r.strs(at("tools", "deny")...))
	t.set("elevated", r.boolean(at("tools", "elevated", "enabled")...))
}

// agentModel writes model and fallbacks from ROOT.model {primary, fallbacks}.
func (im *importer) agentModel(a *bodyW, root ...string) {
	at := func(k ...string) []string { return append(append([]string(nil), root...), k...) }
	if p := im.r.str(at("model", "primary")...); p != cty.NilVal {
		a.set("model", p)
		a.set("fallbacks", im.r.strs(at("model", "fallbacks")...))
	}
}

// bindings are the channels each agent is bound to (bindings[] entries
// {agentId, match: {channel}}).
func (im *importer) bindings() map[string][]string {
	out := map[string][]string{}
	v := im.r.at("bindings")
	if v == nil || v.Kind != doc.Array {
		return out
	}
	for _, e := range v.Elems {
		r := reader{e.Value}
		id, ch := r.str("agentId"), r.str("match", "channel")
		if id != cty.NilVal && ch != cty.NilVal && agentID.MatchString(id.AsString()) {
			out[id.AsString()] = append(out[id.AsString()], ch.AsString())
		}
	}
	return out
}

// systemAgent is the agent both heartbeat and systemAgent name, or "".
func (im *importer) systemAgent() string {
	hb, sa := im.r.str("agents", "defaults", "heartbeat", "agentId"), im.r.str("agents", "defaults", "systemAgent", "agentId")
	if hb == cty.NilVal || !hb.RawEquals(sa) || !agentID.MatchString(hb.AsString()) {
		return ""
	}
	return hb.AsString()
}

// agentIDs are the named agents: agents.entries, bound and system agents.
func (im *importer) agentIDs(bindings map[string][]string, system string) []string {
	seen := map[string]bool{}
	if es := im.r.at("agents", "entries"); es != nil && es.Kind == doc.Object {
		for _, id := range es.Keys() {
			if agentID.MatchString(id) && id != defaultsAgent {
				seen[id] = true
			}
		}
	}
	for id := range bindings {
		seen[id] = true
	}
	if system != "" {
		seen[system] = true
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
