package cron

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// converge makes the job under key match want with as few CLI calls as
// possible: one `cron add` to create it (or to upsert the fields the
// declaration key converges), `cron edit` for the fields the upsert keeps,
// and `cron rm` first when the session changes (main <-> isolated), which
// neither can change in place. cur is the job as it is now, nil if absent.
func converge(ctx context.Context, c *cli, key string, want Spec, cur *storedJob, now time.Time) error {
	if cur != nil && hasHow(compare(want, cur, now), replace) {
		if err := c.remove(ctx, cur.ID); err != nil {
			return err
		}
		cur = nil
	}
	job := cur
	if cur == nil || hasHow(compare(want, cur, now), upsert) {
		var err error
		if job, err = c.add(ctx, key, want); err != nil {
			return err
		}
	}
	var rest []field
	for _, f := range compare(want, job, now) {
		if f.How == edit {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return c.edit(ctx, job.ID, want, rest)
}

func hasHow(fields []field, h how) bool {
	for _, f := range fields {
		if f.How == h {
			return true
		}
	}
	return false
}

// add runs `cron add --declaration-key KEY ...` and returns the job it
// created or updated.
func (c *cli) add(ctx context.Context, key string, s Spec) (*storedJob, error) {
	out, err := c.run(ctx, s.addArgs(key)...)
	if err != nil {
		return nil, err
	}
	var res struct {
		Job json.RawMessage `json:"job"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res.Job) == 0 {
		return nil, fmt.Errorf("openclaw cron add returned no job: %s", c.secrets.Redact(lastLines(string(out))))
	}
	j, err := parseJob(res.Job)
	if err == nil && j.DeclarationKey != key {
		err = fmt.Errorf("openclaw cron add returned job %s with declaration key %q, want %q", j.ID, j.DeclarationKey, key)
	}
	return j, err
}

// edit runs `cron edit ID` with the flags of the fields the upsert keeps.
func (c *cli) edit(ctx context.Context, id string, want Spec, fields []field) error {
	args := []string{"cron", "edit", id}
	for _, f := range fields {
		switch f.Path {
		case "wake":
			args = append(args, "--wake", want.Wake)
		case "delete_after_run":
			args = append(args, map[bool]string{true: "--delete-after-run", false: "--keep-after-run"}[want.DeleteAfterRun])
		case "enabled":
			args = append(args, map[bool]string{true: "--enable", false: "--disable"}[want.Enabled])
		case "agent":
			args = append(args, "--agent", want.Agent)
		case "name":
			args = append(args, "--name", want.Name)
		}
	}
	_, err := c.run(ctx, args...)
	return err
}

// remove runs `cron rm ID`.
func (c *cli) remove(ctx context.Context, id string) error {
	_, err := c.run(ctx, "cron", "rm", id)
	return err
}
