package cron

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
)

// Diff compares the stored job with the block: create, update (or
// replace when the session changes), delete for an orphan.
func (j *Job) Diff(st resources.State) (resources.Change, error) {
	p := st.Private.(*probed)
	ch := resources.Change{Addr: j.addr, Action: resources.NoOp}
	switch {
	case j.orphan:
		if p.row != nil {
			ch.Action = resources.Delete
			ch.Attrs = deletedAttrs(p.row.Job)
		}
	case p.row == nil:
		j.diffAbsent(p, &ch)
	default:
		fields := compare(j.spec, p.row.Job, p.now)
		if len(fields) > 0 {
			ch.Action, ch.Attrs = resources.Update, attrs(fields)
		}
		if hasHow(fields, replace) {
			ch.Action = resources.Replace
			ch.Notes = append(ch.Notes, "the session changes: OpenClaw cannot move a job between main and isolated, so it is removed and added again (a new job id, run history kept under the old one)")
		}
	}
	j.noteGateway(p, &ch)
	return ch, nil
}

func (j *Job) diffAbsent(p *probed, ch *resources.Change) {
	if t, ok := j.spec.Schedule.AtTime(); ok && !t.After(p.now) {
		ch.Notes = append(ch.Notes, fmt.Sprintf("the one-shot time %s has passed: the job ran (and deleted itself) or missed its time; clawplan does not add it again", t.UTC().Format(time.RFC3339)))
		return
	}
	ch.Action, ch.Attrs = resources.Create, specAttrs(j.spec, false)
	if j.spec.Schedule.Relative() {
		ch.Notes = append(ch.Notes, fmt.Sprintf("at = %q is relative: OpenClaw fixes the time when the job is added, and adds it again on a later apply once it ran and deleted itself; give an ISO time to run it once", j.spec.Schedule.At))
	}
}

// deletedAttrs shows what an orphan's delete removes.
func deletedAttrs(job *storedJob) []resources.AttrChange {
	s, err := specFromJob(job)
	if err != nil {
		return []resources.AttrChange{{Path: "schedule", Before: job.scheduleString()}}
	}
	return specAttrs(s, true)
}

// noteGateway says when the change waits for the gateway.
func (j *Job) noteGateway(p *probed, ch *resources.Change) {
	if ch.Action == resources.NoOp || p.gatewayUp {
		return
	}
	ch.Notes = append(ch.Notes, fmt.Sprintf("waits for the gateway: nothing listens on 127.0.0.1:%d, and cron jobs are changed only through the running gateway; "+
		"this apply fails for %s unless it is started first (as %s: systemctl --user start openclaw-gateway)", p.port, j.addr, j.userName()))
}

// Replace is the change that recreates the job: removed and added again.
func (j *Job) Replace(st resources.State) (resources.Change, error) {
	ch, err := j.Diff(st)
	if err != nil || j.orphan {
		return ch, err
	}
	ch.Action, ch.Attrs = resources.Replace, specAttrs(j.spec, false)
	ch.Private = forceReplace{}
	return ch, nil
}

// forceReplace marks a change from Replace: Apply removes the job first.
type forceReplace struct{}

// Apply changes the job through the gateway: it fails at once with a
// clear message when the gateway does not answer.
func (j *Job) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	cl, acct, err := j.cliFor(h, j.userName(), 0)
	if err != nil {
		return err
	}
	db := dbPath(acct.Home)
	defer h.ForgetMemo(memoKey(db))
	js, err := readJobsNow(h, db)
	if err != nil {
		return err
	}
	var cur *storedJob
	if row, ok := js.ByKey[j.Key()]; ok {
		cur = row.Job
	}
	if j.orphan || c.Action == resources.Delete {
		if cur == nil {
			return nil
		}
		return cl.remove(ctx, cur.ID)
	}
	if _, force := c.Private.(forceReplace); force && cur != nil {
		if err := cl.remove(ctx, cur.ID); err != nil {
			return err
		}
		cur = nil
	}
	return converge(ctx, cl, j.Key(), j.spec, cur, time.Now())
}

// snapshotData is the job as it was: plain JSON, so a new process can
// restore it.
type snapshotData struct {
	Key     string          `json:"declaration_key"`
	User    string          `json:"user"`
	Existed bool            `json:"existed"`
	Job     json.RawMessage `json:"job,omitempty"`
}

// Snapshot reads the job as it is now, from the database.
func (j *Job) Snapshot(_ context.Context, h *resources.Host) (resources.Snapshot, error) {
	p, err := j.probe(h)
	if err != nil {
		return resources.Snapshot{}, err
	}
	js, err := readJobsNow(h, p.db)
	if err != nil {
		return resources.Snapshot{}, err
	}
	d := snapshotData{Key: j.Key(), User: j.userName()}
	if row, ok := js.ByKey[j.Key()]; ok {
		d.Existed, d.Job = true, row.Raw
	}
	b, err := json.Marshal(d)
	return resources.Snapshot{Addr: j.addr, Data: b}, err
}

// Restore puts the job back: it upserts the old job, or removes the job
// the apply created.
func (j *Job) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var d snapshotData
	if err := json.Unmarshal(s.Data, &d); err != nil {
		return fmt.Errorf("reading the snapshot of %s: %w", j.addr, err)
	}
	acct, err := account.Lookup(h, d.User)
	if err != nil {
		return err
	}
	db := dbPath(acct.Home)
	defer h.ForgetMemo(memoKey(db))
	js, err := readJobsNow(h, db)
	if err != nil {
		return err
	}
	var cur *storedJob
	if row, ok := js.ByKey[d.Key]; ok {
		cur = row.Job
	}
	if !d.Existed && cur == nil {
		return nil // never created: nothing to undo, with or without a gateway
	}
	cl, _, err := j.cliFor(h, d.User, 0)
	if err != nil {
		return err
	}
	if !d.Existed {
		return cl.remove(ctx, cur.ID)
	}
	old, err := parseJob(d.Job)
	if err != nil {
		return err
	}
	want, err := specFromJob(old)
	if err != nil {
		return err
	}
	return converge(ctx, cl, d.Key, want, cur, time.Now())
}
