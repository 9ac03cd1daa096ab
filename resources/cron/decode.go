package cron

import (
	"strings"
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
	b.Agent, b.agentBad = refOrString(val.GetAttr("agent"), at.agent)
	if ann := val.GetAttr("announce"); !ann.IsNull() {
		ch, bad := refOrString(ann.GetAttr("channel"), at.channel)
		b.Announce, b.channelBad = &Announce{Channel: ch, To: str(ann, "to")}, bad || ch == ""
		b.channelRef = at.channel != ""
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

// where finds where the block writes each attribute (announce's as
// "announce.channel") for diagnostics, from its body while it has one, and
// remembers the labels of the blocks agent and announce.channel reference.
// Ranges are looked up when a diagnostic needs one: kept for every job,
// they were a tenth of the memory of loading 10,000 blocks.
type where struct {
	block          hcl.Range
	body           hcl.Body // nil once the manifest is validated
	agent, channel string
}

func locate(body hcl.Body) where {
	w := where{block: body.MissingItemRange(), body: body}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "agent"}},
		Blocks: []hcl.BlockHeaderSchema{{Type: "announce"}}})
	if a, ok := content.Attributes["agent"]; ok {
		w.agent = refLabel(a.Expr, "agent")
	}
	for _, blk := range content.Blocks {
		inner, _, _ := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "channel"}}})
		if a, ok := inner.Attributes["channel"]; ok {
			w.channel = refLabel(a.Expr, "channel")
		}
	}
	return w
}

// attr returns the range of the attribute name: its value, or for
// "announce" the block header, for "announce.channel" and "announce.to"
// the value or else the announce block header.
func (w where) attr(name string) (hcl.Range, bool) {
	if w.body == nil {
		return hcl.Range{}, false
	}
	if rest, ok := strings.CutPrefix(name, "announce"); ok && (rest == "" || rest == ".channel" || rest == ".to") {
		content, _, _ := w.body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "announce"}}})
		if len(content.Blocks) == 0 {
			return hcl.Range{}, false
		}
		blk := content.Blocks[len(content.Blocks)-1]
		if rest == "" {
			return blk.DefRange, true
		}
		inner, _, _ := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "channel"}, {Name: "to"}}})
		if a, ok := inner.Attributes[rest[1:]]; ok {
			return a.Expr.Range(), true
		}
		return blk.DefRange, true
	}
	if _, known := attrTypes[name]; !known {
		return hcl.Range{}, false
	}
	content, _, _ := w.body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if a, ok := content.Attributes[name]; ok {
		return a.Expr.Range(), true
	}
	return hcl.Range{}, false
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
	if r, ok := w.attr(name); ok {
		return r.Ptr()
	}
	return w.block.Ptr()
}
