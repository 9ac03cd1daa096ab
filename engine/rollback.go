package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/engine/graph"
	"github.com/clawplan/clawplan/engine/state"
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/go-multierror"
)

// RollbackResult says what a rollback did.
type RollbackResult struct {
	// Finished is the interrupted run that was finished, if any.
	Finished string
	// From and To are the generations, when generations were rolled back.
	From, To int
	Restored []resources.Addr
}

// Previous asks Rollback for the generation before the current one.
const Previous = -1

// Rollback finishes an interrupted apply or rollback if there is one;
// otherwise it returns the host to generation target (Previous: the one
// before the current), restoring the snapshots of every later generation,
// newest first. It is itself journalled: a rollback killed halfway is
// finished by the next one.
func (s *Session) Rollback(ctx context.Context, target int) (*RollbackResult, error) {
	ctx = context.WithoutCancel(ctx)
	if !s.Store.Exists() {
		return nil, fmt.Errorf("nothing to roll back: there is no state directory %s (nothing was applied here)", s.Store.Dir)
	}
	lock, err := s.Store.Lock(os.Args)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	run, err := s.Store.Inflight()
	if err != nil {
		return nil, err
	}
	if run != nil && run.Meta.Kind == "apply" {
		return s.finishApply(ctx, run)
	}
	if run != nil {
		target = run.Meta.Target // a rollback was interrupted: do it again, restores are idempotent
	}
	return s.rollbackTo(ctx, target, run)
}

// finishApply restores what an interrupted apply changed.
func (s *Session) finishApply(ctx context.Context, run *state.Run) (*RollbackResult, error) {
	res := &RollbackResult{Finished: run.Meta.ID}
	snaps, err := run.Snapshots()
	if err != nil {
		return res, err
	}
	if err := run.Reopen(); err != nil {
		return res, err
	}
	res.Restored, err = s.restoreSnapshots(ctx, run, snaps, run.Meta.OwnedBefore)
	if err != nil {
		return res, err
	}
	return res, run.Finish()
}

func (s *Session) rollbackTo(ctx context.Context, target int, run *state.Run) (*RollbackResult, error) {
	cur, err := s.Store.Current()
	if err != nil {
		return nil, err
	}
	if target == Previous {
		target = cur - 1
	}
	if cur == 0 || target >= cur || target < 0 {
		return nil, fmt.Errorf("nothing to roll back to generation %d: the current generation is %d", target, cur)
	}
	gens, err := s.Store.Generations()
	if err != nil {
		return nil, err
	}
	if run == nil {
		if run, err = s.Store.BeginRun("rollback", "", target); err != nil {
			return nil, err
		}
	} else if err := run.Reopen(); err != nil {
		return nil, err
	}
	res := &RollbackResult{From: cur, To: target}
	var ownedBefore map[string]json.RawMessage
	var triggers []resources.Addr
	for i := len(gens) - 1; i >= 0; i-- {
		g := gens[i]
		if g.N <= target || g.RolledBack {
			continue
		}
		r, err := s.Store.LoadRun(g.Run)
		if err != nil {
			return res, err
		}
		snaps, err := r.Snapshots()
		if err != nil {
			return res, err
		}
		restored, err := s.restoreSnapshots(ctx, run, snaps, r.Meta.OwnedBefore)
		res.Restored = append(res.Restored, restored...)
		if err != nil {
			return res, err
		}
		ownedBefore = r.Meta.OwnedBefore
		triggers = append(triggers, g.Triggers...)
	}
	if err := s.Store.SetOwned(ownedBefore); err != nil {
		return res, err
	}
	if err := s.Store.MarkRolledBack(target); err != nil {
		return res, err
	}
	if err := s.owe(triggers); err != nil {
		return res, err
	}
	if _, err := s.refresh(ctx, dedupe(triggers)); err != nil {
		return res, errors.Join(err, run.Finish())
	}
	return res, run.Finish()
}

// restoreSnapshots restores snaps in order, each through the declared
// resource at its address or, when the manifest no longer declares it, one
// rebuilt from its ownership record.
func (s *Session) restoreSnapshots(ctx context.Context, run *state.Run, snaps []resources.Snapshot, owned map[string]json.RawMessage) ([]resources.Addr, error) {
	var restored []resources.Addr
	var errs *multierror.Error
	current, _ := s.Store.Owned()
	for _, snap := range snaps {
		r, err := s.resourceFor(snap.Addr, owned, current)
		if err == nil {
			err = s.restoreOne(ctx, run, r, snap)
		}
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		restored = append(restored, snap.Addr)
	}
	return restored, errs.ErrorOrNil()
}

func (s *Session) resourceFor(a resources.Addr, records ...map[string]json.RawMessage) (resources.Resource, error) {
	if s.Config != nil {
		if r, ok := s.Config.Get(a); ok {
			return r, nil
		}
	}
	for _, rec := range records {
		if raw, ok := rec[a.String()]; ok {
			return rebuild(a, raw)
		}
	}
	r, err := rebuild(a, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot restore: not in the manifest and no ownership record (%w)", a, err)
	}
	return r, nil
}

// EmptyConfig is a configuration with no resources, for a rollback when the
// manifest cannot be loaded: restores then go through ownership records.
func EmptyConfig(stateDir string) *Config {
	m := &config.Manifest{Settings: config.Settings{StateDir: stateDir}}
	return &Config{Manifest: m, Graph: graph.New(), byAddr: map[resources.Addr]resources.Resource{}, byKind: map[string][]resources.Resource{}}
}

// dedupe returns addrs without repeats, in first-seen order.
func dedupe(addrs []resources.Addr) []resources.Addr {
	seen := map[resources.Addr]bool{}
	var out []resources.Addr
	for _, a := range addrs {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}
