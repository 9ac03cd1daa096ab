package secret

import (
	"context"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func TestValidateRejects(t *testing.T) {
	cases := []struct{ name, src, summary, detail string }{
		{"no source", `secret "a" {
  source {}
  deliver { env = "A_KEY" }
}`, "Secret needs exactly one source", "exactly one"},
		{"two sources", `secret "a" {
  source {
    env  = "X"
    file = "/x"
  }
  deliver { env = "A_KEY" }
}`, "Secret needs exactly one source", ""},
		{"brave wrong", `secret "brave" {
  source { env = "B" }
  deliver { env = "OPENCLAW_WEB_SEARCH_API_KEY" }
}`, "Wrong Brave Search variable", "BRAVE_API_KEY"},
		{"brave search", `secret "brave" {
  source { env = "B" }
  deliver { env = "BRAVE_SEARCH_API_KEY" }
}`, "Wrong Brave Search variable", "BRAVE_API_KEY"},
		{"brave key", `secret "brave" {
  source { env = "B" }
  deliver { env = "BRAVE_KEY" }
}`, "Wrong Brave Search variable", "BRAVE_API_KEY"},
		{"lower env", `secret "a" {
  source { env = "B" }
  deliver { env = "lower" }
}`, "Invalid environment variable name", ""},
		{"relative source", `secret "a" {
  source { file = "token.txt" }
  deliver { env = "A_KEY" }
}`, "Source file must be an absolute path", ""},
		{"empty command", `secret "a" {
  source { command = [] }
  deliver { env = "A_KEY" }
}`, "Empty command", ""},
		{"bad timeout", `secret "a" {
  source {
    command = ["pass", "show", "x"]
    timeout = "forever"
  }
  deliver { env = "A_KEY" }
}`, "Invalid command timeout", ""},
		{"short generate", `secret "a" {
  source {
    generate { length = 8 }
  }
  deliver { env = "A_KEY" }
}`, "Invalid generated length", ""},
		{"bad alphabet", `secret "a" {
  source {
    generate { alphabet = "emoji" }
  }
  deliver { env = "A_KEY" }
}`, "Unknown alphabet", ""},
		{"empty deliver", `secret "a" {
  source { env = "B" }
  deliver { file = false }
}`, "Empty deliver block", ""},
		{"relative sink", `secret "a" {
  source { env = "B" }
  deliver { file = "creds/a" }
}`, "Invalid credentials file", ""},
		{"bad user", `secret "a" {
  source { env = "B" }
  deliver { env = "A_KEY" }
  user = "Open Claw"
}`, "Invalid service user", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := diags(t, c.src)
			if !d.HasErrors() {
				t.Fatalf("no error")
			}
			e := d.Errs()[0].(*hcl.Diagnostic)
			if e.Summary != c.summary || !strings.Contains(e.Detail, c.detail) {
				t.Fatalf("got %q: %q", e.Summary, e.Detail)
			}
			if e.Subject == nil || e.Subject.Filename != "test.hcl" {
				t.Fatalf("diagnostic without a source range: %+v", e)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, src := range []string{
		`secret "gateway_token" {
  source { env = "CLAWPLAN_GATEWAY_TOKEN" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}`,
		`secret "telegram_bot" {
  source { command = ["pass", "show", "telegram"] }
  deliver { file = true }
  user = "openclaw"
}`,
		`secret "brave" {
  source { file = "/etc/clawplan/brave" }
  deliver { env = "BRAVE_API_KEY" }
  deliver { file = "~/.openclaw/credentials/brave" }
}`,
		`secret "g" {
  source {
    generate {
      length   = 64
      alphabet = "base64url"
    }
  }
  deliver {
    env  = "G_TOKEN"
    file = "/etc/openclaw/g"
  }
}`,
	} {
		if d := diags(t, src); d.HasErrors() {
			t.Errorf("%s\n%s", src, d.Error())
		}
	}
}

func TestExport(t *testing.T) {
	env := decode(t, `secret "gateway_token" {
  source { env = "X_TOKEN" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
  deliver { file = true }
}`).Export()
	if !env.Type().Equals(resources.SecretRefType) {
		t.Fatalf("export type %s, want resources.SecretRefType", env.Type().FriendlyName())
	}
	ref := env.GetAttr("ref")
	if got := [3]string{ref.GetAttr("source").AsString(), ref.GetAttr("provider").AsString(), ref.GetAttr("id").AsString()}; got != [3]string{"env", "default", "OPENCLAW_GATEWAY_TOKEN"} {
		t.Fatalf("env ref %v", got)
	}
	if f := env.GetAttr("file").AsString(); f != "/home/openclaw/.openclaw/credentials/gateway_token" {
		t.Fatalf("file %s", f)
	}
	file := decode(t, `secret "Telegram-Bot" {
  source { env = "X_TOKEN" }
  deliver { file = "/home/openclaw/.openclaw/credentials/telegram-bot-token" }
}`).Export()
	ref = file.GetAttr("ref")
	if got := [3]string{ref.GetAttr("source").AsString(), ref.GetAttr("provider").AsString(), ref.GetAttr("id").AsString()}; got != [3]string{"file", "telegram-bot", "value"} {
		t.Fatalf("file ref %v", got)
	}
	if !file.GetAttr("env").IsNull() {
		t.Fatalf("env should be null: %#v", file.GetAttr("env"))
	}
}

// gatewayStandIn stands in for the gateway kind, which another package
// builds: CrossValidate reads nothing from it but its address and Export.
type gatewayStandIn struct{ export cty.Value }

func (g gatewayStandIn) Addr() resources.Addr      { return resources.Addr{Kind: "gateway", Name: "main"} }
func (g gatewayStandIn) Validate() hcl.Diagnostics { return nil }
func (g gatewayStandIn) Export() cty.Value         { return g.export }
func (g gatewayStandIn) Probe(context.Context, *resources.Host) (resources.State, error) {
	return resources.State{}, nil
}
func (g gatewayStandIn) Diff(resources.State) (resources.Change, error) {
	return resources.Change{}, nil
}
func (g gatewayStandIn) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{}, nil
}
func (g gatewayStandIn) Apply(context.Context, *resources.Host, resources.Change) error { return nil }
func (g gatewayStandIn) Restore(context.Context, *resources.Host, resources.Snapshot) error {
	return nil
}

func gatewayWith(token cty.Value) gatewayStandIn {
	return gatewayStandIn{cty.ObjectVal(map[string]cty.Value{"mode": cty.StringVal("local"), "auth_token": token})}
}

const envToken = `secret "gateway_token" {
  source { env = "CLAWPLAN_GATEWAY_TOKEN" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}`

func TestDeviceTokenMismatch(t *testing.T) {
	other := decode(t, `secret "old_token" {
  source { env = "OLD" }
  deliver { file = true }
}`)
	self := decode(t, envToken)
	bad := map[string]cty.Value{
		"literal":      cty.StringVal("0123456789abcdef0123456789abcdef"),
		"other secret": other.Export(),
	}
	for name, tok := range bad {
		d := diags(t, envToken, gatewayWith(tok), other)
		if !d.HasErrors() || !strings.Contains(d.Error(), "device_token_mismatch") {
			t.Errorf("%s: want a device_token_mismatch error, got %v", name, d)
		}
	}
	good := map[string]cty.Value{
		"same secret":  self.Export(),
		"env shortcut": cty.StringVal("${OPENCLAW_GATEWAY_TOKEN}"),
		"no token":     cty.NullVal(cty.String),
	}
	for name, tok := range good {
		if d := diags(t, envToken, gatewayWith(tok), other); d.HasErrors() {
			t.Errorf("%s: %v", name, d)
		}
	}
	nested := gatewayStandIn{cty.ObjectVal(map[string]cty.Value{"auth": cty.ObjectVal(map[string]cty.Value{"token": cty.StringVal("literal-token-value-123")})})}
	if d := diags(t, envToken, nested); !d.HasErrors() {
		t.Errorf("auth.token literal: no error")
	}
	if d := diags(t, envToken, gatewayStandIn{cty.DynamicVal}); d.HasErrors() {
		t.Errorf("unknown export: %v", d)
	}
}

func TestSharedAliasAndFile(t *testing.T) {
	a := decode(t, `secret "tg_bot" {
  source { env = "A" }
  deliver { file = "/etc/x/token" }
}`)
	b0 := decode(t, `secret "tg-bot" {
  source { env = "B" }
  deliver { file = "/etc/x/token" }
}`)
	c := catalog{a, b0}
	d := append(a.CrossValidate(c), b0.CrossValidate(c)...)
	if len(d) != 1 || !strings.Contains(d.Error(), "Two secrets write one file") {
		t.Fatalf("want a shared-file error: %v", d)
	}
	b := decode(t, `secret "x" {
  source { env = "A" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}`)
	_, sd := synthesizer{}.Synthesize(catalog{b, decode(t, envToken)})
	if !strings.Contains(sd.Error(), "Two secrets deliver one variable") {
		t.Fatalf("want a duplicate-variable error: %v", sd)
	}
}
