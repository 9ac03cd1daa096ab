package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/engine/state"
	"github.com/clawplan/clawplan/resources"
)

// pendingConfirm is the state directory's record of a change that must be
// confirmed before its deadline.
type pendingConfirm struct {
	Generation int       `json:"generation"`
	Deadline   time.Time `json:"deadline"`
}

const pendingConfirmFile = "confirm-pending.json"

// awaitConfirm keeps generation gen only if `clawplan confirm` runs before
// the deadline. A detached watchdog process reverts it if this one dies.
func (c *ApplyCommand) awaitConfirm(ctx context.Context, s *engine.Session, gen int) int {
	pc := pendingConfirm{Generation: gen, Deadline: time.Now().Add(c.confirmWithin)}
	b, _ := json.Marshal(pc)
	pendingPath := filepath.Join(s.Store.Dir, pendingConfirmFile)
	if err := os.WriteFile(pendingPath, b, 0o600); err != nil {
		return c.errorf("recording the pending confirmation: %v; rolling back", err)
	}
	if err := c.startWatchdog(s.Store.Dir, pc); err != nil {
		c.progressf("warning: could not start the revert watchdog (%v); the revert happens only while this process lives\n", err)
	}
	c.outf("Run `clawplan confirm` within %s to keep generation %d; otherwise it is reverted.\n", c.confirmWithin, gen)
	for time.Now().Before(pc.Deadline) {
		if _, err := os.Stat(pendingPath); errors.Is(err, fs.ErrNotExist) {
			c.outf("Confirmed: generation %d stays.\n", gen)
			return exitOK
		}
		select {
		case <-ctx.Done():
			c.progressf("interrupted: reverting generation %d now\n", gen)
			pc.Deadline = time.Now()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := revert(s, pc); err != nil {
		return c.errorf("reverting generation %d: %v", gen, err)
	}
	c.outf("Not confirmed within %s: reverted to generation %d.\n", c.confirmWithin, gen-1)
	return exitError
}

// revert rolls back pc's generation if it is still pending and current.
func revert(s *engine.Session, pc pendingConfirm) error {
	pendingPath := filepath.Join(s.Store.Dir, pendingConfirmFile)
	var cur pendingConfirm
	b, err := os.ReadFile(pendingPath)
	if err != nil || json.Unmarshal(b, &cur) != nil || cur.Generation != pc.Generation {
		return nil // confirmed, or already reverted
	}
	if _, err := s.Rollback(context.Background(), pc.Generation-1); err != nil {
		return err
	}
	return os.Remove(pendingPath)
}

// startWatchdog starts `clawplan __watchdog` in its own session, so it
// outlives this process.
func (c *ApplyCommand) startWatchdog(stateDir string, pc pendingConfirm) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "--root", c.Root, "__watchdog", stateDir, strconv.Itoa(pc.Generation), pc.Deadline.Format(time.RFC3339Nano))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

// WatchdogCommand is the hidden `clawplan __watchdog STATEDIR GEN DEADLINE`.
type WatchdogCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *WatchdogCommand) Synopsis() string { return "" }

// Help implements cli.Command.
func (c *WatchdogCommand) Help() string { return "internal: reverts an unconfirmed apply" }

// Run implements cli.Command.
func (c *WatchdogCommand) Run(args []string) int {
	if len(args) != 3 {
		return exitError
	}
	gen, err1 := strconv.Atoi(args[1])
	deadline, err2 := time.Parse(time.RFC3339Nano, args[2])
	if err1 != nil || err2 != nil {
		return exitError
	}
	pendingPath := filepath.Join(args[0], pendingConfirmFile)
	for time.Now().Before(deadline.Add(2 * time.Second)) {
		if _, err := os.Stat(pendingPath); err != nil {
			return exitOK // confirmed, or the apply reverted it itself
		}
		time.Sleep(200 * time.Millisecond)
	}
	hostState, err := filepath.Rel(c.Root, args[0])
	if err != nil {
		return exitError
	}
	s, err := engine.NewSession(engine.EmptyConfig("/"+hostState), c.Root, nil, false)
	if err != nil {
		return exitError
	}
	for i := 0; i < 300; i++ { // the apply process may hold the lock while it reverts itself
		err = revert(s, pendingConfirm{Generation: gen})
		var locked *state.ErrLocked
		if err == nil || !errors.As(err, &locked) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return exitError
	}
	return exitOK
}

// ConfirmCommand is `clawplan confirm`.
type ConfirmCommand struct{ *Meta }

// Synopsis implements cli.Command.
func (c *ConfirmCommand) Synopsis() string { return "Keep a change applied with -confirm-within" }

// Help implements cli.Command.
func (c *ConfirmCommand) Help() string {
	return `Usage: clawplan confirm [options] [MANIFEST]

  Keep the generation an 'apply -confirm-within' is waiting on. Run it from
  another shell that still reaches the host after the change.

Options:
  -root DIR   As for plan
`
}

// Run implements cli.Command.
func (c *ConfirmCommand) Run(args []string) int {
	flags := c.flags("confirm", true)
	pos, err := parse(flags, args)
	if err != nil {
		return exitError
	}
	dir, err := c.stateDir(pos)
	if err != nil {
		return c.errorf("%v", err)
	}
	p := filepath.Join(dir, pendingConfirmFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return c.errorf("no apply is waiting for confirmation in %s (already confirmed, or reverted)", dir)
	}
	var pc pendingConfirm
	if err != nil || json.Unmarshal(b, &pc) != nil {
		return c.errorf("reading %s: %v", p, err)
	}
	if time.Now().After(pc.Deadline) {
		return c.errorf("too late: the deadline for generation %d passed at %s; it is being reverted", pc.Generation, pc.Deadline.Format(time.RFC3339))
	}
	if err := os.Remove(p); err != nil {
		return c.errorf("%v", err)
	}
	c.outf("Confirmed generation %d.\n", pc.Generation)
	return exitOK
}

// stateDir finds the state directory: the manifest's clawplan block, or the default.
func (m *Meta) stateDir(pos []string) (string, error) {
	path, err := manifestPath(pos)
	if err != nil {
		return "", err
	}
	dir := config.DefaultStateDir
	if mf, diags := config.Load(path, m.options()); !diags.HasErrors() {
		dir = mf.Settings.StateDir
	}
	return resources.NewHost(m.Root, "", nil, nil).Path(dir)
}
