package cron

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// block is a cron block as written, before defaults: Validate checks it.
type block struct {
	Cron, TZ, At, Every, Session, Wake, Message, SystemEvent, DisplayName, User string
	DeleteAfterRun, Enabled                                                     bool
	Agent                                                                       string
	Announce                                                                    *Announce
	agentBad, channelBad                                                        bool
	// channelRef is true when announce.channel references a channel block.
	channelRef bool
}

func decodeBlock(val cty.Value, at where) block {
	str := func(v cty.Value, name string) string {
		if a := v.GetAttr(name); !a.IsNull() && a.Type() == cty.String {
			return a.AsString()
		}
		return ""
	}
	b := block{Cron: str(val, "cron"), TZ: str(val, "tz"), At: str(val, "at"), Every: str(val, "every"),
		Session: str(val, "session"), Wake: str(val, "wake"), Message: str(val, "message"),
		SystemEvent: str(val, "system_event"), DisplayName: str(val, "display_name"), User: str(val, "user"),
		Enabled: true}
	if v := val.GetAttr("delete_after_run"); !v.IsNull() {
		b.DeleteAfterRun = v.True()
	}
	if v := val.GetAttr("enabled"); !v.IsNull() {
		b.Enabled = v.True()
	}
	b.Agent, b.agentBad = refOrString(val.GetAttr("agent"), at.labels["agent"])
	if ann := val.GetAttr("announce"); !ann.IsNull() {
		ch, bad := refOrString(ann.GetAttr("channel"), at.labels["announce.channel"])
		b.Announce, b.channelBad = &Announce{Channel: ch, To: str(ann, "to")}, bad || ch == ""
		b.channelRef = at.labels["announce.channel"] != ""
	}
	return b
}

// refOrString is an id given as a string, or the label of the block an
// object value was referenced from. bad: neither.
func refOrString(v cty.Value, label string) (string, bool) {
	switch {
	case v.IsNull():
		return "", false
	case v.Type() == cty.String:
		return v.AsString(), false
	case label != "" && (v.Type().IsObjectType() || v.Type().IsMapType()):
		return label, false
	}
	return "", true
}

// spec is the job the block declares, defaults filled in: the session
// follows the payload (as OpenClaw's CLI infers it), wake is "now".
func (b block) spec(name string) Spec {
	s := Spec{Name: name, DisplayName: b.DisplayName, Wake: b.Wake, Message: b.Message, SystemEvent: b.SystemEvent,
		Announce: b.Announce, DeleteAfterRun: b.DeleteAfterRun, Agent: b.Agent, Enabled: b.Enabled, Session: b.Session,
		Schedule: Schedule{Cron: b.Cron, TZ: b.TZ, At: b.At}}
	if d, err := time.ParseDuration(b.Every); err == nil {
		s.Schedule.Every = d
	}
	if s.Wake == "" {
		s.Wake = "now"
	}
	if s.Session == "" {
		s.Session = "isolated"
		if b.SystemEvent != "" {
			s.Session = "main"
		}
	}
	return s
}

// where remembers where the block writes each attribute (announce's as
// "announce.channel"), and the labels of blocks referenced by agent and
// announce.channel.
type where struct {
	block  hcl.Range
	attrs  map[string]hcl.Range
	labels map[string]string
}

func locate(body hcl.Body) where {
	w := where{block: body.MissingItemRange(), attrs: map[string]hcl.Range{}, labels: map[string]string{}}
	schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "announce"}}}
	for name := range attrTypes {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name})
	}
	content, _, _ := body.PartialContent(schema)
	for name, a := range content.Attributes {
		w.attrs[name] = a.Expr.Range() // what hcldec.SourceRange gives an attribute, without a pass over the body per attribute
		if name == "agent" {
			w.labels[name] = refLabel(a.Expr, "agent")
		}
	}
	for _, blk := range content.Blocks {
		w.attrs["announce"] = blk.DefRange
		inner, _, _ := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "channel"}, {Name: "to"}}})
		w.attrs["announce.channel"], w.attrs["announce.to"] = blk.DefRange, blk.DefRange
		for name, a := range inner.Attributes {
			w.attrs["announce."+name] = a.Expr.Range()
		}
		if a, ok := inner.Attributes["channel"]; ok {
			w.labels["announce.channel"] = refLabel(a.Expr, "channel")
		}
	}
	return w
}

// refLabel is NAME when expr is a plain reference KIND.NAME[...].
func refLabel(expr hcl.Expression, kind string) string {
	tr, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || len(tr) < 2 || tr.RootName() != kind {
		return ""
	}
	if step, ok := tr[1].(hcl.TraverseAttr); ok {
		return step.Name
	}
	return ""
}

// at is the range of an attribute's value, or the block's end when unset.
func (w where) at(name string) *hcl.Range {
	if r, ok := w.attrs[name]; ok {
		return r.Ptr()
	}
	return w.block.Ptr()
}
