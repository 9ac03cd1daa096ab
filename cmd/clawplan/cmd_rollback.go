package main

import (
	"context"
	"strconv"

	"github.com/clawplan/clawplan/engine"
)

// RollbackCommand is `clawplan rollback`.
type RollbackCommand struct {
	*Meta
	manifest string
	list     bool
}

// Synopsis implements cli.Command.
func (c *RollbackCommand) Synopsis() string {
	return "Finish an interrupted apply, or return to an earlier generation"
}

// Help implements cli.Command.
func (c *RollbackCommand) Help() string {
	return `Usage: clawplan rollback [options] [GENERATION]

  If an apply or rollback was interrupted (killed, power loss), finish
  restoring what it changed. Otherwise return the host to GENERATION (default:
  the one before the current) by restoring the snapshots every later apply took.

Options:
  -manifest PATH   The manifest (default: the current directory). Used to find the
                   state directory and the resources; rollback works without it too.
  -list            List the generations and exit
  -root DIR        As for plan
`
}

// Run implements cli.Command.
func (c *RollbackCommand) Run(args []string) int {
	fs := c.flags("rollback", true)
	fs.StringVar(&c.manifest, "manifest", ".", "the manifest `PATH`")
	fs.BoolVar(&c.list, "list", false, "list the generations")
	pos, err := parse(fs, args)
	if err != nil || len(pos) > 1 {
		return c.errorf("usage: clawplan rollback [options] [GENERATION]")
	}
	target := engine.Previous
	if len(pos) == 1 {
		if target, err = strconv.Atoi(pos[0]); err != nil || target < 0 {
			return c.errorf("GENERATION must be a number, got %q", pos[0])
		}
	}
	cfg, diags := engine.Load(c.manifest, c.options())
	if diags.HasErrors() {
		dir, err := c.stateDir(nil)
		if err != nil {
			return c.errorf("%v", err)
		}
		c.progressf("note: the manifest at %s does not load; restoring through clawplan's ownership records\n", c.manifest)
		cfg = engine.EmptyConfig(dir[len(c.Root):])
		if c.Root == "/" {
			cfg = engine.EmptyConfig(dir)
		}
	}
	s, err := c.session(cfg, false)
	if err != nil {
		return c.errorf("%v", err)
	}
	if c.list {
		return c.listGenerations(s)
	}
	s.Progress = func(ev engine.Event) { c.progressf("%s: %s\n", ev.Addr, ev.Status) }
	res, err := s.Rollback(context.Background(), target)
	if err != nil {
		return c.errorf("rollback: %v", err)
	}
	if res.Finished != "" {
		c.outf("Finished the interrupted run %s: restored %d resource(s).\n", res.Finished, len(res.Restored))
		return exitOK
	}
	c.outf("Rolled back from generation %d to %d: restored %d resource(s).\n", res.From, res.To, len(res.Restored))
	return exitOK
}

func (c *RollbackCommand) listGenerations(s *engine.Session) int {
	gens, err := s.Store.Generations()
	if err != nil {
		return c.errorf("%v", err)
	}
	if len(gens) == 0 {
		c.outf("No generations yet: nothing was applied.\n")
	}
	for _, g := range gens {
		mark := ""
		if g.RolledBack {
			mark = " (rolled back)"
		}
		c.outf("%4d  %s  %d change(s)%s\n", g.N, g.Time.Format("2006-01-02 15:04:05Z"), len(g.Changed), mark)
	}
	return exitOK
}
