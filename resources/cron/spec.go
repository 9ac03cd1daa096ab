package cron

import (
	"fmt"
	"strings"
	"time"
)

// KeyPrefix is the declaration-key namespace clawplan owns. A block's job
// has the key KeyPrefix + label; no other job is ever touched.
const KeyPrefix = "clawplan:"

// Spec is one job as clawplan wants it: from a block, or rebuilt from a
// stored job to restore it.
type Spec struct {
	Name           string // the job name: the block label
	DisplayName    string
	Schedule       Schedule
	Session        string // main | isolated
	Wake           string // now | next-heartbeat
	Message        string // agentTurn payload
	SystemEvent    string // systemEvent payload
	Announce       *Announce
	DeleteAfterRun bool
	Agent          string // "" leaves the agent to OpenClaw's default
	Enabled        bool
}

// Schedule is exactly one of a cron expression, a one-shot time or an
// interval.
type Schedule struct {
	Cron  string
	TZ    string
	At    string        // as declared: ISO time or a duration such as "20m"
	Every time.Duration // an interval
}

// Announce delivers the run's result to a channel.
type Announce struct {
	Channel string
	To      string
}

// Kind names the schedule's kind as OpenClaw stores it.
func (s Schedule) Kind() string {
	switch {
	case s.Cron != "":
		return "cron"
	case s.At != "":
		return "at"
	case s.Every > 0:
		return "every"
	}
	return ""
}

// String renders the schedule for a plan.
func (s Schedule) String() string {
	switch s.Kind() {
	case "cron":
		if s.TZ != "" {
			return fmt.Sprintf("cron %q (%s)", s.Cron, s.TZ)
		}
		return fmt.Sprintf("cron %q (host time zone)", s.Cron)
	case "at":
		if t, ok := s.AtTime(); ok {
			return "at " + t.UTC().Format(time.RFC3339)
		}
		return "at now+" + s.At
	case "every":
		return "every " + durationFlag(s.Every)
	}
	return "none"
}

// Relative reports whether a one-shot time is a duration from now ("20m"):
// OpenClaw turns it into a time when the job is added, so any one-shot
// time matches it afterwards.
func (s Schedule) Relative() bool {
	_, err := time.ParseDuration(s.At)
	return s.At != "" && err == nil
}

// isoLayouts are the one-shot times accepted, with or without an offset.
var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05.000"}

// AtTime is the instant of an absolute one-shot time: an offset-less time
// is in TZ, or the host's zone when TZ is empty (as OpenClaw reads it).
func (s Schedule) AtTime() (time.Time, bool) {
	if s.At == "" || s.Relative() {
		return time.Time{}, false
	}
	loc := time.Local
	if s.TZ != "" {
		l, err := time.LoadLocation(s.TZ)
		if err != nil {
			return time.Time{}, false
		}
		loc = l
	}
	for _, layout := range isoLayouts {
		if t, err := time.ParseInLocation(layout, s.At, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// normExpr is a cron expression with its fields separated by one space.
func normExpr(e string) string { return strings.Join(strings.Fields(e), " ") }

// view renders the announce target for a plan (nil: no delivery).
func (a *Announce) view() any {
	if a == nil {
		return nil
	}
	v := map[string]any{"channel": a.Channel}
	if a.To != "" {
		v["to"] = a.To
	}
	return v
}

// payloadPath is the attribute the payload is shown as.
func (s Spec) payloadPath() (string, string) {
	if s.SystemEvent != "" {
		return "system_event", s.SystemEvent
	}
	return "message", s.Message
}

// addArgs are the `openclaw cron add` arguments that create the job, or
// converge its declarative fields when it exists (key is the upsert key).
func (s Spec) addArgs(key string) []string {
	a := []string{"cron", "add", "--declaration-key", key, "--name", s.Name}
	if s.DisplayName != "" {
		a = append(a, "--display-name", s.DisplayName)
	}
	switch s.Schedule.Kind() {
	case "cron":
		a = append(a, "--cron", s.Schedule.Cron)
	case "at":
		a = append(a, "--at", s.Schedule.At)
	case "every":
		a = append(a, "--every", durationFlag(s.Schedule.Every))
	}
	if s.Schedule.TZ != "" && s.Schedule.Kind() != "every" {
		a = append(a, "--tz", s.Schedule.TZ)
	}
	a = append(a, "--session", s.Session, "--wake", s.Wake)
	if s.SystemEvent != "" {
		a = append(a, "--system-event", s.SystemEvent)
	} else {
		a = append(a, "--message", s.Message)
	}
	if s.Session == "isolated" {
		a = append(a, s.deliveryArgs()...)
	}
	a = append(a, map[bool]string{true: "--delete-after-run", false: "--keep-after-run"}[s.DeleteAfterRun])
	if s.Agent != "" {
		a = append(a, "--agent", s.Agent)
	}
	if !s.Enabled {
		a = append(a, "--disabled")
	}
	return a
}

// deliveryArgs: an isolated job without announce gets --no-deliver, or
// OpenClaw would announce to the last channel by default.
func (s Spec) deliveryArgs() []string {
	if s.Announce == nil {
		return []string{"--no-deliver"}
	}
	a := []string{"--announce", "--channel", s.Announce.Channel}
	if s.Announce.To != "" {
		a = append(a, "--to", s.Announce.To)
	}
	return a
}

// durationFlag writes an interval the way OpenClaw's --every reads it.
func durationFlag(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
