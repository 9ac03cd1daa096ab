package openclaw

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// channelKind is the `channel` block; its label is the channel id:
// telegram, whatsapp, discord or slack (channels.<id>).
type channelKind struct{ kindBase }

func (channelKind) Name() string { return "channel" }

func (channelKind) Spec() hcldec.Spec { return channelSpec.spec() }

var channelSpec = attrs{
	"enabled":          attr(cty.Bool),
	"dm_policy":        attr(cty.String),
	"allow_from":       attr(cty.DynamicPseudoType),
	"group_policy":     attr(cty.String),
	"group_allow_from": attr(cty.DynamicPseudoType),
	"require_mention":  attr(cty.Bool),
	"token":            attr(resources.SecretRefType),
	"app_token":        attr(resources.SecretRefType),
}

type channelConf struct {
	Enabled        *bool     `cty:"enabled"`
	DMPolicy       *string   `cty:"dm_policy"`
	AllowFrom      cty.Value `cty:"allow_from"`
	GroupPolicy    *string   `cty:"group_policy"`
	GroupAllowFrom cty.Value `cty:"group_allow_from"`
	RequireMention *bool     `cty:"require_mention"`
	Token          cty.Value `cty:"token"`
	AppToken       cty.Value `cty:"app_token"`
}

// channel is one decoded channel block.
type channel struct {
	base
	conf     channelConf
	token    *secretRef
	appToken *secretRef
}

var _ resources.CrossValidator = (*channel)(nil)

// channelInfo is what differs between channels in 2026.9.6.
type channelInfo struct {
	numericIDs  bool     // allowFrom takes numbers (Telegram user ids)
	groupAllow  bool     // has groupAllowFrom
	mentionPath []string // where requireMention lives, under channels.<id>
	token       string   // the bot token key; "" when the channel has none
}

var channels = map[string]channelInfo{
	"telegram": {numericIDs: true, groupAllow: true, mentionPath: []string{"groups", "*", "requireMention"}, token: "botToken"},
	"whatsapp": {groupAllow: true, mentionPath: []string{"groups", "*", "requireMention"}},
	"discord":  {mentionPath: []string{"guilds", "*", "requireMention"}, token: "token"},
	"slack":    {mentionPath: []string{"requireMention"}, token: "botToken"},
}

func (channelKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	ch := &channel{}
	info, ok := channels[addr.Name]
	if !ok {
		r := body.MissingItemRange()
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown channel",
			Detail: fmt.Sprintf("channel %q: the label is the channel id, one of telegram, whatsapp, discord, slack.", addr.Name), Subject: &r}}
	}
	diags := decodeInto(addr, body, val, &ch.conf)
	if diags.HasErrors() {
		return nil, diags
	}
	var d hcl.Diagnostics
	ch.token, d = decodeSecretRef(ch.conf.Token, body, "token")
	diags = append(diags, d...)
	ch.appToken, d = decodeSecretRef(ch.conf.AppToken, body, "app_token")
	diags = append(diags, d...)
	diags = append(diags, ch.check(addr.Name, info, body)...)
	if diags.HasErrors() {
		return nil, diags
	}
	cs, d := ch.claimList(addr.Name, info, body)
	diags = append(diags, d...)
	diags = append(diags, ch.init(addr, body, cs)...)
	return ch, diags
}

func (ch *channel) check(id string, info channelInfo, body hcl.Body) hcl.Diagnostics {
	c := ch.conf
	diags := oneOf(body, str(c.DMPolicy, ""), []string{"pairing", "allowlist", "open", "disabled"}, "dm_policy")
	diags = append(diags, oneOf(body, str(c.GroupPolicy, ""), []string{"allowlist", "open", "disabled"}, "group_policy")...)
	if !c.GroupAllowFrom.IsNull() && !info.groupAllow {
		diags = append(diags, errAt(body, "No group allowlist on this channel", fmt.Sprintf("channels.%s has no groupAllowFrom in OpenClaw %s; only telegram and whatsapp do.", id, pinned()), "group_allow_from"))
	}
	if ch.token != nil && info.token == "" {
		diags = append(diags, errAt(body, "This channel takes no token", "WhatsApp links by QR code (openclaw channels login); remove token.", "token"))
	}
	if ch.appToken != nil && id != "slack" {
		diags = append(diags, errAt(body, "app_token is for Slack", "Only Slack's Socket Mode takes an app token.", "app_token"))
	}
	if str(c.DMPolicy, "") == "allowlist" && c.AllowFrom.IsNull() {
		diags = append(diags, errAt(body, "Allowlist without entries", "dm_policy = \"allowlist\" with no allow_from lets nobody in; list the user ids that may talk to the bot.", "allow_from"))
	}
	return diags
}

func (ch *channel) claimList(id string, info channelInfo, body hcl.Body) ([]claim, hcl.Diagnostics) {
	c := &claimer{body: body}
	root := []string{"channels", id}
	at := func(k ...string) []string { return append(append([]string(nil), root...), k...) }
	c.set(keys(at("enabled")...), boolOr(ch.conf.Enabled, true), "enabled")
	c.set(keys(at("dmPolicy")...), str(ch.conf.DMPolicy, "pairing"), "dm_policy")
	var diags hcl.Diagnostics
	if v, d := idList(ch.conf.AllowFrom, info.numericIDs, body, "allow_from"); v != nil {
		c.set(keys(at("allowFrom")...), v, "allow_from")
	} else {
		diags = append(diags, d...)
	}
	c.set(keys(at("groupPolicy")...), str(ch.conf.GroupPolicy, "allowlist"), "group_policy")
	if v, d := idList(ch.conf.GroupAllowFrom, info.numericIDs, body, "group_allow_from"); v != nil {
		c.set(keys(at("groupAllowFrom")...), v, "group_allow_from")
	} else {
		diags = append(diags, d...)
	}
	optBool(c, keys(at(info.mentionPath...)...), ch.conf.RequireMention, "require_mention")
	if ch.token != nil && id == "telegram" && ch.token.File != "" {
		// The seed's way: OpenClaw reads the token file itself (tokenFile wins over botToken).
		c.set(keys(at("tokenFile")...), ch.token.File, "token")
	} else {
		c.secret(at(info.token), ch.token, "token")
	}
	c.secret(at("appToken"), ch.appToken, "app_token")
	return c.out, diags
}

// idList renders allow_from: strings stay strings; HCL numbers are
// written with every digit (a 19-digit Discord id never goes through
// float64), as numbers where the channel takes them, else as strings.
func idList(v cty.Value, numeric bool, body hcl.Body, attr string) ([]any, hcl.Diagnostics) {
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	if !(t.IsListType() || t.IsTupleType() || t.IsSetType()) {
		return nil, hcl.Diagnostics{errAt(body, "Invalid id list", fmt.Sprintf("%s must be a list of user ids (strings or numbers).", attr), attr)}
	}
	out := []any{}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		switch {
		case e.Type() == cty.String && !e.IsNull():
			out = append(out, e.AsString())
		case e.Type() == cty.Number && !e.IsNull() && e.AsBigFloat().IsInt():
			n := numberText(e.AsBigFloat())
			if numeric {
				out = append(out, json.Number(n))
			} else {
				out = append(out, n)
			}
		default:
			return nil, hcl.Diagnostics{errAt(body, "Invalid id", fmt.Sprintf("%s: every entry must be a string or a whole number.", attr), attr)}
		}
	}
	return out, nil
}

// CrossValidate runs the security rules that concern this block.
func (ch *channel) CrossValidate(c resources.Catalog) hcl.Diagnostics { return policyFor(c, ch.addr) }
