package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/clawplan/clawplan/engine/graph"
	"github.com/clawplan/clawplan/engine/state"
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/go-multierror"
)

// ApplyResult says what an apply did.
type ApplyResult struct {
	Generation int
	Applied    []resources.Addr
	Refreshed  []resources.Addr
	Run        string
}

// ApplyError is a failed apply: the root cause, and what was restored.
type ApplyError struct {
	Addr     resources.Addr
	Err      error
	Restored []resources.Addr
	// RestoreErr is set when restoring failed too; the run stays in flight
	// so `clawplan rollback` can finish it.
	RestoreErr error
}

func (e *ApplyError) Error() string {
	var b strings.Builder
	if e.Addr.Kind == "" {
		fmt.Fprintf(&b, "interrupted: %v", e.Err)
	} else {
		fmt.Fprintf(&b, "%s: %v", e.Addr, e.Err)
	}
	if len(e.Restored) > 0 {
		names := make([]string, len(e.Restored))
		for i, a := range e.Restored {
			names[i] = a.String()
		}
		fmt.Fprintf(&b, "\nrestored to their state before this apply: %s", strings.Join(names, ", "))
	}
	if e.RestoreErr != nil {
		fmt.Fprintf(&b, "\nrestoring failed too: %v\nrun `clawplan rollback` to finish restoring", e.RestoreErr)
	}
	return b.String()
}

func (e *ApplyError) Unwrap() error { return e.Err }

// ErrInterrupted is returned when an earlier run did not finish.
var ErrInterrupted = errors.New("an earlier apply or rollback was interrupted; run `clawplan rollback` to finish restoring first")

// Apply makes the host match p, which this session planned. It takes the
// lock, journals every step, and on the first failure restores everything
// it changed, newest first.
func (s *Session) Apply(ctx context.Context, p *Plan) (*ApplyResult, error) {
	if !p.HasChanges() {
		return &ApplyResult{}, nil
	}
	if err := s.Store.Ensure(s.key); err != nil {
		return nil, err
	}
	lock, err := s.Store.Lock(os.Args)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if run, err := s.Store.Inflight(); err != nil || run != nil {
		return nil, errors.Join(err, ErrInterrupted)
	}
	run, err := s.Store.BeginRun("apply", p.ManifestHash, 0)
	if err != nil {
		return nil, err
	}
	res, err := s.applyRun(ctx, p, run)
	if ae := (*ApplyError)(nil); errors.As(err, &ae) && ae.RestoreErr != nil {
		return res, err // the run stays in flight for `clawplan rollback`
	}
	return res, errors.Join(err, run.Finish())
}

func (s *Session) applyRun(ctx context.Context, p *Plan, run *state.Run) (*ApplyResult, error) {
	res := &ApplyResult{Run: run.Meta.ID}
	triggers := p.triggers()
	if err := s.owe(triggers); err != nil {
		return res, err
	}
	changes, resByAddr := s.indexPlan(p)
	var mu sync.Mutex
	snapped := map[string]resources.Snapshot{}
	var snapOrder []string // every snapshotted node, in the order the snapshots were taken
	walk := s.applyGraph(p).Walk(ctx, s.Parallel, func(ctx context.Context, node string) error {
		ch := changes[node]
		if ch.Action == resources.NoOp {
			return nil
		}
		snap, err := s.applyOne(ctx, run, resByAddr[node], ch)
		if snap != nil {
			mu.Lock()
			snapped[node] = *snap
			snapOrder = append(snapOrder, node)
			mu.Unlock()
		}
		return err
	})
	applied := s.appliedOnly(walk.Completed, changes)
	if walk.Err != nil {
		// Failed is empty when the walk stopped because the run was
		// interrupted (SIGINT, SIGTERM) rather than by a failing node.
		a, _ := resources.ParseAddr(walk.Failed)
		// Restore every node that took a snapshot, the failed one and any
		// that failed after it included, newest first.
		restored, rerr := s.restoreAll(ctx, run, snapOrder, snapped, resByAddr)
		return res, &ApplyError{Addr: a, Err: walk.Err, Restored: restored, RestoreErr: rerr}
	}
	for _, n := range applied {
		a, _ := resources.ParseAddr(n)
		res.Applied = append(res.Applied, a)
	}
	// Restart what the changes call for, once, now that all of them are in.
	// A restart that fails means the new state does not run: restore
	// everything and restart again on the old state.
	refreshed, err := s.refresh(ctx, triggers)
	res.Refreshed = refreshed
	if err != nil {
		restored, rerr := s.restoreAll(ctx, run, snapOrder, snapped, resByAddr)
		if rerr == nil {
			s.refresh(context.WithoutCancel(ctx), triggers)
		}
		a := triggers[len(refreshed)]
		return res, &ApplyError{Addr: a, Err: err, Restored: restored, RestoreErr: rerr}
	}
	if err := s.recordOwnership(p, resByAddr); err != nil {
		return res, err
	}
	gen, err := s.Store.AddGeneration(run, applied, triggers)
	res.Generation = gen
	return res, err
}

