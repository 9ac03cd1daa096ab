package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/cmd/clawplan/views"
	"github.com/clawplan/clawplan/engine"
)

// ApplyCommand is `clawplan apply`.
type ApplyCommand struct {
	*Meta
	autoApprove      bool
	targets, replace stringList
	parallel         int
	confirmWithin    time.Duration
	verify           bool
}

// Synopsis implements cli.Command.
func (c *ApplyCommand) Synopsis() string { return "Change the host to match the manifest" }

// Help implements cli.Command.
func (c *ApplyCommand) Help() string {
	return `Usage: clawplan apply [options] [MANIFEST | PLANFILE]

  Change the host to match the manifest, in dependency order. Every change
  is snapshotted first; on the first failure everything changed is
  restored, newest first. With a PLANFILE from 'plan -out', apply exactly
  that plan, and refuse if the manifest or the host changed since.
  Without one, show the plan and ask for 'yes' unless -auto-approve.

Options:
  -auto-approve            Do not ask for confirmation
  -target ADDR             Apply only ADDR and what it depends on (repeatable)
  -replace ADDR            Recreate ADDR even if unchanged (repeatable)
  -var NAME=VALUE          Set a variable (repeatable); also -var-file FILE, CLAWPLAN_VAR_NAME
  -parallelism N           Apply at most N resources at once (default 4)
  -verify                  After applying, run 'clawplan verify'; if a check fails,
                           roll the apply back and exit 1
  -confirm-within DURATION Keep the change only if 'clawplan confirm' runs within
                           DURATION (e.g. 60s); otherwise restore it automatically,
                           even if this process dies. For firewall and network changes.
  -no-color, -root DIR     As for plan
`
}

// Run implements cli.Command.
func (c *ApplyCommand) Run(args []string) int {
	fs := c.flags("apply", true)
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "do not ask for confirmation")
	fs.Var(&c.targets, "target", "apply only `ADDR` and its dependencies")
	fs.Var(&c.replace, "replace", "recreate `ADDR`")
	fs.IntVar(&c.parallel, "parallelism", 4, "apply at most `N` resources at once")
	fs.DurationVar(&c.confirmWithin, "confirm-within", 0, "revert unless confirmed within `DURATION`")
	fs.BoolVar(&c.verify, "verify", false, "run the functional tests after applying; roll back if one fails")
	fs.Usage = func() { fmt.Fprint(c.Err, c.Help()) }
	pos, err := parse(fs, args)
	if err != nil {
		return exitError
	}
	path, err := manifestPath(pos)
	if err != nil {
		return c.errorf("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var s *engine.Session
	var p *engine.Plan
	if isPlanFile(path) {
		s, p, err = c.fromPlanFile(ctx, path)
	} else {
		s, p, err = c.fresh(ctx, path)
	}
	if err != nil {
		if errors.Is(err, errShown) {
			return exitError
		}
		return c.planError(err)
	}
	if p == nil {
		return exitOK
	}
	return c.apply(ctx, s, p)
}

var errShown = errors.New("diagnostics already shown")

// fresh loads the manifest, plans, shows the plan and asks for approval.
func (c *ApplyCommand) fresh(ctx context.Context, path string) (*engine.Session, *engine.Plan, error) {
	cfg, ok := c.load(path, c.options())
	if !ok {
		return nil, nil, errShown
	}
	s, err := c.session(cfg, false)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Plan(ctx, engine.PlanOptions{Targets: c.targets, Replace: c.replace})
	if err != nil {
		return nil, nil, err
	}
	if s.Store.Locked() { // fail fast, naming the holder, before showing a plan that may be stale
		l, err := s.Store.Lock(os.Args)
		if err != nil {
			return nil, nil, err
		}
		l.Unlock()
	}
	c.outf("%s", views.Text(p, views.Style{Color: c.color(c.Out)}))
	if p.Interrupted != "" {
		return nil, nil, engine.ErrInterrupted
	}
	if !p.HasChanges() {
		return s, nil, s.Adopt(p) // nothing to change; take ownership of what matches
	}
	if !c.autoApprove && !c.approve() {
		return nil, nil, errors.New("apply cancelled: nothing was changed")
	}
	return s, p, nil
}

// fromPlanFile re-plans a saved plan and refuses it if anything changed.
func (c *ApplyCommand) fromPlanFile(ctx context.Context, path string) (*engine.Session, *engine.Plan, error) {
	sp, err := engine.ReadSavedPlan(path)
	if err != nil {
		return nil, nil, err
	}
	cfg, ok := c.load(sp.Manifest, sp.Options(os.Environ()))
	if !ok {
		return nil, nil, errShown
	}
	s, err := c.session(cfg, false)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.VerifySaved(sp, func() (*engine.Plan, error) {
		return s.Plan(ctx, engine.PlanOptions{Targets: sp.Targets, Replace: sp.Replace})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("refusing the saved plan %s: %w", path, err)
	}
	return s, p, nil
}

func (c *ApplyCommand) approve() bool {
	c.outf("Do you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	line, _ := bufio.NewReader(c.In).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}

// apply runs the apply with progress lines on stderr.
func (c *ApplyCommand) apply(ctx context.Context, s *engine.Session, p *engine.Plan) int {
	s.Parallel = c.parallel
	var mu sync.Mutex
	s.Progress = func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Status {
		case "applying", "restoring", "refreshing":
			c.progressf("%s: %s...\n", ev.Addr, ev.Status)
		case "failed":
			c.progressf("%s: failed: %v\n", ev.Addr, ev.Err)
		default:
			c.progressf("%s: %s\n", ev.Addr, ev.Status)
		}
	}
	res, err := s.Apply(ctx, p)
	if err != nil {
		return c.errorf("apply failed at %v", err)
	}
	c.outf("\nApply complete! Resources: %d added, %d changed, %d destroyed. Generation %d.\n",
		p.Summary.Add, p.Summary.Change, p.Summary.Destroy, res.Generation)
	if c.verify {
		if code := c.verifyOrRollback(ctx, s, res.Generation); code != exitOK {
			return code
		}
	}
	if c.confirmWithin > 0 {
		return c.awaitConfirm(ctx, s, res.Generation)
	}
	return exitOK
}

func (m *Meta) progressf(format string, args ...any) {
	fmt.Fprint(m.Err, m.redact(fmt.Sprintf(format, args...)))
}

// verifyOrRollback runs the functional tests after an apply and returns
// the host to the previous generation if one fails.
func (c *ApplyCommand) verifyOrRollback(ctx context.Context, s *engine.Session, gen int) int {
	c.outf("\nVerifying the host:\n")
	results, ok := s.Verify(ctx)
	c.printChecks(results, ok)
	if ok {
		return exitOK
	}
	if _, err := s.Rollback(ctx, gen-1); err != nil {
		return c.errorf("a check failed, and rolling back generation %d failed too: %v", gen, err)
	}
	return c.errorf("a check failed: rolled back to generation %d", gen-1)
}
