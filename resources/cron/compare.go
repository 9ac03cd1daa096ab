package cron

import (
	"time"

	"github.com/clawplan/clawplan/resources"
)

// how says which CLI call converges a field.
type how int

const (
	// upsert: `cron add --declaration-key` converges it.
	upsert how = iota
	// edit: the upsert keeps it; `cron edit ID` changes it.
	edit
	// replace: neither can change it without the payload failing
	// validation half way (main <-> isolated): remove and add again.
	replace
)

// field is one declared field that differs between a Spec and a job.
type field struct {
	Path          string
	Before, After any
	How           how
}

// compare returns the fields of j that differ from want, compared by
// meaning: whitespace in cron expressions, one-shot times as instants,
// OpenClaw's bookkeeping (ids, next runs, tool policy) ignored.
func compare(want Spec, j *storedJob, now time.Time) []field {
	var out []field
	add := func(path string, before, after any, h how) {
		out = append(out, field{Path: path, Before: before, After: after, How: h})
	}
	if !scheduleMatches(want.Schedule, j) {
		add("schedule", j.scheduleString(), want.Schedule.String(), upsert)
	}
	if want.Session != j.SessionTarget {
		add("session", j.SessionTarget, want.Session, replace)
	}
	path, text := want.payloadPath()
	if have, ok := jobPayload(j)[path]; !ok || have != text {
		before := any(nil)
		if ok {
			before = have
		}
		add(path, before, text, upsert)
	}
	if a, b := want.Announce, j.announce(); !sameAnnounce(a, b) {
		add("announce", b.view(), a.view(), upsert)
	}
	if want.DisplayName != j.DisplayName {
		add("display_name", optional(j.DisplayName), optional(want.DisplayName), upsert)
	}
	if want.Wake != j.WakeMode {
		add("wake", j.WakeMode, want.Wake, edit)
	}
	if want.DeleteAfterRun != j.DeleteAfterRun {
		add("delete_after_run", j.DeleteAfterRun, want.DeleteAfterRun, edit)
	}
	if want.Enabled != j.Enabled && !spentOneShot(j, now) {
		add("enabled", j.Enabled, want.Enabled, edit)
	}
	if want.Agent != "" && want.Agent != j.AgentID {
		add("agent", optional(j.AgentID), want.Agent, edit)
	}
	if want.Name != j.Name {
		add("name", j.Name, want.Name, edit)
	}
	return out
}

func sameAnnounce(a, b *Announce) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func scheduleMatches(want Schedule, j *storedJob) bool {
	s := j.Schedule
	if want.Kind() != s.Kind {
		return false
	}
	switch s.Kind {
	case "cron":
		return normExpr(want.Cron) == normExpr(s.Expr) && want.TZ == s.TZ
	case "every":
		return want.Every.Milliseconds() == s.EveryMs
	}
	if want.Relative() {
		return true // OpenClaw fixed the time when it added the job
	}
	t, ok := want.AtTime()
	have, err := time.Parse(time.RFC3339Nano, s.At)
	return ok && err == nil && t.Truncate(time.Millisecond).Equal(have)
}

// jobPayload is the job's payload keyed by the attribute that declares it.
func jobPayload(j *storedJob) map[string]string {
	switch j.Payload.Kind {
	case "agentTurn":
		return map[string]string{"message": j.Payload.Message}
	case "systemEvent":
		return map[string]string{"system_event": j.Payload.Text}
	}
	return map[string]string{}
}

// spentOneShot reports whether j is a one-shot whose time has passed:
// OpenClaw disables it after the run, which is not a change to undo.
func spentOneShot(j *storedJob, now time.Time) bool {
	if j.Schedule.Kind != "at" {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, j.Schedule.At)
	return err == nil && !t.After(now)
}

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// attrs renders fields as a plan's attribute changes.
func attrs(fields []field) []resources.AttrChange {
	out := make([]resources.AttrChange, len(fields))
	for i, f := range fields {
		out[i] = resources.AttrChange{Path: f.Path, Before: f.Before, After: f.After}
	}
	return out
}

// specAttrs renders a whole Spec as attribute changes: before nil for a
// job to create, after nil (del) for one to delete.
func specAttrs(s Spec, del bool) []resources.AttrChange {
	path, text := s.payloadPath()
	vals := []struct {
		path string
		v    any
	}{
		{"schedule", s.Schedule.String()}, {"session", s.Session}, {"wake", s.Wake}, {path, text},
		{"delete_after_run", s.DeleteAfterRun}, {"enabled", s.Enabled},
		{"announce", s.Announce.view()}, {"agent", optional(s.Agent)}, {"display_name", optional(s.DisplayName)},
	}
	out := make([]resources.AttrChange, 0, len(vals))
	for _, x := range vals {
		if x.v == nil {
			continue // not declared: nothing to show
		}
		a := resources.AttrChange{Path: x.path, After: x.v}
		if del {
			a.Before, a.After = x.v, nil
		}
		out = append(out, a)
	}
	return out
}