// applyOne snapshots one resource, saves the snapshot, then applies.
func (s *Session) applyOne(ctx context.Context, run *state.Run, r resources.Resource, ch resources.Change) (*resources.Snapshot, error) {
	a := r.Addr()
	s.emit(a, "applying", nil)
	snap, err := r.Snapshot(ctx, s.Host)
	if err != nil {
		s.emit(a, "failed", err)
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	snap.Addr = a
	if err := run.SaveSnapshot(snap); err != nil {
		s.emit(a, "failed", err)
		return nil, fmt.Errorf("saving snapshot: %w", err)
	}
	testHookDelay(a)
	err = r.Apply(ctx, s.Host, ch)
	if err == nil {
		err = testHookFail(a)
	}
	if err != nil {
		run.Log(a, state.Failed, s.Host.Secrets.Redact(err.Error()))
		s.emit(a, "failed", err)
		return &snap, err
	}
	s.emit(a, "applied", nil)
	return &snap, run.Log(a, state.Applied, "")
}

// testHookDelay is a documented test-only hook: CLAWPLAN_TESTHOOK_SLOW_APPLY=ADDR=DURATION
// makes the apply of ADDR pause after its snapshot is saved, so a test can
// kill -9 the process mid-apply. Nothing else reads it.
func testHookDelay(a resources.Addr) { testHookSleep("CLAWPLAN_TESTHOOK_SLOW_APPLY", a) }

// testHookFail is a documented test-only fault injector:
// CLAWPLAN_TESTHOOK_FAIL_APPLY=ADDR fails ADDR right after its Apply
// succeeded (its change is on the host), so a test can prove that a
// failure at any step restores everything. Real faults (read-only mounts,
// a stopped daemon) are used wherever a kind can be made to fail for
// real; this covers every step uniformly.
func testHookFail(a resources.Addr) error {
	if os.Getenv("CLAWPLAN_TESTHOOK_FAIL_APPLY") == a.String() {
		return fmt.Errorf("injected fault after applying %s (CLAWPLAN_TESTHOOK_FAIL_APPLY)", a)
	}
	return nil
}

// testHookSleep pauses when the variable names a (ADDR=DURATION): the
// only fault a test cannot produce for real is "the process dies at this
// exact step", and a pause lets it deliver the kill -9 there.
func testHookSleep(variable string, a resources.Addr) {
	spec := os.Getenv(variable)
	addr, dur, ok := strings.Cut(spec, "=")
	if !ok || addr != a.String() {
		return
	}
	if d, err := time.ParseDuration(dur); err == nil {
		time.Sleep(d)
	}
}

// restoreAll restores the snapshots of nodes, newest first.
func (s *Session) restoreAll(ctx context.Context, run *state.Run, nodes []string, snapped map[string]resources.Snapshot, byAddr map[string]resources.Resource) ([]resources.Addr, error) {
	ctx = context.WithoutCancel(ctx) // an interrupt must not stop a restore halfway
	var restored []resources.Addr
	var errs *multierror.Error
	for i := len(nodes) - 1; i >= 0; i-- {
		snap, ok := snapped[nodes[i]]
		if !ok {
			continue
		}
		if err := s.restoreOne(ctx, run, byAddr[nodes[i]], snap); err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		restored = append(restored, snap.Addr)
	}
	return restored, errs.ErrorOrNil()
}

func (s *Session) restoreOne(ctx context.Context, run *state.Run, r resources.Resource, snap resources.Snapshot) error {
	s.emit(snap.Addr, "restoring", nil)
	testHookSleep("CLAWPLAN_TESTHOOK_SLOW_RESTORE", snap.Addr)
	if err := r.Restore(ctx, s.Host, snap); err != nil {
		s.emit(snap.Addr, "failed", err)
		return fmt.Errorf("restore %s: %w", snap.Addr, err)
	}
	s.emit(snap.Addr, "restored", nil)
	return run.Log(snap.Addr, state.Restored, "")
}

// indexPlan maps the plan's changes and resources by address.
func (s *Session) indexPlan(p *Plan) (map[string]resources.Change, map[string]resources.Resource) {
	changes := map[string]resources.Change{}
	byAddr := map[string]resources.Resource{}
	for _, c := range p.Changes {
		changes[c.Addr.String()] = c
		if r, ok := s.Config.Get(c.Addr); ok {
			byAddr[c.Addr.String()] = r
		}
	}
	for _, r := range p.orphans {
		byAddr[r.Addr().String()] = r
	}
	return changes, byAddr
}

// applyGraph is the dependency graph restricted to the plan's resources;
// orphans come last, as their dependencies are no longer known.
func (s *Session) applyGraph(p *Plan) *graph.Graph {
	g := graph.New()
	in := map[string]bool{}
	for _, c := range p.Changes {
		in[c.Addr.String()] = true
		g.Add(c.Addr.String())
	}
	for _, c := range p.Changes {
		n := c.Addr.String()
		if !s.Config.Graph.Has(n) {
			continue
		}
		for _, d := range s.Config.Graph.DependsOn(n) {
			if in[d] {
				g.Connect(n, d)
			}
		}
	}
	return g
}

func (s *Session) appliedOnly(completed []string, changes map[string]resources.Change) []string {
	var out []string
	for _, n := range completed {
		if changes[n].Action != resources.NoOp {
			out = append(out, n)
		}
	}
	return out
}

// Adopt records ownership for resources that match the host but have no
// record yet (an imported manifest, applied for the first time with
// nothing to change), so that removing their block later deletes what
// they manage. It writes only when a record is new or different.
func (s *Session) Adopt(p *Plan) error {
	owned, err := s.Store.Owned()
	if err != nil {
		return err
	}
	_, byAddr := s.indexPlan(p)
	changed := false
	for _, c := range p.Changes {
		o, ok := byAddr[c.Addr.String()].(resources.Owner)
		if !ok || c.Action != resources.NoOp {
			continue
		}
		rec, err := o.Ownership()
		if err != nil {
			return fmt.Errorf("%s: ownership record: %w", c.Addr, err)
		}
		if string(owned[c.Addr.String()]) != string(rec) {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if err := s.Store.Ensure(s.key); err != nil {
		return err
	}
	lock, err := s.Store.Lock(os.Args)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	return s.recordOwnership(p, byAddr)
}

// recordOwnership updates owned.json after a successful apply.
func (s *Session) recordOwnership(p *Plan, byAddr map[string]resources.Resource) error {
	owned, err := s.Store.Owned()
	if err != nil {
		return err
	}
	for _, c := range p.Changes {
		key := c.Addr.String()
		if c.Action == resources.Delete {
			delete(owned, key)
			continue
		}
		if o, ok := byAddr[key].(resources.Owner); ok {
			rec, err := o.Ownership()
			if err != nil {
				return fmt.Errorf("%s: ownership record: %w", key, err)
			}
			owned[key] = rec
		}
	}
	return s.Store.SetOwned(owned)
}

// triggers are the refreshes the plan's changes call for, plus those owed.
func (p *Plan) triggers() []resources.Addr {
	seen := map[resources.Addr]bool{}
	var out []resources.Addr
	add := func(a resources.Addr) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range p.Pending {
		add(a)
	}
	for _, c := range p.Changes {
		if c.Action != resources.NoOp {
			for _, a := range c.Triggers {
				add(a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// owe records refreshes as owed before anything changes, so a crash or a
// failure can never lose one.
func (s *Session) owe(triggers []resources.Addr) error {
	if len(triggers) == 0 {
		return nil
	}
	return s.Store.SetPending(triggers)
}

// refresh runs each owed refresh once and clears it.
func (s *Session) refresh(ctx context.Context, triggers []resources.Addr) ([]resources.Addr, error) {
	var done []resources.Addr
	for _, a := range triggers {
		r, ok := s.Config.Get(a)
		rf, isRefresher := r.(resources.Refresher)
		if !ok || !isRefresher {
			s.warn(fmt.Sprintf("%s was to be refreshed but is not declared or cannot refresh; dropped", a))
			done = append(done, a)
			continue
		}
		s.emit(a, "refreshing", nil)
		if err := rf.Refresh(ctx, s.Host); err != nil {
			s.emit(a, "failed", err)
			return done, fmt.Errorf("refresh %s: %w (it stays owed: the next apply retries it)", a, err)
		}
		s.emit(a, "refreshed", nil)
		done = append(done, a)
	}
	return done, s.Store.SetPending(nil)
}
