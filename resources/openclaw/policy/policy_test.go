package policy

import (
	"strings"
	"testing"
)

// paramB reads sizes the way OpenClaw's audit does (model-param-b.ts).
func TestParamB(t *testing.T) {
	cases := map[string]float64{
		"lmstudio/qwen/qwen3-32b": 32, "qwen3-235b-a22b": 235, "llama-3.1-8b-instruct": 8, "Mistral-7B": 7,
		"phi-3.5-mini-3.8b": 3.8, "deepseek-r1:671b": 671, "gemma-2-27b-it": 27, "qwen2.5-coder-7b-14b": 14,
	}
	for id, want := range cases {
		if got, ok := paramB(id); !ok || got != want {
			t.Errorf("paramB(%q) = %v, %v; want %v", id, got, ok, want)
		}
	}
	for _, id := range []string{"gpt-5.4", "claude-opus-4-6", "mixtral-8x7b", "qwen3-32bit", "web"} {
		if got, ok := paramB(id); ok {
			t.Errorf("paramB(%q) = %v, want no size", id, got)
		}
	}
}

func TestIsLocalURL(t *testing.T) {
	for u, want := range map[string]bool{
		"http://127.0.0.1:1234/v1": true, "http://localhost:11434": true, "http://192.168.1.20:1234/v1": true,
		"http://[::1]:1234": true, "http://[fd00::5]:80": true, "http://100.100.1.1:80": true, "http://gpu.local:1234": true,
		"https://api.openai.com/v1": false, "http://8.8.8.8": false, "not a url": false,
	} {
		if got := isLocalURL(u); got != want {
			t.Errorf("isLocalURL(%q) = %v", u, got)
		}
	}
}

func TestToolPolicy(t *testing.T) {
	c := &Config{Gateway: &Gateway{Deny: []string{"group:web"}, WebFetch: true}, Sandbox: &Sandbox{Mode: "non-main"}}
	a := Agent{ID: "defaults"}
	if got := c.webTools(a); strings.Join(got, ",") != "browser" {
		t.Errorf("web tools with group:web denied = %v", got)
	}
	a.Deny = []string{"browser"}
	if got := c.webTools(a); len(got) != 0 {
		t.Errorf("web tools with browser denied too = %v", got)
	}
	if got := c.webTools(Agent{ID: "x", SandboxMode: "all"}); len(got) != 0 {
		t.Errorf("sandbox all still reaches %v", got)
	}
	if !c.hasTools(Agent{ID: "x"}) || c.hasTools(Agent{ID: "x", Deny: []string{"*"}}) || c.hasTools(Agent{ID: "x", Profile: "minimal"}) {
		t.Error("hasTools")
	}
	if c.sandboxMode(Agent{ID: "x"}) != "non-main" || c.sandboxMode(Agent{ID: "x", SandboxMode: "off"}) != "off" {
		t.Error("sandboxMode inheritance")
	}
}

func TestParseLevels(t *testing.T) {
	lv, bad := ParseLevels(map[string]string{"tools.elevated_enabled": "error", "nope": "warn", "models.small_with_web": "off"})
	if lv["tools.elevated_enabled"] != Error || len(bad) != 2 {
		t.Fatalf("levels %v, bad %v", lv, bad)
	}
	if f := Check(&Config{Gateway: &Gateway{Elevated: true, AuthMode: "token", BindMode: "loopback", Token: &Ref{}}, Levels: lv}); len(f) != 1 || f[0].Level != Error {
		t.Fatalf("findings %+v", f)
	}
}
