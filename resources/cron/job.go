package cron

import (
	"encoding/json"
	"fmt"
	"time"
)

// storedJob is the part of OpenClaw's job JSON (cron_jobs.job_json, and
// the output of `cron add`) that clawplan declares.
type storedJob struct {
	ID             string `json:"id"`
	DeclarationKey string `json:"declarationKey"`
	Name           string `json:"name"`
	DisplayName    string `json:"displayName,omitempty"`
	AgentID        string `json:"agentId,omitempty"`
	Enabled        bool   `json:"enabled"`
	DeleteAfterRun bool   `json:"deleteAfterRun,omitempty"`
	Schedule       struct {
		Kind    string `json:"kind"`
		Expr    string `json:"expr,omitempty"`
		TZ      string `json:"tz,omitempty"`
		At      string `json:"at,omitempty"`
		EveryMs int64  `json:"everyMs,omitempty"`
	} `json:"schedule"`
	SessionTarget string `json:"sessionTarget"`
	WakeMode      string `json:"wakeMode"`
	Payload       struct {
		Kind    string `json:"kind"`
		Message string `json:"message,omitempty"`
		Text    string `json:"text,omitempty"`
	} `json:"payload"`
	Delivery *struct {
		Mode    string `json:"mode"`
		Channel string `json:"channel,omitempty"`
		To      string `json:"to,omitempty"`
	} `json:"delivery,omitempty"`
}

// parseJob reads a job JSON.
func parseJob(raw []byte) (*storedJob, error) {
	var j storedJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("reading a cron job's JSON: %w", err)
	}
	return &j, nil
}

// canonical is the job's declared fields as JSON: its fingerprint input,
// stable across OpenClaw's runtime bookkeeping (next run, state).
func (j *storedJob) canonical() []byte {
	b, _ := json.Marshal(j)
	return b
}

// announce is the job's announce delivery, nil for none.
func (j *storedJob) announce() *Announce {
	if j.Delivery == nil || j.Delivery.Mode != "announce" {
		return nil
	}
	return &Announce{Channel: j.Delivery.Channel, To: j.Delivery.To}
}

// scheduleString renders the stored schedule like Schedule.String.
func (j *storedJob) scheduleString() string {
	s := j.Schedule
	switch s.Kind {
	case "cron":
		return Schedule{Cron: s.Expr, TZ: s.TZ}.String()
	case "at":
		return "at " + s.At
	case "every":
		return "every " + durationFlag(time.Duration(s.EveryMs)*time.Millisecond)
	}
	return s.Kind
}

// specFromJob rebuilds the Spec of a stored job, so a snapshot can be
// restored through the same CLI calls that apply a block.
func specFromJob(j *storedJob) (Spec, error) {
	s := Spec{Name: j.Name, DisplayName: j.DisplayName, Session: j.SessionTarget, Wake: j.WakeMode,
		DeleteAfterRun: j.DeleteAfterRun, Agent: j.AgentID, Enabled: j.Enabled, Announce: j.announce()}
	switch j.Schedule.Kind {
	case "cron":
		s.Schedule = Schedule{Cron: j.Schedule.Expr, TZ: j.Schedule.TZ}
	case "at":
		s.Schedule = Schedule{At: j.Schedule.At}
	case "every":
		s.Schedule = Schedule{Every: time.Duration(j.Schedule.EveryMs) * time.Millisecond}
	default:
		return s, fmt.Errorf("job %s has a %q schedule, which clawplan cannot recreate", j.ID, j.Schedule.Kind)
	}
	switch j.Payload.Kind {
	case "agentTurn":
		s.Message = j.Payload.Message
	case "systemEvent":
		s.SystemEvent = j.Payload.Text
	default:
		return s, fmt.Errorf("job %s has a %q payload, which clawplan cannot recreate", j.ID, j.Payload.Kind)
	}
	return s, nil
}
