package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/clawplan/clawplan/cmd/clawplan/views"
	"github.com/clawplan/clawplan/engine"
)

// PlanCommand is `clawplan plan`.
type PlanCommand struct {
	*Meta
	out, format      string
	targets, replace stringList
	detailed         bool
}

// Synopsis implements cli.Command.
func (c *PlanCommand) Synopsis() string { return "Show what apply would change on the host" }

// Help implements cli.Command.
func (c *PlanCommand) Help() string {
	return `Usage: clawplan plan [options] [MANIFEST]

  Probe the live host (files, nftables, Docker, systemd, OpenClaw's config)
  and show what apply would change. Changes nothing on the host.

Options:
  -out FILE            Save the plan; 'clawplan apply FILE' applies exactly it,
                       and refuses if the host changed since
  -target ADDR         Plan only ADDR and what it depends on (repeatable)
  -replace ADDR        Recreate ADDR even if unchanged; regenerates a generated secret (repeatable)
  -var NAME=VALUE      Set a variable (repeatable); also -var-file FILE, CLAWPLAN_VAR_NAME
  -format FORMAT       text (default), json (schema/plan.schema.json) or markdown (for pull requests)
  -detailed-exitcode   Exit 0 when there are no changes, 2 when there are, 1 on error
  -no-color            Do not colour output
  -root DIR            Resolve host paths under DIR (default /)
`
}

// Run implements cli.Command.
func (c *PlanCommand) Run(args []string) int {
	fs := c.flags("plan", true)
	fs.StringVar(&c.out, "out", "", "save the plan to `FILE`")
	fs.StringVar(&c.format, "format", "text", "output `FORMAT`: text, json, markdown")
	fs.Var(&c.targets, "target", "plan only `ADDR` and its dependencies")
	fs.Var(&c.replace, "replace", "recreate `ADDR`")
	fs.BoolVar(&c.detailed, "detailed-exitcode", false, "exit 2 when there are changes")
	fs.Usage = func() { fmt.Fprint(c.Err, c.Help()) }
	pos, err := parse(fs, args)
	if err != nil {
		return exitError
	}
	path, err := manifestPath(pos)
	if err != nil {
		return c.errorf("%v", err)
	}
	if c.format != "text" && c.format != "json" && c.format != "markdown" {
		return c.errorf("-format %q: use text, json or markdown", c.format)
	}
	cfg, ok := c.load(path, c.options())
	if !ok {
		return exitError
	}
	s, err := c.session(cfg, c.out != "")
	if err != nil {
		return c.errorf("%v", err)
	}
	p, err := s.Plan(context.Background(), engine.PlanOptions{Targets: c.targets, Replace: c.replace})
	if err != nil {
		return c.planError(err)
	}
	if code := c.render(p); code != exitOK {
		return code
	}
	if c.out != "" {
		if err := s.SavePlan(c.out, p); err != nil {
			return c.errorf("saving the plan: %v", err)
		}
		fmt.Fprintf(c.Err, "Saved the plan to %s. Apply exactly it with: clawplan apply %s\n", c.out, c.out)
	}
	if c.detailed && p.HasChanges() {
		return exitChanges
	}
	return exitOK
}

func (c *PlanCommand) render(p *engine.Plan) int {
	switch c.format {
	case "json":
		b, err := views.JSON(p)
		if err != nil {
			return c.errorf("%v", err)
		}
		c.outf("%s\n", b)
	case "markdown":
		c.outf("%s", views.Markdown(p))
	default:
		c.outf("%s", views.Text(p, views.Style{Color: c.color(os.Stdout) && c.Out == os.Stdout}))
	}
	return exitOK
}

// isPlanFile reports whether path is a saved plan rather than a manifest.
func isPlanFile(path string) bool {
	if strings.HasSuffix(path, ".hcl") {
		return false
	}
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return false
	}
	b := make([]byte, 1)
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	n, _ := f.Read(b)
	return n == 1 && b[0] == '{'
}
