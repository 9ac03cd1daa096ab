package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/cmd/clawplan/views"
	"github.com/clawplan/clawplan/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// ValidateCommand is `clawplan validate`.
type ValidateCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *ValidateCommand) Synopsis() string { return "Check the manifest without touching the host" }

// Help implements cli.Command.
func (c *ValidateCommand) Help() string {
	return `Usage: clawplan validate [options] [MANIFEST]

  Parse the manifest, resolve variables and references, build the
  dependency graph, and run every block's static and cross-block checks
  (security policy included). Reads nothing from the host.

Options:
  -var NAME=VALUE, -var-file FILE   Set variables
  -no-color
`
}

// Run implements cli.Command.
func (c *ValidateCommand) Run(args []string) int {
	fs := c.flags("validate", true)
	cfg, ok := c.loadArgs(fs, args)
	if !ok {
		return exitError
	}
	c.outf("Success! The manifest is valid: %d resource(s).\n", len(cfg.Resources))
	return exitOK
}

// GraphCommand is `clawplan graph`.
type GraphCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *GraphCommand) Synopsis() string { return "Print the dependency graph in DOT" }

// Help implements cli.Command.
func (c *GraphCommand) Help() string {
	return `Usage: clawplan graph [options] [MANIFEST]

  Print the resources and their dependencies in Graphviz DOT; an edge
  A -> B means A depends on B. Render it with: clawplan graph | dot -Tsvg > graph.svg
`
}

// Run implements cli.Command.
func (c *GraphCommand) Run(args []string) int {
	fs := c.flags("graph", true)
	cfg, ok := c.loadArgs(fs, args)
	if !ok {
		return exitError
	}
	var b strings.Builder
	b.WriteString("digraph clawplan {\n  rankdir = \"RL\";\n  node [shape = box];\n")
	nodes := cfg.Graph.Nodes()
	sort.Strings(nodes)
	for _, n := range nodes {
		fmt.Fprintf(&b, "  %q;\n", n)
	}
	for _, n := range nodes {
		for _, d := range cfg.Graph.DependsOn(n) {
			fmt.Fprintf(&b, "  %q -> %q;\n", n, d)
		}
	}
	b.WriteString("}\n")
	c.outf("%s", b.String())
	return exitOK
}

// FmtCommand is `clawplan fmt`.
type FmtCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *FmtCommand) Synopsis() string { return "Rewrite manifests in canonical style" }

// Help implements cli.Command.
func (c *FmtCommand) Help() string {
	return `Usage: clawplan fmt [options] [MANIFEST]

  Rewrite the manifest's .hcl files in canonical HCL style (hclwrite).

Options:
  -check   Change nothing; list the files that need formatting and exit 1 if any
  -diff    Print the changes as unified diffs
`
}

// Run implements cli.Command.
func (c *FmtCommand) Run(args []string) int {
	fs := c.flags("fmt", false)
	check := fs.Bool("check", false, "list unformatted files, change nothing")
	diff := fs.Bool("diff", false, "print diffs")
	pos, err := parse(fs, args)
	if err != nil {
		return exitError
	}
	path, err := manifestPath(pos)
	if err != nil {
		return c.errorf("%v", err)
	}
	files := []string{path}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(path, "*.hcl"))
	}
	code := exitOK
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return c.errorf("%v", err)
		}
		if _, diags := hclwrite.ParseConfig(src, f, hcl.InitialPos); diags.HasErrors() {
			c.diags(diags)
			return exitError
		}
		out := hclwrite.Format(src)
		if bytes.Equal(src, out) {
			continue
		}
		c.outf("%s\n", f)
		if *diff {
			c.outf("%s", views.Unified(f, string(src), string(out)))
		}
		if *check {
			code = exitError
			continue
		}
		if err := os.WriteFile(f, out, 0o644); err != nil {
			return c.errorf("%v", err)
		}
	}
	return code
}

// VersionCommand is `clawplan version`.
type VersionCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *VersionCommand) Synopsis() string { return "Print the version" }

// Help implements cli.Command.
func (c *VersionCommand) Help() string { return "Usage: clawplan version\n" }

// Run implements cli.Command.
func (c *VersionCommand) Run(args []string) int {
	c.outf("clawplan %s\ntested with OpenClaw %s\n", version, schema.OpenClawVersion)
	return exitOK
}
