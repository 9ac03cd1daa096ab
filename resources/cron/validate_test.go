package cron

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// channelVars makes channel.telegram resolvable the way the engine does:
// an object (the channel kind's decoded body).
var channelVars = map[string]cty.Value{
	"channel": cty.ObjectVal(map[string]cty.Value{
		"telegram": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True, "dm_policy": cty.StringVal("allowlist")}),
	}),
	"agent": cty.ObjectVal(map[string]cty.Value{
		"research": cty.ObjectVal(map[string]cty.Value{"model": cty.StringVal("lmstudio/qwen")}),
	}),
}

func decodeDiags(t *testing.T, src string) hcl.Diagnostics {
	t.Helper()
	r, diags := restest.Decode(t, Kind{}, src, channelVars)
	if diags.HasErrors() {
		return diags
	}
	return r.Validate()
}

func TestValidateRules(t *testing.T) {
	cases := []struct {
		name, body, summary string
		line                int
	}{
		{"no schedule", `message = "x"`, "Schedule missing", 0},
		{"two schedules", "cron = \"0 8 * * *\"\n  at = \"20m\"\n  message = \"x\"", "Two schedules", 3},
		{"bad cron", "\n  cron = \"0 25 * * *\"\n  message = \"x\"", "Invalid cron expression", 3},
		{"cron every", "cron = \"@every 5m\"\n  message = \"x\"", "Invalid cron expression", 2},
		{"bad tz", "cron = \"0 8 * * *\"\n  tz = \"Europe/Berlinn\"\n  message = \"x\"", "Unknown time zone", 3},
		{"tz with every", "every = \"30m\"\n  tz = \"UTC\"\n  message = \"x\"", "Time zone with an interval", 3},
		{"bad at", "at = \"tomorrow\"\n  system_event = \"x\"", "Invalid one-shot time", 2},
		{"bad every", "every = \"1.5s\"\n  message = \"x\"", "Invalid interval", 2},
		{"no payload", `cron = "0 8 * * *"`, "Payload missing", 0},
		{"two payloads", "cron = \"0 8 * * *\"\n  message = \"x\"\n  system_event = \"y\"", "Two payloads", 4},
		{"main message", "cron = \"0 8 * * *\"\n  session = \"main\"\n  message = \"x\"", "Message needs an isolated session", 3},
		{"bad wake", "cron = \"0 8 * * *\"\n  message = \"x\"\n  wake = \"later\"", "Invalid wake mode", 4},
		{"announce main", "cron = \"0 8 * * *\"\n  system_event = \"x\"\n  announce {\n    channel = channel.telegram\n  }", "Announce needs an isolated session", 4},
		{"telegram target", "cron = \"0 8 * * *\"\n  message = \"x\"\n  announce {\n    channel = \"telegram\"\n    to = \"@news\"\n  }", "Invalid Telegram target", 6},
		{"topic target", "cron = \"0 8 * * *\"\n  message = \"x\"\n  announce {\n    channel = \"telegram\"\n    to = \"100:topic:1\"\n  }", "Invalid Telegram target", 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := decodeDiags(t, "cron \"job\" {\n  "+tc.body+"\n}")
			if len(diags) != 1 || diags[0].Summary != tc.summary || diags[0].Subject == nil {
				t.Fatalf("got %v, want one %q", diags, tc.summary)
			}
			if tc.line > 0 && diags[0].Subject.Start.Line != tc.line {
				t.Errorf("%q at line %d, want %d", tc.summary, diags[0].Subject.Start.Line, tc.line)
			}
		})
	}
}

