package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/cmd/clawplan/views"
	"github.com/clawplan/clawplan/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// manyFiles is a manifest of n testfile blocks, each depending on the previous.
func manyFiles(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "testfile \"f%d\" {\n  path = \"/etc/many/f%d.conf\"\n  content = \"line one of %d\\nline two\\n\"\n", i, i, i)
		if i > 0 {
			fmt.Fprintf(&b, "  depends_on = [testfile.f%d]\n", i-1)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func TestJSONPlanMatchesSchema(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": threeFiles})
	r := clawplan(t, "plan", "--root", root, "-format", "json", dir)
	if r.code != exitOK {
		t.Fatalf("plan: %s", r.err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.out)))
	if err != nil {
		t.Fatalf("plan output is not JSON: %v\n%s", err, r.out)
	}
	c := jsonschema.NewCompiler()
	sch, _ := jsonschema.UnmarshalJSON(bytes.NewReader(schema.PlanSchema))
	if err := c.AddResource("plan.schema.json", sch); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("plan JSON does not match schema/plan.schema.json: %v", err)
	}
	var p views.JSONPlan
	json.Unmarshal([]byte(r.out), &p)
	if p.Summary.Add != 3 || len(p.Changes) != 3 || p.Changes[0].Action != "create" || p.Changes[0].Files[0].Diff == "" {
		t.Fatalf("unexpected JSON plan: %+v", p)
	}
}

func TestMarkdownStaysUnderLimitOn2000Resources(t *testing.T) {
	root := t.TempDir()
	dir := writeManifest(t, map[string]string{"main.hcl": manyFiles(2000)})
	r := clawplan(t, "plan", "--root", root, "-format", "markdown", dir)
	if r.code != exitOK {
		t.Fatalf("plan: %s", r.err)
	}
	if n := len(r.out); n > views.MarkdownLimit || n < views.MarkdownLimit/2 {
		t.Fatalf("markdown is %d characters; want under %d and well filled", n, views.MarkdownLimit)
	}
	if !strings.HasPrefix(r.out, "### clawplan: Plan: 2000 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("markdown does not start with the summary:\n%.200s", r.out)
	}
	if !strings.Contains(r.out, "more resource changes not shown") {
		t.Fatal("truncation note missing")
	}
	if strings.Count(r.out, "<details>") != strings.Count(r.out, "</details>") {
		t.Fatal("a section was cut in the middle")
	}
}
