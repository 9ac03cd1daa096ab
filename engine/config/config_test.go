package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func load(t *testing.T, src string, opts Options) (*Manifest, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644)
	os.WriteFile(filepath.Join(dir, "greeting.tpl"), []byte("hello ${name}"), 0o644)
	return Load(dir, opts)
}

const varsSrc = `
variable "region" {
  type    = string
  default = "default"
}
variable "ports" {
  type    = list(number)
  default = [1]
}
`

func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	vf := filepath.Join(dir, "v.hcl")
	os.WriteFile(vf, []byte(`region = "file"`), 0o644)
	cases := []struct {
		opts Options
		want string
	}{
		{Options{}, "default"},
		{Options{Environ: []string{"CLAWPLAN_VAR_region=env"}}, "env"},
		{Options{Environ: []string{"CLAWPLAN_VAR_region=env"}, VarFiles: []string{vf}}, "file"},
		{Options{Environ: []string{"CLAWPLAN_VAR_region=env"}, VarFiles: []string{vf}, Vars: []string{"region=flag"}}, "flag"},
	}
	for _, c := range cases {
		m, diags := load(t, varsSrc, c.opts)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		if got := m.Variables[0].Value.AsString(); got != c.want {
			t.Errorf("%+v: region = %q, want %q", c.opts, got, c.want)
		}
	}
	m, diags := load(t, varsSrc, Options{Vars: []string{"ports=[80, 443]"}})
	if diags.HasErrors() || m.Variables[1].Value.LengthInt() != 2 {
		t.Fatalf("list variable from -var: %v %v", diags, m.Variables[1].Value)
	}
}

func TestVariableErrors(t *testing.T) {
	_, diags := load(t, varsSrc, Options{Vars: []string{"nope=1"}})
	if !strings.Contains(diags.Error(), "undeclared variable") {
		t.Fatalf("undeclared -var: %v", diags)
	}
	_, diags = load(t, `variable "x" { type = number }`, Options{})
	if !strings.Contains(diags.Error(), "CLAWPLAN_VAR_x") {
		t.Fatalf("missing required variable should name CLAWPLAN_VAR_x: %v", diags)
	}
	_, diags = load(t, varsSrc, Options{Vars: []string{"ports=oops"}})
	if !diags.HasErrors() {
		t.Fatal("a string for list(number) was accepted")
	}
}

func TestLocalsAndFunctions(t *testing.T) {
	m, diags := load(t, `
variable "net" { default = "10.20.0.0/16" }
locals {
  b      = "${local.a}-b"
  a      = upper("a")
  subnet = cidrsubnet(var.net, 8, 3)
  json   = jsonencode({k = [1, 2]})
  greet  = templatefile("greeting.tpl", {name = "claw"})
  text   = trimspace(file("greeting.tpl"))
}
`, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := map[string]string{"b": "A-b", "subnet": "10.20.3.0/24", "json": `{"k":[1,2]}`, "greet": "hello claw", "text": "hello ${name}"}
	for k, v := range want {
		if got := m.Locals[k]; got.Type() != cty.String || got.AsString() != v {
			t.Errorf("local.%s = %#v, want %q", k, got, v)
		}
	}
	_, diags = load(t, "locals {\n  a = local.b\n  b = local.a\n}\n", Options{})
	if !strings.Contains(diags.Error(), "Cycle") {
		t.Fatalf("locals cycle: %v", diags)
	}
}

func TestSettingsAndDuplicates(t *testing.T) {
	m, diags := load(t, `clawplan { state_dir = "/srv/clawplan" }`, Options{})
	if diags.HasErrors() || m.Settings.StateDir != "/srv/clawplan" {
		t.Fatalf("state_dir: %v %q", diags, m.Settings.StateDir)
	}
	_, diags = load(t, `clawplan { state_dir = "relative" }`, Options{})
	if !diags.HasErrors() {
		t.Fatal("relative state_dir accepted")
	}
	_, diags = load(t, "network \"a\" {}\nnetwork \"a\" {}\n", Options{})
	if !strings.Contains(diags.Error(), "Duplicate block") || diags[0].Subject.Start.Line != 2 {
		t.Fatalf("duplicate block: %v", diags)
	}
}