// TestSeedExamples: the seed's two jobs, as blocks, are valid and turn
// into the seed's own CLI calls.
func TestSeedExamples(t *testing.T) {
	r := restest.MustDecode(t, Kind{}, `cron "daily_news" {
  display_name = "Daily News"
  cron    = "0 8 * * *"
  tz      = "Europe/Berlin"
  session = "isolated"
  wake    = "now"
  message = "Summarize today's top 5 news stories."
  agent   = agent.research
  announce {
    channel = channel.telegram
    to      = "-100123456789:topic:123"
  }
}`, channelVars).(*Job)
	got := strings.Join(r.spec.addArgs(r.Key()), " ")
	want := "cron add --declaration-key clawplan:daily_news --name daily_news --display-name Daily News --cron 0 8 * * * --tz Europe/Berlin --session isolated --wake now --message Summarize today's top 5 news stories. --announce --channel telegram --to -100123456789:topic:123 --keep-after-run --agent research"
	if got != want {
		t.Errorf("args\n got %s\nwant %s", got, want)
	}
	r = restest.MustDecode(t, Kind{}, `cron "reminder" {
  at               = "20m"
  system_event     = "Reminder: check backup status"
  delete_after_run = true
}`, nil).(*Job)
	got = strings.Join(r.spec.addArgs(r.Key()), " ")
	want = "cron add --declaration-key clawplan:reminder --name reminder --at 20m --session main --wake now --system-event Reminder: check backup status --delete-after-run"
	if got != want {
		t.Errorf("args\n got %s\nwant %s", got, want)
	}
}

// catalog is a minimal resources.Catalog for cross-block checks.
type catalog map[resources.Addr]resources.Resource

func (c catalog) Get(a resources.Addr) (resources.Resource, bool) { r, ok := c[a]; return r, ok }
func (c catalog) Range(resources.Addr) hcl.Range                  { return hcl.Range{} }
func (c catalog) OfKind(kind string) []resources.Resource {
	var out []resources.Resource
	for a, r := range c {
		if a.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// exporter is a declared block of another kind, as the catalog shows it.
type exporter struct {
	resources.Resource
	addr resources.Addr
	val  cty.Value
}

func (e exporter) Addr() resources.Addr { return e.addr }
func (e exporter) Export() cty.Value    { return e.val }

func TestCrossValidate(t *testing.T) {
	src := "cron \"news\" {\n  cron = \"0 8 * * *\"\n  message = \"x\"\n  announce {\n    channel = \"telegram\"\n  }\n}"
	j := restest.MustDecode(t, Kind{}, src, nil).(*Job)
	diags := j.CrossValidate(catalog{})
	if len(diags) != 1 || diags[0].Summary != "Announce channel not declared" || diags[0].Subject.Start.Line != 5 {
		t.Fatalf("undeclared channel: %v", diags)
	}
	tg := resources.Addr{Kind: "channel", Name: "telegram"}
	gw := resources.Addr{Kind: "gateway", Name: "main"}
	vm := resources.Addr{Kind: "vm", Name: "host"}
	c := catalog{
		tg: exporter{addr: tg},
		gw: exporter{addr: gw, val: cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("claw"), "port": cty.NumberIntVal(19999)})},
		vm: exporter{addr: vm, val: cty.ObjectVal(map[string]cty.Value{"service_user": cty.StringVal("claw")})},
	}
	if diags := j.CrossValidate(c); diags.HasErrors() {
		t.Fatalf("declared channel: %v", diags)
	}
	if _, diags := (linker{}).Synthesize(catalog{resources.Addr{Kind: "cron", Name: "news"}: j, gw: c[gw], vm: c[vm]}); diags.HasErrors() {
		t.Fatal(diags)
	}
	if j.userName() != "claw" || j.port != 19999 {
		t.Errorf("settled user %q port %d, want the gateway's claw and 19999", j.userName(), j.port)
	}
	deps := map[resources.Addr]bool{}
	for _, d := range j.DependsOn() {
		deps[d] = true
	}
	if !deps[gw] || !deps[vm] || !deps[resources.Addr{Kind: "gateway_service", Name: "main"}] {
		t.Errorf("depends on %v, want the gateway, its service and the vm", j.DependsOn())
	}
}
