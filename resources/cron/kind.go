package cron

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

func init() {
	resources.Register(Kind{})
	resources.RegisterSynthesizer(linker{})
}

// Kind is the `cron` block type.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

// Name returns the block type.
func (Kind) Name() string { return "cron" }

// attrTypes are the block's attributes; all are optional (Validate says
// which combinations a job needs). agent and announce.channel take a
// reference to a block (agent.NAME, channel.NAME) or an id string.
var attrTypes = map[string]cty.Type{
	"cron": cty.String, "tz": cty.String, "at": cty.String, "every": cty.String,
	"session": cty.String, "wake": cty.String, "message": cty.String, "system_event": cty.String,
	"delete_after_run": cty.Bool, "enabled": cty.Bool, "display_name": cty.String,
	"agent": cty.DynamicPseudoType, "user": cty.String,
}

var announceTypes = map[string]cty.Type{"channel": cty.DynamicPseudoType, "to": cty.String}

// Spec returns the schema of a cron block body.
func (Kind) Spec() hcldec.Spec {
	s := hcldec.ObjectSpec{}
	for name, t := range attrTypes {
		s[name] = &hcldec.AttrSpec{Name: name, Type: t}
	}
	s["announce"] = &hcldec.BlockSpec{TypeName: "announce", Nested: hcldec.ObjectSpec{
		"channel": &hcldec.AttrSpec{Name: "channel", Type: cty.DynamicPseudoType, Required: true},
		"to":      &hcldec.AttrSpec{Name: "to", Type: cty.String},
	}}
	return s
}

// Decode builds a Job from the decoded body. It converts values and
// fills in defaults; Validate does the checks.
func (Kind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	at := locate(body)
	if !val.IsWhollyKnown() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cron job not known at plan time",
			Detail:  "A cron block's values must be known before apply: use literals, variables, locals or references to declared blocks.",
			Subject: at.block.Ptr()}}
	}
	val, _ = val.UnmarkDeep()
	d := decodeBlock(val, at)
	var diags hcl.Diagnostics
	if d.agentBad {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid agent",
			Detail: "agent must be an agent id string, such as \"main\", or a reference to an agent block (agent.NAME).", Subject: at.at("agent")})
	}
	if d.channelBad {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid announce channel",
			Detail: "channel must be a reference to a channel block (channel.telegram) or the channel id as a string.", Subject: at.at("announce.channel")})
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return &Job{addr: addr, raw: d, spec: d.spec(addr.Name), at: at}, nil
}

// ownership is what a cron block records it owns: its job's declaration
// key and the service user whose gateway holds it.
type ownership struct {
	Key  string `json:"declaration_key"`
	User string `json:"user"`
	Port int    `json:"port,omitempty"`
}

// Orphan rebuilds, from its ownership record, a cron block that was
// removed from the manifest: its plan deletes the job, if it is there.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var rec ownership
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("reading the ownership record of %s: %w", addr, err)
	}
	if len(rec.Key) <= len(KeyPrefix) || rec.Key[:len(KeyPrefix)] != KeyPrefix {
		return nil, fmt.Errorf("the ownership record of %s names %q, not a clawplan declaration key", addr, rec.Key)
	}
	return &Job{addr: addr, orphan: true, key: rec.Key, user: rec.User, port: rec.Port}, nil
}
